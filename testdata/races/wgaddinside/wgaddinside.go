// Package wgaddinside: a worker that registers itself too late.
package wgaddinside

import "sync"

// Bug adds inside the goroutine.
func Bug() int {
	var wg sync.WaitGroup
	total := 0
	go func() {
		wg.Add(1)
		defer wg.Done()
		total = 1
	}()
	wg.Wait()
	return total
}

// Fixed adds before the go statement.
func Fixed() int {
	var wg sync.WaitGroup
	total := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		total = 1
	}()
	wg.Wait()
	return total
}
