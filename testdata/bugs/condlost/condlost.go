// Package condlost waits for a ready flag with sync.Cond.
package condlost

import "sync"

type Gate struct {
	mu    sync.Mutex
	cond  *sync.Cond
	ready bool
}

func New() *Gate {
	g := &Gate{}
	g.cond = sync.NewCond(&g.mu)
	return g
}

func (g *Gate) Open() {
	g.mu.Lock()
	g.ready = true
	g.cond.Signal()
	g.mu.Unlock()
}

// Wait waits for one Signal without checking the predicate: a Signal sent
// before it waits is lost.
func (g *Gate) Wait() {
	g.mu.Lock()
	g.cond.Wait()
	g.mu.Unlock()
}

// WaitFixed waits in a loop on the predicate.
func (g *Gate) WaitFixed() {
	g.mu.Lock()
	for !g.ready {
		g.cond.Wait()
	}
	g.mu.Unlock()
}
