//go:build sim

package afterfunc

import "testing"

// Bug: a timer callback writes a field the caller reads without synchronisation.
// Interleaving: the timer's goroutine writes the flag; the caller reads it after a sleep, which orders nothing.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
