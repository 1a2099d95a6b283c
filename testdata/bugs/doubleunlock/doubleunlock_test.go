//go:build sim

package doubleunlock

import (
	"sync"
	"testing"
)

func run(t *testing.T, flush func(*Buffer)) {
	b := &Buffer{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); b.Add(1) }()
	flush(b)
	wg.Wait()
}

// Bug: unlock of an unlocked mutex: Flush unlocks early on the non-empty path and its deferred Unlock runs too.
// Interleaving: the adder appends before the root's Flush locks; Flush takes the non-empty path, unlocks twice: fatal error: sync: unlock of unlocked mutex.
func TestBug(t *testing.T) { run(t, (*Buffer).Flush) }

func TestFixed(t *testing.T) { run(t, (*Buffer).FlushFixed) }
