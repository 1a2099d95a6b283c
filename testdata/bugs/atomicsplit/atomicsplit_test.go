//go:build sim

package atomicsplit

import (
	"sync"
	"testing"
)

func run(t *testing.T, inc func(*Counter)) {
	var c Counter
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); inc(&c) }()
	}
	wg.Wait()
	if n := c.Load(); n != 2 {
		t.Fatalf("count = %d, want 2", n)
	}
}

// Bug: a data race on a counter made visible by a yield: the increment is an atomic load then an atomic store.
// Interleaving: g2 loads 0, g3 loads 0 (the load is a scheduling point), both store 1: one increment is lost.
func TestBug(t *testing.T) { run(t, (*Counter).Inc) }

func TestFixed(t *testing.T) { run(t, (*Counter).IncFixed) }
