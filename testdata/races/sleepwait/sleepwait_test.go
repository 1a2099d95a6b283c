//go:build sim

package sleepwait

import "testing"

// Bug: a result read after a sleep instead of a wait.
// Interleaving: the caller reads n after a sleep while the goroutine writes it.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
