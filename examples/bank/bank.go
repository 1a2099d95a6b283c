// Package bank is simgen's example of a real concurrency bug: an account
// whose Withdraw checks the balance and debits it in two separate critical
// sections. Each section is correctly locked, the race detector has nothing
// to say, and natively the test almost always passes. Two withdrawals that
// both pass the check before either debits overdraw the account, and only a
// rare interleaving does that: simgen's seeds find one, and replay it.
package bank

import "sync"

// Account is a balance guarded by a mutex.
type Account struct {
	mu      sync.Mutex
	balance int // guarded by mu
}

// NewAccount returns an account holding balance.
func NewAccount(balance int) *Account {
	return &Account{balance: balance}
}

// Balance returns the current balance.
func (a *Account) Balance() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

// Withdraw debits amount if the balance covers it, and reports whether it
// did.
//
// The bug: the check and the debit are two critical sections, so another
// withdrawal can debit in between, and this one then debits money that is
// no longer there. The fix is to check and debit under one Lock.
func (a *Account) Withdraw(amount int) bool {
	if a.Balance() < amount {
		return false
	}
	a.mu.Lock()
	a.balance -= amount
	a.mu.Unlock()
	return true
}
