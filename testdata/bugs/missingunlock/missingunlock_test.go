//go:build sim

package missingunlock

import (
	"sync"
	"testing"
)

func run(t *testing.T, withdraw func(a *Account, n int) error) {
	a := &Account{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a.Deposit(10) }()
	go func() {
		defer wg.Done()
		for withdraw(a, 10) != nil {
			// retry until the deposit arrives
			a.Deposit(0)
		}
	}()
	wg.Wait()
}

// Bug: missing unlock on an error path: Withdraw returns ErrInsufficient with the mutex still held.
// Interleaving: the withdrawal runs before the deposit, takes the error path and leaves a.mu locked; the deposit and the retry block on it: deadlock.
func TestBug(t *testing.T) { run(t, (*Account).Withdraw) }

func TestFixed(t *testing.T) { run(t, (*Account).WithdrawFixed) }
