//go:build sim

package pollcount

import "testing"

// Bug: a count polled with select default and read without the lock that guards it.
// Interleaving: the poller reads done while the worker increments it under a lock the poller does not take.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
