//go:build sim

package singleflight

import (
	"sync"
	"testing"
)

func run(t *testing.T, do func(*Group, string) int) {
	g := New()
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); do(g, "key") }()
	}
	wg.Wait()
	if g.Loads != 1 {
		t.Fatalf("key loaded %d times, want 1", g.Loads)
	}
}

// Bug: singleflight-like duplicate work: the in-flight lookup and the registration are separate critical sections.
// Interleaving: both callers look up "key" (absent) before either registers its call; both run load.
func TestBug(t *testing.T) { run(t, (*Group).Do) }

func TestFixed(t *testing.T) { run(t, (*Group).DoFixed) }
