// Package pollcount: a progress counter read while polling for the end.
package pollcount

import (
	"runtime"
	"sync"
)

type progress struct {
	mu   sync.Mutex
	done int
}

func run(read func(p *progress) int) int {
	p := &progress{}
	end := make(chan struct{})
	go func() {
		for i := 0; i < 3; i++ {
			p.mu.Lock()
			p.done++
			p.mu.Unlock()
		}
		close(end)
	}()
	seen := 0
	for {
		select {
		case <-end:
			return seen
		default:
			seen = read(p)
			runtime.Gosched()
		}
	}
}

// Bug reads the counter unlocked.
func Bug() int { return run(func(p *progress) int { return p.done }) }

// Fixed locks.
func Fixed() int {
	return run(func(p *progress) int { p.mu.Lock(); defer p.mu.Unlock(); return p.done })
}
