// Package expirycheck is a cache whose entries expire in time.AfterFunc
// callbacks.
package expirycheck

import (
	"errors"
	"sync"
	"time"
)

var ErrGone = errors.New("entry vanished between the check and the read")

type Cache struct {
	mu sync.Mutex
	m  map[string]int
}

func New() *Cache { return &Cache{m: make(map[string]int)} }

// Put stores k and schedules its expiry after ttl.
func (c *Cache) Put(k string, v int, ttl time.Duration) {
	c.mu.Lock()
	c.m[k] = v
	c.mu.Unlock()
	time.AfterFunc(ttl, func() {
		c.mu.Lock()
		delete(c.m, k)
		c.mu.Unlock()
	})
}

func (c *Cache) Has(k string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.m[k]
	return ok
}

func (c *Cache) load(k string) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	if !ok {
		return 0, ErrGone
	}
	return v, nil
}

// Get checks, then reads, in two critical sections: the expiry can run
// between them.
func (c *Cache) Get(k string) (int, bool, error) {
	if !c.Has(k) {
		return 0, false, nil
	}
	v, err := c.load(k)
	return v, true, err
}

// GetFixed checks and reads in one critical section.
func (c *Cache) GetFixed(k string) (int, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok, nil
}
