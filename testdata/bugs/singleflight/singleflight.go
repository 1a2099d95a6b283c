// Package singleflight deduplicates concurrent loads of one key.
package singleflight

import "sync"

type call struct {
	wg  sync.WaitGroup
	val int
}

type Group struct {
	mu     sync.Mutex
	calls  map[string]*call
	Loads  int // how many times load ran
	loadMu sync.Mutex
}

func New() *Group { return &Group{calls: map[string]*call{}} }

func (g *Group) load(key string) int {
	g.loadMu.Lock()
	g.Loads++
	g.loadMu.Unlock()
	return len(key)
}

// Do looks for a call in flight, and registers its own in a second critical
// section: two callers can both miss and both load.
func (g *Group) Do(key string) int {
	g.mu.Lock()
	c, ok := g.calls[key]
	g.mu.Unlock()
	if ok {
		c.wg.Wait()
		return c.val
	}
	c = &call{}
	c.wg.Add(1)
	g.mu.Lock()
	g.calls[key] = c
	g.mu.Unlock()
	c.val = g.load(key)
	c.wg.Done()
	return c.val
}

// DoFixed looks up and registers in one critical section.
func (g *Group) DoFixed(key string) int {
	g.mu.Lock()
	if c, ok := g.calls[key]; ok {
		g.mu.Unlock()
		c.wg.Wait()
		return c.val
	}
	c := &call{}
	c.wg.Add(1)
	g.calls[key] = c
	g.mu.Unlock()
	c.val = g.load(key)
	c.wg.Done()
	return c.val
}
