//go:build sim

package unlockearly

import "testing"

// Bug: a lock released before the last write it was meant to guard.
// Interleaving: both goroutines increment ops after unlocking.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
