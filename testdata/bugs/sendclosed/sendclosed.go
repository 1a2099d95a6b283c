// Package sendclosed is an event bus whose Shutdown closes the events
// channel while publishers may still send on it.
package sendclosed

import "sync"

type Bus struct {
	mu     sync.Mutex
	events chan string
	closed bool
}

func New() *Bus { return &Bus{events: make(chan string, 8)} }

// Publish checks closed under the lock, then sends after unlocking: a
// Shutdown in between closes the channel under the send.
func (b *Bus) Publish(e string) bool {
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return false
	}
	b.events <- e
	return true
}

// PublishFixed sends while holding the lock that Shutdown takes to close.
func (b *Bus) PublishFixed(e string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	b.events <- e
	return true
}

func (b *Bus) Shutdown() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	close(b.events)
}
