//go:build sim

package errcapture

import "testing"

// Bug: a closure captures err, which the caller reassigns.
// Interleaving: the goroutine writes err while the caller assigns it.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
