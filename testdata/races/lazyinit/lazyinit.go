// Package lazyinit: a config loaded on first use.
package lazyinit

import "sync"

type config struct{ port int }

type holder struct {
	mu   sync.Mutex
	once sync.Once
	cfg  *config
}

// get is double-checked locking: the first check reads cfg unlocked.
func (h *holder) get() *config {
	if h.cfg == nil {
		h.mu.Lock()
		if h.cfg == nil {
			h.cfg = &config{port: 80}
		}
		h.mu.Unlock()
	}
	return h.cfg
}

func (h *holder) getOnce() *config {
	h.once.Do(func() { h.cfg = &config{port: 80} })
	return h.cfg
}

func use(get func() *config) int {
	var wg sync.WaitGroup
	ports := make([]int, 2)
	for i := range ports {
		wg.Add(1)
		go func() { defer wg.Done(); ports[i] = get().port }()
	}
	wg.Wait()
	return ports[0] + ports[1]
}

// Bug checks unlocked.
func Bug() int { var h holder; return use(h.get) }

// Fixed uses sync.Once.
func Fixed() int { var h holder; return use(h.getOnce) }
