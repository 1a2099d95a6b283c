// Package wgaddinside fans work out to goroutines and waits for them with a
// WaitGroup.
package wgaddinside

import "sync"

// Sum adds up xs in one goroutine per element. Each goroutine calls wg.Add
// itself, so Wait can run before some Adds and return early.
func Sum(xs []int) int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	for _, x := range xs {
		go func() {
			wg.Add(1)
			defer wg.Done()
			mu.Lock()
			total += x
			mu.Unlock()
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return total
}

// SumFixed calls wg.Add before each go statement.
func SumFixed(xs []int) int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			total += x
			mu.Unlock()
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return total
}
