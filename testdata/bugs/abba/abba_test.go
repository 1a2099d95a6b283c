//go:build sim

package abba

import (
	"sync"
	"testing"
)

func run(t *testing.T, transfer func(from, to *Account, n int)) {
	a, b := &Account{ID: 1, balance: 100}, &Account{ID: 2, balance: 100}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); transfer(a, b, 10) }()
	go func() { defer wg.Done(); transfer(b, a, 20) }()
	wg.Wait()
	if a.balance+b.balance != 200 {
		t.Fatalf("money created or lost: %d", a.balance+b.balance)
	}
}

// Bug: AB-BA lock order: two transfers lock the same two mutexes in opposite orders.
// Interleaving: g2 locks a, g3 locks b, g2 blocks on b, g3 blocks on a: deadlock.
func TestBug(t *testing.T) { run(t, Transfer) }

func TestFixed(t *testing.T) { run(t, TransferFixed) }
