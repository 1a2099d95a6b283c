// Package afterfunc: a timeout flag set by time.AfterFunc.
package afterfunc

import (
	"sync"
	"time"
)

type call struct {
	mu       sync.Mutex
	timedOut bool
}

// Bug: the caller polls the flag that the timer's goroutine sets.
func Bug() bool {
	c := &call{}
	time.AfterFunc(time.Millisecond, func() { c.timedOut = true })
	time.Sleep(2 * time.Millisecond)
	return c.timedOut
}

// Fixed: both sides take the lock.
func Fixed() bool {
	c := &call{}
	time.AfterFunc(time.Millisecond, func() { c.mu.Lock(); c.timedOut = true; c.mu.Unlock() })
	time.Sleep(2 * time.Millisecond)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.timedOut
}
