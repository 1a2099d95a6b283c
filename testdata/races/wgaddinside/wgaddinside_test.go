//go:build sim

package wgaddinside

import "testing"

// Bug: WaitGroup.Add inside the goroutine: Wait may return before it.
// Interleaving: Wait returns before the goroutine's Add, and the caller reads total as the goroutine writes it.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
