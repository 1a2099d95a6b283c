// Package rwrecursive is a registry whose reader takes the read lock twice,
// through a helper.
package rwrecursive

import "sync"

type Registry struct {
	mu    sync.RWMutex
	names map[string]int
}

func New() *Registry { return &Registry{names: map[string]int{"a": 1}} }

func (r *Registry) lookup(name string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.names[name]
}

// Sum holds the read lock and calls lookup, which read-locks again. A writer
// that arrives between the two RLocks blocks the second one, and waits itself
// for the first: deadlock.
func (r *Registry) Sum(names ...string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s := 0
	for _, n := range names {
		s += r.lookup(n)
	}
	return s
}

// SumFixed reads the map directly under its one read lock.
func (r *Registry) SumFixed(names ...string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s := 0
	for _, n := range names {
		s += r.names[n]
	}
	return s
}

func (r *Registry) Set(name string, v int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names[name] = v
}
