//go:build sim

package doublelock

import (
	"sync"
	"testing"
)

func run(t *testing.T, get func(c *Cache) int) {
	c := &Cache{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); c.Invalidate() }()
	go func() { defer wg.Done(); get(c) }()
	wg.Wait()
}

// Bug: double lock: Get holds the mutex and calls refresh, which locks it again, but only on a stale entry.
// Interleaving: the invalidating goroutine runs before the reader; the reader's Get sees stale and locks c.mu twice: deadlock.
func TestBug(t *testing.T) { run(t, (*Cache).Get) }

func TestFixed(t *testing.T) { run(t, (*Cache).GetFixed) }
