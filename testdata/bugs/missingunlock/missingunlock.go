// Package missingunlock is an account whose Withdraw forgets to unlock on
// its error path.
package missingunlock

import (
	"errors"
	"sync"
)

var ErrInsufficient = errors.New("insufficient funds")

type Account struct {
	mu      sync.Mutex
	balance int
}

func (a *Account) Deposit(n int) {
	a.mu.Lock()
	a.balance += n
	a.mu.Unlock()
}

// Withdraw returns early on insufficient funds without unlocking.
func (a *Account) Withdraw(n int) error {
	a.mu.Lock()
	if a.balance < n {
		return ErrInsufficient // a.mu stays locked
	}
	a.balance -= n
	a.mu.Unlock()
	return nil
}

// WithdrawFixed unlocks on every path.
func (a *Account) WithdrawFixed(n int) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.balance < n {
		return ErrInsufficient
	}
	a.balance -= n
	return nil
}
