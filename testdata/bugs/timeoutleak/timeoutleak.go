// Package timeoutleak runs a query with a timeout; the worker sends its
// result on an unbuffered channel.
package timeoutleak

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

var ErrTimeout = errors.New("timeout")

// Finished counts workers that returned.
var Finished atomic.Int32

// Store is a value that a background refresh holds locked for 20ms.
type Store struct {
	mu  sync.Mutex
	val int
}

func (s *Store) Refresh() {
	s.mu.Lock()
	time.Sleep(20 * time.Millisecond)
	s.val++
	s.mu.Unlock()
}

func (s *Store) read() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.val
}

// Query waits 10ms for the value. When the refresh holds the lock, the
// timeout wins, and the worker's later send on the unbuffered channel blocks
// forever: a leaked goroutine.
func (s *Store) Query() (int, error) {
	ch := make(chan int)
	go func() {
		defer Finished.Add(1)
		ch <- s.read()
	}()
	select {
	case v := <-ch:
		return v, nil
	case <-time.After(10 * time.Millisecond):
		return 0, ErrTimeout
	}
}

// QueryFixed gives the channel room for the one result, so the worker never
// blocks.
func (s *Store) QueryFixed() (int, error) {
	ch := make(chan int, 1)
	go func() {
		defer Finished.Add(1)
		ch <- s.read()
	}()
	select {
	case v := <-ch:
		return v, nil
	case <-time.After(10 * time.Millisecond):
		return 0, ErrTimeout
	}
}
