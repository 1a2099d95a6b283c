// Package structcopy: a snapshot of guarded stats.
package structcopy

import "sync"

type stats struct {
	mu       sync.Mutex
	requests int
	errors   int
}

type snapshot struct{ requests, errors int }

func (s *stats) record() {
	s.mu.Lock()
	s.requests++
	s.mu.Unlock()
}

func run(snap func(*stats) snapshot) snapshot {
	s := &stats{}
	done := make(chan struct{})
	go func() { s.record(); close(done) }()
	r := snap(s)
	<-done
	return r
}

// Bug copies the fields without the lock.
func Bug() snapshot {
	return run(func(s *stats) snapshot { return snapshot{s.requests, s.errors} })
}

// Fixed copies them under it.
func Fixed() snapshot {
	return run(func(s *stats) snapshot {
		s.mu.Lock()
		defer s.mu.Unlock()
		return snapshot{s.requests, s.errors}
	})
}
