package simrt

// This file serves (*testing.B).RunParallel. The real one runs the body on
// goroutines outside the simulation, and its *testing.PB cannot be made
// outside package testing, so simgen rewrites
//
//	b.RunParallel(func(pb *testing.PB) { for pb.Next() { ... } })
//
// into simrt.RunParallel(b, func(pb *simrt.PB) { ... }): the body runs on
// simulated goroutines, which share b.N iterations through their PBs.
//
// Invariant: every PB of one RunParallel call draws from the same counter,
// so the bodies run b.N iterations in all, as testing's do.

import (
	"runtime"
	"testing"
)

// PB is testing.PB for simulated parallel benchmarks.
type PB struct {
	left *int // iterations not yet handed out, shared by the call's PBs
}

// Next reports whether there are more iterations to execute. Each call is a
// scheduling point, so the goroutines of one RunParallel interleave.
//
//go:norace
func (pb *PB) Next() bool {
	if w := cw; w != nil {
		w.point()
	}
	if *pb.left <= 0 {
		return false
	}
	*pb.left--
	return true
}

// RunParallel is (*testing.B).RunParallel on simulated goroutines: it starts
// GOMAXPROCS of them (testing's default parallelism) and waits for all. The
// iteration count therefore depends on GOMAXPROCS, as testing's does; a
// replay on a machine with another GOMAXPROCS interleaves differently.
// Outside a simulation the body runs once, on the caller, for all b.N
// iterations.
//
//go:norace
func RunParallel(b *testing.B, body func(*PB)) {
	left := b.N
	if cw == nil {
		body(&PB{left: &left})
		return
	}
	var wg WaitGroup
	for i := 0; i < runtime.GOMAXPROCS(0); i++ {
		wg.Go(func() { body(&PB{left: &left}) })
	}
	wg.Wait()
}
