//go:build sim

package cacheread

import "testing"

// Bug: a cache read outside its lock while a writer fills it.
// Interleaving: the reader reads the map while the writer holds the write lock and stores into it.
func TestBug(t *testing.T) { Bug() }

func TestFixed(t *testing.T) { Fixed() }
