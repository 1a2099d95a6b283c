// Package timerreset is a lease that expires after an idle period unless it
// is touched; expiry runs in a time.AfterFunc callback.
package timerreset

import (
	"sync"
	"time"
)

const TTL = 10 * time.Millisecond

type Lease struct {
	mu      sync.Mutex
	t       *time.Timer
	expired bool
}

func New() *Lease {
	l := &Lease{}
	l.t = time.AfterFunc(TTL, l.expire)
	return l
}

func (l *Lease) expire() {
	l.mu.Lock()
	l.expired = true
	l.mu.Unlock()
}

func (l *Lease) Expired() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.expired
}

// Touch checks that the lease has not expired, then extends it with Reset,
// ignoring Reset's result: when the timer has already fired but its callback
// has not run yet, Reset re-arms the timer, Touch reports success, and the
// pending expiry then expires the lease it just extended.
func (l *Lease) Touch() bool {
	if l.Expired() {
		return false
	}
	l.t.Reset(TTL)
	return true
}

// TouchFixed extends the lease only when Stop caught the timer before it
// fired; otherwise the lease is (or is about to be) expired.
func (l *Lease) TouchFixed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.expired || !l.t.Stop() {
		return false
	}
	l.t.Reset(TTL)
	return true
}
