//go:build sim

package shardmove

import (
	"sync"
	"testing"
)

// run has two workers of 20 operations each move one key to the other's
// shard at operation 15, while an auditor checks the total once. The
// audit allows a slack of one key (one move in flight); it fails when two
// are.
func run(t *testing.T, work func(*Ledger, int, int)) {
	l := &Ledger{keys: [2]int{10, 10}}
	var wg sync.WaitGroup
	wg.Add(3)
	for s := range 2 {
		go func() {
			defer wg.Done()
			work(l, s, 20)
		}()
	}
	var total int
	go func() {
		defer wg.Done()
		total = l.Total()
	}()
	wg.Wait()
	if total < 19 {
		t.Fatalf("audit: %d keys, want at least 19 of 20", total)
	}
}

// Bug: a move between shards in two critical sections; the audit tolerates one move in flight, not two.
// Interleaving: the first worker is preempted inside its move at operation 15, the second runs to the middle of its own move and is preempted, and the auditor counts 18: two preemptions at exact steps of 20-step loops.
func TestBug(t *testing.T) { run(t, (*Ledger).Work) }

func TestFixed(t *testing.T) { run(t, (*Ledger).WorkFixed) }
