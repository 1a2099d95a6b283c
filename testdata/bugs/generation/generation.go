// Package generation is a config holder whose generation a ticker bumps.
package generation

import (
	"sync"
	"time"
)

type Holder struct {
	mu  sync.Mutex
	gen int
	tk  *time.Ticker
	out chan struct{}
}

// Start bumps the generation on every tick of period d until Stop.
func Start(d time.Duration) *Holder {
	h := &Holder{tk: time.NewTicker(d), out: make(chan struct{})}
	go func() {
		for {
			select {
			case <-h.tk.C:
				h.mu.Lock()
				h.gen++
				h.mu.Unlock()
			case <-h.out:
				return
			}
		}
	}()
	return h
}

func (h *Holder) Stop() { h.tk.Stop(); close(h.out) }

func (h *Holder) Gen() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.gen
}

// Snapshot reads the generation twice, in two critical sections, and
// expects them to agree: a tick in between breaks it.
func (h *Holder) Snapshot() (a, b int) { return h.Gen(), h.Gen() }

// SnapshotFixed reads it once, under one lock.
func (h *Holder) SnapshotFixed() (a, b int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.gen, h.gen
}
