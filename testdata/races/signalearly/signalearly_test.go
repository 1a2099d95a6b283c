//go:build sim

package signalearly

import "testing"

// Bug: a done signal sent before the result is written.
// Interleaving: the receiver reads result while the worker, having sent, writes it.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
