package simrt

// This file reports each finished seed to the driver that runs the test
// binary (simgen test -seeds), which sets SIM_PROGRESS=<path> for every
// process it starts. After each seed of a test, pass or fail, Test appends
// one line to that file:
//
//	<test name> <seed> ok|FAIL
//
// The driver tails the files to show live progress and to learn which seed
// of which test failed without parsing test output. A write per seed would
// cost fast tests a tenth of their speed, so lines are buffered and written
// (whole lines only, to a file opened with O_APPEND) at a failure, at a
// test's last seed, and otherwise at most every flushEvery. A process that
// crashes may so lose the last few passing lines, never a failure; with
// SIM_PROGRESS_SYNC=1 every line is written as its seed ends, which the
// driver sets to find the seed at which a process crashed. Without
// SIM_PROGRESS nothing is written.
//
// Invariants: a line is written whole or not at all; a failing seed's line
// is written before the test's failure is reported; lines of one process
// are in the order its seeds ran.

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

// flushEvery bounds how stale the progress file may be.
const flushEvery = 20 * time.Millisecond

var progress struct {
	once sync.Once
	mu   sync.Mutex // worlds run one at a time; this is only for safety
	f    *os.File
	buf  []byte
	last time.Time // of the last write
	sync bool      // SIM_PROGRESS_SYNC: write every line at once
}

// seedDone reports that test finished seed: ok if it passed. last says that
// no seed of this test follows.
//
//go:norace
func seedDone(test string, seed uint64, ok, last bool) {
	progress.once.Do(openProgress)
	if progress.f == nil {
		return
	}
	progress.mu.Lock()
	defer progress.mu.Unlock()
	b := append(progress.buf, test...)
	b = append(b, ' ')
	b = strconv.AppendUint(b, seed, 10)
	if ok {
		b = append(b, " ok\n"...)
	} else {
		b = append(b, " FAIL\n"...)
	}
	progress.buf = b
	now := time.Now()
	if ok && !last && !progress.sync && now.Sub(progress.last) < flushEvery {
		return
	}
	progress.last, progress.buf = now, b[:0]
	if _, err := progress.f.Write(b); err != nil {
		fmt.Fprintf(os.Stderr, "simrt: SIM_PROGRESS: %v\n", err)
		progress.f = nil
	}
}

// openProgress opens the SIM_PROGRESS file, if it is set, for appending.
//
//go:norace
func openProgress() {
	path := os.Getenv("SIM_PROGRESS")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		fmt.Fprintf(os.Stderr, "simrt: SIM_PROGRESS: %v\n", err)
		return
	}
	progress.f = f
	progress.sync = truthy(os.Getenv("SIM_PROGRESS_SYNC"))
}

// progressLine writes one whole line to the SIM_PROGRESS file at once, for
// reports other than a seed's (exhaustive.go).
//
//go:norace
func progressLine(line string) {
	progress.once.Do(openProgress)
	if progress.f == nil {
		return
	}
	progress.mu.Lock()
	defer progress.mu.Unlock()
	if len(progress.buf) > 0 {
		line = string(progress.buf) + line
		progress.buf = progress.buf[:0]
	}
	progress.last = time.Now()
	if _, err := progress.f.Write([]byte(line)); err != nil {
		fmt.Fprintf(os.Stderr, "simrt: SIM_PROGRESS: %v\n", err)
		progress.f = nil
	}
}
