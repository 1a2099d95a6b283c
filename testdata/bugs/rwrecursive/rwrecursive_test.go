//go:build sim

package rwrecursive

import (
	"sync"
	"testing"
)

func run(t *testing.T, sum func(r *Registry, names ...string) int) {
	r := New()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); sum(r, "a", "b") }()
	go func() { defer wg.Done(); r.Set("b", 2) }()
	wg.Wait()
}

// Bug: RWMutex reader-writer-reader: Sum read-locks, then lookup read-locks again; a pending writer blocks the second RLock.
// Interleaving: reader RLocks in Sum, writer calls Lock and waits for the reader, reader's nested RLock queues behind the writer: deadlock.
func TestBug(t *testing.T) { run(t, (*Registry).Sum) }

func TestFixed(t *testing.T) { run(t, (*Registry).SumFixed) }
