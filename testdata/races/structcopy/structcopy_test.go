//go:build sim

package structcopy

import "testing"

// Bug: a struct copied while another goroutine holds its lock and writes it.
// Interleaving: the snapshot reads the fields while record writes them under the lock.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
