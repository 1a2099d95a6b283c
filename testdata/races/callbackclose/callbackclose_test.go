//go:build sim

package callbackclose

import "testing"

// Bug: a callback running on its own goroutine races the Close that clears its handler.
// Interleaving: the event goroutine reads the handler while Close writes nil to it.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
