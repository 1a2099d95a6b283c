//go:build sim

package loopvar

import "testing"

// Bug: a loop variable captured by goroutines under go 1.21 semantics.
// Interleaving: the loop writes i for the next iteration while a goroutine reads it.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
