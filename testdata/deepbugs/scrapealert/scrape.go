// Package scrapealert aggregates samples into a window that is rotated into
// a history every 10 samples, and scrapes the total for an alert.
package scrapealert

import "sync"

// Aggregator holds the current window and the history of rotated windows.
type Aggregator struct {
	mu      sync.Mutex
	window  int // sum of the samples since the last rotation
	history int // sum of the rotated windows
	n       int // samples added
}

// Add adds one sample, rotating the window every 10 samples. The rotation
// adds the window to the history and resets it in two critical sections:
// in between, a scrape counts the window twice.
func (a *Aggregator) Add(v, i int) {
	a.mu.Lock()
	a.n++
	a.window += v
	if i%10 == 0 {
		a.history += a.window
		a.mu.Unlock()
		a.mu.Lock()
		a.window = 0
	}
	a.mu.Unlock()
}

// AddFixed rotates in one critical section.
func (a *Aggregator) AddFixed(v, i int) {
	a.mu.Lock()
	a.n++
	a.window += v
	if i%10 == 0 {
		a.history += a.window
		a.window = 0
	}
	a.mu.Unlock()
}

// Scrape reports the total and the number of samples it covers.
func (a *Aggregator) Scrape() (total, samples int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.history + a.window, a.n
}
