// Package prodcons merges the output of several producers into one channel
// that the last producer to finish closes.
package prodcons

import "sync/atomic"

// Merge starts n producers of k items each. Each producer registers itself
// (active++) when it starts running, not before it is started, so the first
// producer can finish, see active == 0 and close out while the others have
// not registered: the count that decides termination is wrong.
func Merge(n, k int) <-chan int {
	out := make(chan int, n*k)
	var active atomic.Int32
	for p := 0; p < n; p++ {
		go func() {
			active.Add(1)
			for i := 0; i < k; i++ {
				out <- p*k + i
			}
			if active.Add(-1) == 0 {
				close(out)
			}
		}()
	}
	return out
}

// MergeFixed counts all producers before starting any.
func MergeFixed(n, k int) <-chan int {
	out := make(chan int, n*k)
	var active atomic.Int32
	active.Store(int32(n))
	for p := 0; p < n; p++ {
		go func() {
			for i := 0; i < k; i++ {
				out <- p*k + i
			}
			if active.Add(-1) == 0 {
				close(out)
			}
		}()
	}
	return out
}
