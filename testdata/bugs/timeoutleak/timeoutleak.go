// Package timeoutleak runs a query with a timeout; the worker sends its
// result on an unbuffered channel.
package timeoutleak

import (
	"errors"
	"sync/atomic"
	"time"
)

var ErrTimeout = errors.New("timeout")

// Finished counts workers that returned.
var Finished atomic.Int32

func slowQuery() int {
	time.Sleep(10 * time.Millisecond)
	return 42
}

// Query waits 10ms for a result that takes 10ms. When the timeout wins, the
// worker's send on the unbuffered channel blocks forever: a leaked goroutine.
func Query() (int, error) {
	ch := make(chan int)
	go func() {
		defer Finished.Add(1)
		ch <- slowQuery()
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
func QueryFixed() (int, error) {
	ch := make(chan int, 1)
	go func() {
		defer Finished.Add(1)
		ch <- slowQuery()
	}()
	select {
	case v := <-ch:
		return v, nil
	case <-time.After(10 * time.Millisecond):
		return 0, ErrTimeout
	}
}
