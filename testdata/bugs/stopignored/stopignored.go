// Package stopignored runs a request with a timeout callback that fails it.
package stopignored

import (
	"sync"
	"time"
)

// Request ends exactly once: done or timed out.
type Request struct {
	mu     sync.Mutex
	state  string // "pending", "done", "timed out"
	events []string
}

func (r *Request) end(state string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, state)
	r.state = state
}

func (r *Request) Events() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

// Do runs work with a timeout, and stops the timer when the work is done,
// ignoring Stop's result: when the timer fired a moment ago, its callback
// has timed the request out (or is about to), and Do completes it as well.
func Do(timeout time.Duration, work func()) *Request {
	r := &Request{state: "pending"}
	t := time.AfterFunc(timeout, func() { r.end("timed out") })
	work()
	t.Stop()
	r.end("done")
	return r
}

// DoFixed ends the request only if it is still pending, under the lock the
// callback takes too, so exactly one of them ends it.
func DoFixed(timeout time.Duration, work func()) *Request {
	r := &Request{state: "pending"}
	endOnce := func(state string) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.state == "pending" {
			r.state = state
			r.events = append(r.events, state)
		}
	}
	t := time.AfterFunc(timeout, func() { endOnce("timed out") })
	work()
	t.Stop()
	endOnce("done")
	return r
}
