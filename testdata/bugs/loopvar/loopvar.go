//go:build go1.21

// Package loopvar starts one goroutine per index. This file is built at
// language version go1.21 (the //go:build line lowers it below the module's
// go 1.22), so a for loop has one variable for all its iterations.
package loopvar

import "sync"

// Squares captures the loop variable in a closure: each goroutine reads i
// whenever it runs, possibly after the loop has moved it on.
func Squares(n int) []int {
	out := make([]int, n)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			if i < n {
				out[i] = i * i
			}
		}()
	}
	wg.Wait()
	return out
}

// SquaresFixed passes the index as an argument, evaluated at the go
// statement.
func SquaresFixed(n int) []int {
	out := make([]int, n)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			out[i] = i * i
		}(i)
	}
	wg.Wait()
	return out
}
