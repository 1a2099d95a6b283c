// Package afterloop consumes a stream of items and treats a quiet period as
// its end.
package afterloop

import (
	"sync"
	"time"
)

// Producer sends n items, with some work before each.
func Producer(out chan<- int, n, work int) {
	var mu sync.Mutex
	for i := 0; i < n; i++ {
		for j := 0; j < work; j++ {
			mu.Lock()
			mu.Unlock()
		}
		out <- i
	}
	close(out)
}

// Collect stops at the first quiet period of idle, with a fresh time.After
// in each iteration: a producer slower than idle between two items ends the
// stream early, and the rest of the items are never received.
func Collect(in <-chan int, idle time.Duration) []int {
	var got []int
	for {
		select {
		case v, ok := <-in:
			if !ok {
				return got
			}
			got = append(got, v)
		case <-time.After(idle):
			return got
		}
	}
}

// CollectFixed reads until the producer closes the stream.
func CollectFixed(in <-chan int, idle time.Duration) []int {
	var got []int
	for v := range in {
		got = append(got, v)
	}
	return got
}
