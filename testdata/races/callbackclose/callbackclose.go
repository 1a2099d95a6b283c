// Package callbackclose: a watcher calls a handler until closed.
package callbackclose

import "sync"

type watcher struct {
	mu      sync.Mutex
	handler func(int)
	done    chan struct{}
}

func newWatcher(h func(int)) *watcher {
	return &watcher{handler: h, done: make(chan struct{})}
}

// Bug: the event goroutine reads handler while Close clears it.
func Bug() {
	w := newWatcher(func(int) {})
	go func() {
		defer close(w.done)
		if h := w.handler; h != nil {
			h(1)
		}
	}()
	w.handler = nil
	<-w.done
}

// Fixed: both sides take the lock.
func Fixed() {
	w := newWatcher(func(int) {})
	go func() {
		defer close(w.done)
		w.mu.Lock()
		h := w.handler
		w.mu.Unlock()
		if h != nil {
			h(1)
		}
	}()
	w.mu.Lock()
	w.handler = nil
	w.mu.Unlock()
	<-w.done
}
