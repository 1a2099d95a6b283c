//go:build sim

package mapwrite

import "testing"

// Bug: a map written from two goroutines.
// Interleaving: the two goroutines write the map at once.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
