//go:build sim

package wgaddinside

import "testing"

func run(t *testing.T, sum func([]int) int) {
	if got := sum([]int{1, 2, 3}); got != 6 {
		t.Fatalf("sum = %d, want 6", got)
	}
}

// Bug: WaitGroup.Add inside the goroutine: Wait can see a zero counter before the goroutines have added themselves.
// Interleaving: the root spawns three goroutines and reaches wg.Wait before one of them has run wg.Add(1); Wait returns early and the sum misses that element.
func TestBug(t *testing.T) { run(t, Sum) }

func TestFixed(t *testing.T) { run(t, SumFixed) }
