//go:build sim

package counter

import "testing"

// Bug: a counter incremented by two goroutines without its lock.
// Interleaving: both goroutines read hits before either writes it back.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
