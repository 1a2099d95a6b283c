// Package tickerlock is a batcher: a loop goroutine takes requests and
// flushes on a ticker, under the batcher's lock.
package tickerlock

import (
	"sync"
	"time"
)

type Batcher struct {
	mu      sync.Mutex // guards flushed and the validation state
	flushed int
	seen    int
	reqs    chan int
	quit    chan struct{}
	done    chan struct{}
}

func Start(period time.Duration) *Batcher {
	b := &Batcher{reqs: make(chan int), quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		tk := time.NewTicker(period)
		defer tk.Stop()
		var pending []int // the loop's own
		for {
			select {
			case <-tk.C:
				b.mu.Lock()
				b.flushed += len(pending)
				b.mu.Unlock()
				pending = pending[:0]
			case v := <-b.reqs:
				pending = append(pending, v)
			case <-b.quit:
				return
			}
		}
	}()
	return b
}

// Add validates v under the lock and hands it to the loop while still
// holding it: when the ticker's case wins the loop's select meanwhile, the
// loop waits for the lock and Add waits for the loop.
func (b *Batcher) Add(v int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := 0; i < 20; i++ { // validation work under the lock
		b.check()
	}
	b.seen++
	b.reqs <- v
}

// AddFixed validates under the lock and sends after releasing it.
func (b *Batcher) AddFixed(v int) {
	b.mu.Lock()
	for i := 0; i < 20; i++ {
		b.check()
	}
	b.seen++
	b.mu.Unlock()
	b.reqs <- v
}

var checks sync.Map

// check is a step of validation that touches shared state (a scheduling
// point under simulation, as a Mutex or atomic would be).
func (b *Batcher) check() { checks.Load(b) }

func (b *Batcher) Stop() { close(b.quit); <-b.done }
