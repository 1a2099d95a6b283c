// Package doublelock is a cache whose Get refreshes a stale entry while it
// still holds the cache's mutex.
package doublelock

import "sync"

type Cache struct {
	mu    sync.Mutex
	val   int
	stale bool
}

// Invalidate marks the value stale.
func (c *Cache) Invalidate() {
	c.mu.Lock()
	c.stale = true
	c.mu.Unlock()
}

// Get locks c.mu and, on a stale value, calls refresh, which locks c.mu again.
func (c *Cache) Get() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stale {
		c.refresh()
	}
	return c.val
}

func (c *Cache) refresh() {
	c.mu.Lock() // already held by Get
	defer c.mu.Unlock()
	c.val++
	c.stale = false
}

// GetFixed calls refreshLocked, which expects the caller to hold c.mu.
func (c *Cache) GetFixed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stale {
		c.refreshLocked()
	}
	return c.val
}

func (c *Cache) refreshLocked() {
	c.val++
	c.stale = false
}
