// Package sendclose: workers send results on a channel that the collector
// closes once it has what it needs.
package sendclose

import "sync"

func collect(n int, waitWorkers bool) int {
	results := make(chan int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { _ = recover() }() // a send on the closed channel panics
			results <- i
		}()
	}
	first := <-results
	if waitWorkers {
		wg.Wait()
	}
	close(results)
	return first
}

// Bug closes the channel while workers may still send on it.
func Bug() int { return collect(3, false) }

// Fixed closes it once every worker has sent.
func Fixed() int { return collect(3, true) }
