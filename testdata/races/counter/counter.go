// Package counter: hits counted by two goroutines.
package counter

import "sync"

type stats struct {
	mu   sync.Mutex
	hits int
}

func run(hit func(*stats)) int {
	var s stats
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); hit(&s) }()
	}
	wg.Wait()
	return s.hits
}

// Bug forgets the lock.
func Bug() int { return run(func(s *stats) { s.hits++ }) }

// Fixed takes it.
func Fixed() int {
	return run(func(s *stats) { s.mu.Lock(); s.hits++; s.mu.Unlock() })
}
