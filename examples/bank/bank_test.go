package bank

import (
	"sync"
	"testing"
)

// TestOverdraw withdraws from one account from two goroutines at once.
// Whatever the interleaving, the balance must never go below zero.
func TestOverdraw(t *testing.T) {
	a := NewAccount(100)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.Withdraw(80)
		}()
	}
	wg.Wait()
	if b := a.Balance(); b < 0 {
		t.Fatalf("balance went negative: %d", b)
	}
}
