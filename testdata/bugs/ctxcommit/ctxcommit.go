// Package ctxcommit applies a batch of writes to a store under a context
// deadline.
package ctxcommit

import (
	"context"
	"sync"
)

type Store struct {
	mu sync.Mutex
	kv map[int]int
}

func NewStore() *Store { return &Store{kv: make(map[int]int)} }

func (s *Store) put(k, v int) {
	s.mu.Lock()
	s.kv[k] = v
	s.mu.Unlock()
}

func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.kv)
}

// Commit applies the batch, checking the deadline before each write: when
// the deadline passes mid-batch it returns with half the batch applied.
func (s *Store) Commit(ctx context.Context, batch []int) error {
	for i, v := range batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.put(i, v)
	}
	return nil
}

// CommitFixed checks the deadline once, then applies the whole batch under
// the lock: all or nothing.
func (s *Store) CommitFixed(ctx context.Context, batch []int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, v := range batch {
		s.kv[i] = v
	}
	return nil
}
