// Package unlockearly: a balance updated after its unlock.
package unlockearly

import "sync"

type account struct {
	mu      sync.Mutex
	balance int
	ops     int
}

func run(deposit func(a *account)) int {
	a := &account{}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); deposit(a) }()
	}
	wg.Wait()
	return a.balance
}

// Bug counts the operation after unlocking.
func Bug() int {
	return run(func(a *account) {
		a.mu.Lock()
		a.balance += 10
		a.mu.Unlock()
		a.ops++
	})
}

// Fixed counts it under the lock.
func Fixed() int {
	return run(func(a *account) {
		a.mu.Lock()
		a.balance += 10
		a.ops++
		a.mu.Unlock()
	})
}
