// Package publish: a producer publishes a result and raises a flag.
package publish

import (
	"runtime"
	"sync/atomic"
)

// Bug spins on a plain bool.
func Bug() int {
	var data int
	var ready bool
	go func() {
		data = 42
		ready = true
	}()
	for !ready {
		runtime.Gosched()
	}
	return data
}

// Fixed spins on an atomic.
func Fixed() int {
	var data int
	var ready atomic.Bool
	go func() {
		data = 42
		ready.Store(true)
	}()
	for !ready.Load() {
		runtime.Gosched()
	}
	return data
}
