// Package abba transfers money between accounts, each guarded by its own
// mutex.
package abba

import "sync"

type Account struct {
	ID      int
	mu      sync.Mutex
	balance int
}

// Transfer locks from, then to: two opposite transfers lock the same pair of
// mutexes in opposite orders.
func Transfer(from, to *Account, n int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= n
	to.balance += n
}

// TransferFixed always locks the account with the smaller ID first.
func TransferFixed(from, to *Account, n int) {
	a, b := from, to
	if b.ID < a.ID {
		a, b = b, a
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	from.balance -= n
	to.balance += n
}
