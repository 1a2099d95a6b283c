//go:build sim

package latelog

import "testing"

// Bug: t.Logf handed to a pool as its logger, called by a job after the test returned.
// Interleaving: the test returns without closing the pool; the failed job logs through t.Logf after it (package testing panics).
// Report: panic: Log in goroutine after TestBug has completed: job refresh failed: flaky backend
func TestBug(t *testing.T) {
	p := New(t.Logf)
	p.Submit("refresh", flaky)
}

func TestFixed(t *testing.T) {
	p := New(t.Logf)
	defer p.Close()
	p.Submit("refresh", flaky)
}
