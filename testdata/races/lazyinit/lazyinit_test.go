//go:build sim

package lazyinit

import "testing"

// Bug: a lazily initialised field without sync.Once (double-checked locking).
// Interleaving: one goroutine stores cfg under the lock while the other checks it unlocked.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
