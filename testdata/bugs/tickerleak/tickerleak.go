// Package tickerleak is a poller that ticks in a background goroutine until
// it is stopped.
package tickerleak

import (
	"sync"
	"time"
)

type Poller struct {
	mu     sync.Mutex
	polls  int
	quit   chan struct{}
	Exited chan struct{}
}

func Start() *Poller {
	p := &Poller{quit: make(chan struct{}), Exited: make(chan struct{})}
	go p.loop()
	return p
}

func (p *Poller) loop() {
	defer close(p.Exited)
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.quit:
			return
		case <-t.C:
			p.mu.Lock()
			p.polls++
			p.mu.Unlock()
		}
	}
}

// Stop signals with a non-blocking send: if the loop is busy polling rather
// than waiting in its select, the signal is dropped and the goroutine and its
// ticker run forever.
func (p *Poller) Stop() {
	select {
	case p.quit <- struct{}{}:
	default:
	}
}

// StopFixed closes quit, which the loop sees whenever it next selects.
func (p *Poller) StopFixed() { close(p.quit) }
