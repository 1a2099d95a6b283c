// Package doubleclose lets any worker stop a group on error by closing a
// shared channel.
package doubleclose

import "sync"

type Stopper struct {
	mu   sync.Mutex
	done chan struct{}
	once sync.Once
}

func New() *Stopper { return &Stopper{done: make(chan struct{})} }

func (s *Stopper) closed() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// Stop closes done unless it is already closed; the check and the close are
// not atomic, so two concurrent Stops can both close.
func (s *Stopper) Stop() {
	if !s.closed() {
		s.mu.Lock() // the lock protects nothing: the check was outside it
		close(s.done)
		s.mu.Unlock()
	}
}

// StopFixed closes exactly once.
func (s *Stopper) StopFixed() {
	s.once.Do(func() { close(s.done) })
}
