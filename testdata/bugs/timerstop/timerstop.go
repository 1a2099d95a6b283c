// Package timerstop schedules a delayed flush with time.AfterFunc and cancels
// it on close.
package timerstop

import (
	"sync"
	"time"
)

type Writer struct {
	mu     sync.Mutex
	out    chan string
	closed bool
	t      *time.Timer
}

func New() *Writer {
	w := &Writer{out: make(chan string, 4)}
	w.t = time.AfterFunc(10*time.Millisecond, w.flush)
	return w
}

func (w *Writer) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.out <- "flush"
	}
}

// Close stops the timer and closes out, ignoring Stop's result: when the
// timer has already fired, its flush may not have run yet, and then sends on
// the closed channel.
func (w *Writer) Close() {
	w.t.Stop()
	close(w.out)
}

// CloseFixed marks the writer closed under the lock flush takes, so a flush
// that Stop was too late for sees closed and sends nothing.
func (w *Writer) CloseFixed() {
	w.t.Stop()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	close(w.out)
}
