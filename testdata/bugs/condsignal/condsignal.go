// Package condsignal is a bounded queue whose producers and consumers share
// one sync.Cond.
package condsignal

import "sync"

type Queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []int
	cap   int
}

func New(capacity int) *Queue {
	q := &Queue{cap: capacity}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Put and Get wait on the same Cond and wake one waiter with Signal. The
// one woken can be a waiter of the wrong kind (a producer woken by a
// producer), which goes back to sleep: the wakeup meant for a consumer is
// lost.
func (q *Queue) Put(v int, broadcast bool) {
	q.mu.Lock()
	for len(q.items) == q.cap {
		q.cond.Wait()
	}
	q.items = append(q.items, v)
	q.wake(broadcast)
	q.mu.Unlock()
}

func (q *Queue) Get(broadcast bool) int {
	q.mu.Lock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	v := q.items[0]
	q.items = q.items[1:]
	q.wake(broadcast)
	q.mu.Unlock()
	return v
}

// wake signals one waiter (the bug) or broadcasts to all (the fix).
func (q *Queue) wake(broadcast bool) {
	if broadcast {
		q.cond.Broadcast()
	} else {
		q.cond.Signal()
	}
}
