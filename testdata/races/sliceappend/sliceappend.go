// Package sliceappend: results collected by two workers.
package sliceappend

import "sync"

func collect(add func(out *[]int, v int)) []int {
	var out []int
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); add(&out, i) }()
	}
	wg.Wait()
	return out
}

var mu sync.Mutex

// Bug appends without a lock.
func Bug() []int { return collect(func(out *[]int, v int) { *out = append(*out, v) }) }

// Fixed appends under one.
func Fixed() []int {
	return collect(func(out *[]int, v int) { mu.Lock(); *out = append(*out, v); mu.Unlock() })
}
