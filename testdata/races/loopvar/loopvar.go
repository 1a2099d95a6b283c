//go:build go1.21

// Package loopvar: goroutines that capture the loop variable under Go 1.21
// semantics (this file's go1.21 constraint), where one variable serves
// every iteration.
package loopvar

import "sync"

// Bug captures i, which the loop goes on writing.
func Bug() int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	sum := 0
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			sum += i
			mu.Unlock()
		}()
	}
	wg.Wait()
	return sum
}

// Fixed passes i as an argument.
func Fixed() int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	sum := 0
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			mu.Lock()
			sum += i
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	return sum
}
