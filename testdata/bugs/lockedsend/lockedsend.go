// Package lockedsend is a notifier that delivers events on a channel while
// holding its mutex.
package lockedsend

import "sync"

type Notifier struct {
	mu      sync.Mutex
	events  chan int
	pending int
}

func New() *Notifier { return &Notifier{events: make(chan int)} }

// Notify sends while holding n.mu; the receiver locks n.mu to read pending
// before it receives: the two wait for each other.
func (n *Notifier) Notify(v int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.pending++
	n.events <- v
}

// NotifyFixed updates state under the lock and sends after releasing it.
func (n *Notifier) NotifyFixed(v int) {
	n.mu.Lock()
	n.pending++
	n.mu.Unlock()
	n.events <- v
}

// Receive checks pending under the lock, then receives one event.
func (n *Notifier) Receive() int {
	n.mu.Lock()
	n.pending--
	n.mu.Unlock()
	return <-n.events
}
