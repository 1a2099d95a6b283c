// Package drainsync waits for replies with a reused timeout timer; its test
// binary runs with Go 1.23 timer channels (asynctimerchan=0).
package drainsync

import (
	"sync"
	"time"
)

// Client sends requests to a server goroutine and waits for each reply with
// a timeout, reusing one timer.
type Client struct {
	t        *time.Timer
	reqs     chan chan int
	timeouts int
}

func NewClient(reqs chan chan int) *Client {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &Client{t: t, reqs: reqs}
}

// Call waits for a reply or the timeout, then stops the timer with the
// pre-1.23 idiom "if !Stop, drain": when the timeout case has taken the
// value, Stop reports false and the drain waits forever for a value that
// will never come.
func (c *Client) Call(timeout time.Duration) (int, bool) {
	reply := make(chan int, 1)
	c.reqs <- reply
	c.t.Reset(timeout)
	var v int
	ok := false
	select {
	case v = <-reply:
		ok = true
	case <-c.t.C:
		c.timeouts++
	}
	if !c.t.Stop() {
		<-c.t.C
	}
	return v, ok
}

// CallFixed relies on Go 1.23's Stop, which discards a fired value itself:
// no drain.
func (c *Client) CallFixed(timeout time.Duration) (int, bool) {
	reply := make(chan int, 1)
	c.reqs <- reply
	c.t.Reset(timeout)
	defer c.t.Stop()
	select {
	case v := <-reply:
		return v, true
	case <-c.t.C:
		c.timeouts++
		return 0, false
	}
}

// Serve answers each request after some work.
func Serve(reqs chan chan int, work int) {
	var mu sync.Mutex
	n := 0
	for reply := range reqs {
		for i := 0; i < work; i++ {
			mu.Lock()
			n++
			mu.Unlock()
		}
		reply <- n
	}
}
