package simrt

// This file exports the scheduling point to simrt's own subpackages
// (simatomic), which cannot reach the world.
//
// Independence (dpor.go): an atomic operation touches the memory at its
// address and nothing else; operations on different addresses commute.
//
// Invariant: Yield never blocks; outside a simulation it does nothing.

import "unsafe"

// Yield is a scheduling point for packages of simrt; not for user code.
// When a simulation runs, the scheduler may switch to another goroutine
// before the caller goes on.
//
//go:norace
func Yield() {
	if w := cw; w != nil {
		w.point()
	}
}

// YieldOn is Yield before an operation on the memory at p: exhaustive
// exploration's reduction takes operations on different addresses to
// commute.
//
//go:norace
func YieldOn(p unsafe.Pointer) {
	if w := cw; w != nil {
		w.on(p)
		w.point()
	}
}
