//go:build sim

package sliceappend

import "testing"

// Bug: a slice appended from two goroutines.
// Interleaving: both goroutines append to the same slice header.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
