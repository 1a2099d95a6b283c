//go:build sim

package prodcons

import "testing"

func run(t *testing.T, merge func(n, k int) <-chan int) {
	got := 0
	for range merge(3, 2) {
		got++
	}
	if got != 6 {
		t.Fatalf("consumed %d items, want 6", got)
	}
}

// Bug: producer/consumer with a wrong termination count: producers increment the active count only once they run.
// Interleaving: producer 0 runs alone: active 0->1, sends both items, active 1->0, closes out; producer 1 then sends on the closed channel (panic), or the consumer stops early.
func TestBug(t *testing.T) { run(t, Merge) }

func TestFixed(t *testing.T) { run(t, MergeFixed) }
