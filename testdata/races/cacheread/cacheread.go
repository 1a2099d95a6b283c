// Package cacheread: a cache with a read lock the reader forgets.
package cacheread

import "sync"

type cache struct {
	mu sync.RWMutex
	m  map[string]string
}

func (c *cache) put(k, v string) {
	c.mu.Lock()
	c.m[k] = v
	c.mu.Unlock()
}

func run(get func(c *cache, k string) string) string {
	c := &cache{m: map[string]string{}}
	done := make(chan struct{})
	go func() { c.put("a", "1"); close(done) }()
	v := get(c, "a")
	<-done
	return v
}

// Bug reads without the lock.
func Bug() string { return run(func(c *cache, k string) string { return c.m[k] }) }

// Fixed takes the read lock.
func Fixed() string {
	return run(func(c *cache, k string) string {
		c.mu.RLock()
		defer c.mu.RUnlock()
		return c.m[k]
	})
}
