//go:build sim

package doubleclose

import (
	"sync"
	"testing"
)

func run(t *testing.T, stop func(*Stopper)) {
	s := New()
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); stop(s) }()
	}
	wg.Wait()
	<-s.done
}

// Bug: double close of a channel under a race: two workers check that done is open, then both close it.
// Interleaving: both goroutines run the non-blocking receive on done (open) before either closes it; the second close panics: close of closed channel.
func TestBug(t *testing.T) { run(t, (*Stopper).Stop) }

func TestFixed(t *testing.T) { run(t, (*Stopper).StopFixed) }
