package simrt

// This file holds runtime.Stack, whose dump of every goroutine would show
// the runtime's own helpers.
//
// Invariants: Stack(buf, true) writes what runtime.Stack writes, less the
// goroutines that only the simulation runs (idle workers parked in their
// coroutine, the watchdog, the ambient driver); a goroutine with any frame
// of the program's (a simulated goroutine, blocked or running) stays. A
// simulated goroutine that has not started yet has no real goroutine, so
// unlike natively it is not in the dump until it first runs.

import (
	"bytes"
	"runtime"
	"strings"
)

// Stack is runtime.Stack. With all set, the dump leaves out the
// simulation's own goroutines, so a leak checker (go.uber.org/goleak) that
// reads it sees the program's goroutines, as it does natively.
func Stack(buf []byte, all bool) int {
	if !all {
		return runtime.Stack(buf, false)
	}
	dump := make([]byte, 64<<10)
	for {
		n := runtime.Stack(dump, true)
		if n < len(dump) {
			dump = dump[:n]
			break
		}
		dump = make([]byte, 2*len(dump))
	}
	var out []byte
	for i, block := range bytes.Split(dump, []byte("\n\n")) {
		if i > 0 && internalGoroutine(block) {
			continue // the first block is the caller's own goroutine
		}
		if len(out) > 0 {
			out = append(out, "\n\n"...)
		}
		out = append(out, block...)
	}
	return copy(buf, out)
}

// internalGoroutine reports whether a goroutine's block of a stack dump
// runs the simulation's code only: a simrt frame, and no frame outside
// simrt and the runtime's, iter's, time's and sync's own.
func internalGoroutine(block []byte) bool {
	lines := strings.Split(string(block), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "goroutine ") {
		return false
	}
	sim := false
	for _, l := range lines[1:] {
		if l == "" || l[0] == '\t' || strings.HasPrefix(l, "created by ") || strings.HasPrefix(l, "...") {
			continue // a file:line, the creator, an elision
		}
		switch {
		case strings.HasPrefix(l, "simgen.dev/simgen/simrt."):
			sim = true
		case strings.HasPrefix(l, "iter."), strings.HasPrefix(l, "runtime."),
			strings.HasPrefix(l, "time."), strings.HasPrefix(l, "sync."):
		default:
			return false
		}
	}
	return sim
}
