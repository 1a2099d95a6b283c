//go:build sim

package publish

import "testing"

// Bug: a field published without a barrier: a plain flag says the data is ready.
// Interleaving: the reader sees ready before any edge orders data's write before its read.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
