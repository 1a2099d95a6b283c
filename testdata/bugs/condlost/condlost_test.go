//go:build sim

package condlost

import (
	"sync"
	"testing"
)

func run(t *testing.T, wait func(*Gate)) {
	g := New()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); wait(g) }()
	g.Open()
	wg.Wait()
}

// Bug: lost wakeup with Cond: Wait does not check a predicate, so a Signal before the Wait is lost.
// Interleaving: the root runs Open (ready=true, Signal with no waiter) before the waiter locks the mutex; the waiter then waits forever: deadlock.
func TestBug(t *testing.T) { run(t, (*Gate).Wait) }

func TestFixed(t *testing.T) { run(t, (*Gate).WaitFixed) }
