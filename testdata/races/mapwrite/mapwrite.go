// Package mapwrite: a registry filled by two goroutines.
package mapwrite

import "sync"

func fill(put func(m map[string]int, k string)) int {
	m := map[string]int{}
	var wg sync.WaitGroup
	for _, k := range []string{"a", "b"} {
		wg.Add(1)
		go func() { defer wg.Done(); put(m, k) }()
	}
	wg.Wait()
	return len(m)
}

var mu sync.Mutex

// Bug writes the map from both goroutines.
func Bug() int { return fill(func(m map[string]int, k string) { m[k] = 1 }) }

// Fixed serialises the writes.
func Fixed() int {
	return fill(func(m map[string]int, k string) { mu.Lock(); m[k] = 1; mu.Unlock() })
}
