package simrt

// This file exports the scheduling point to simrt's own subpackages
// (simatomic), which cannot reach the world.
//
// Invariant: Yield never blocks; outside a simulation it does nothing.

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
