//go:build sim

package ctxresult

import "testing"

// Bug: the caller reads a result after ctx.Done without waiting for the goroutine that writes it.
// Interleaving: the caller reads result after ctx.Done while the goroutine writes it once more.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
