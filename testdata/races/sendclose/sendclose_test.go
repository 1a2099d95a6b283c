//go:build sim

package sendclose

import "testing"

// Bug: a send on a results channel races the collector's close of it.
// Interleaving: the collector closes after the first result while the other workers send.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
