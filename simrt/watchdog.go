package simrt

// This file is the watchdog: a real goroutine that notices when the running
// simulated goroutine has not handed control back for SIM_WATCHDOG of wall
// time (w.progress counts transfers and scheduling points, so a goroutine
// that runs alone but keeps reaching scheduling points is not flagged). That
// goroutine is blocked outside the simulation (a call simgen did
// not rewrite, real I/O) or spinning without a scheduling point; either way
// the simulation cannot go on, so the watchdog reports it with its stack and
// the replay line and ends the process rather than hang silently.
//
// Invariants: the watchdog reads only atomics (watched, w.progress); it
// never touches scheduler state.

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

var (
	watched      atomic.Pointer[world]
	watchLimit   atomic.Int64
	watchdogOnce sync.Once
)

//go:norace
func watchdogLimit() time.Duration { return time.Duration(watchLimit.Load()) }

//go:norace
func watch(w *world, limit time.Duration) {
	watchLimit.Store(int64(limit))
	watched.Store(w)
	watchdogOnce.Do(func() { go watchdog() })
}

//go:norace
func unwatch() { watched.Store(nil) }

//go:norace
func watchdog() {
	var last *world
	var lastProgress int64
	var since time.Time
	for {
		time.Sleep(100 * time.Millisecond)
		w := watched.Load()
		if w == nil {
			last = nil
			continue
		}
		p := w.progress.Load()
		if w != last || p != lastProgress {
			last, lastProgress, since = w, p, time.Now()
			continue
		}
		if time.Since(since) < watchdogLimit() {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "simrt: watchdog: a simulated goroutine has not yielded for %v of wall time (seed %d).\n", watchdogLimit(), w.seed)
		b.WriteString("It is blocked outside the simulation (a call simgen did not rewrite, real I/O, a lock taken outside simrt) or spinning without a scheduling point.\n")
		b.WriteString("Goroutines not parked by the simulation:\n\n")
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		for _, block := range strings.Split(string(buf), "\n\n") {
			if strings.Contains(block, "[coroutine") || !strings.Contains(block, simrtPkg) || strings.Contains(block, "simrt.watchdog") {
				continue
			}
			b.WriteString(block + "\n\n")
		}
		if s := w.session; s != nil {
			b.WriteString(s.replay() + "\n")
		}
		fmt.Fprint(os.Stderr, b.String())
		os.Exit(2)
	}
}
