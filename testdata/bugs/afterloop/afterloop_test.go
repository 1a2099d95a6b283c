//go:build sim

package afterloop

import (
	"testing"
	"time"
)

func run(t *testing.T, collect func(<-chan int, time.Duration) []int) {
	ch := make(chan int)
	done := make(chan struct{})
	go func() {
		defer close(done)
		Producer(ch, 10, 50)
	}()
	got := collect(ch, 10*time.Microsecond)
	if len(got) != 10 {
		t.Errorf("collected %d of 10 items", len(got))
		for range ch { // let the producer finish
		}
	}
	<-done
}

// Bug: time.After in a loop as an end-of-stream detector: Collect returns at the first gap longer than 10µs between two items.
// Interleaving: the producer's work between two items (100 points) costs 1.6-13µs; when it passes 10µs the select's fresh time.After fires first and Collect returns with items missing.
func TestBug(t *testing.T) { run(t, Collect) }

func TestFixed(t *testing.T) { run(t, CollectFixed) }
