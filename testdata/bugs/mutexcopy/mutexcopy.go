// Package mutexcopy keeps statistics guarded by a mutex, and snapshots them
// by copying the struct.
package mutexcopy

import (
	"sync"
	"sync/atomic"
)

type Stats struct {
	mu    sync.Mutex
	hits  int
	total atomic.Int64 // all hits ever, across resets
}

func (s *Stats) Hit() {
	s.mu.Lock()
	s.hits++
	s.total.Add(1)
	s.mu.Unlock()
}

// Snapshot copies the struct, mutex included, and locks the copy: a copy
// taken while another goroutine holds the lock is locked forever.
func (s *Stats) Snapshot() int {
	c := *s // copies s.mu in whatever state it is
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits
}

// SnapshotFixed locks the original and copies only the data.
func (s *Stats) SnapshotFixed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}
