//go:build sim

package condsignal

import (
	"sync"
	"testing"
)

func run(t *testing.T, broadcast bool) {
	q := New(1)
	var wg sync.WaitGroup
	for p := 0; p < 2; p++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < 2; i++ {
				q.Put(i, broadcast)
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < 2; i++ {
				q.Get(broadcast)
			}
		}()
	}
	wg.Wait()
}

// Bug: Signal where Broadcast is needed: producers and consumers share one Cond, so a Signal can wake a waiter of the wrong kind.
// Interleaving: both consumers and one producer wait; a Put's Signal wakes the other producer (queue full), which waits again; the consumers are never woken: deadlock.
func TestBug(t *testing.T) { run(t, false) }

func TestFixed(t *testing.T) { run(t, true) }
