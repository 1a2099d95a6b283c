// Package errgroupgo crawls pages with an errgroup, starting work for each
// discovered link.
package errgroupgo

import (
	"sync"

	"golang.org/x/sync/errgroup"
)

var links = map[int][]int{0: {1, 2}, 1: {3}, 2: {}, 3: {}}

// Crawl starts the link goroutines from a helper goroutine outside the group:
// g.Go can run after g.Wait has already returned, so pages are missed.
func Crawl() []int {
	var g errgroup.Group
	var mu sync.Mutex
	var seen []int
	var visit func(p int) error
	visit = func(p int) error {
		mu.Lock()
		seen = append(seen, p)
		mu.Unlock()
		for _, l := range links[p] {
			go g.Go(func() error { return visit(l) }) // Go outside the group
		}
		return nil
	}
	g.Go(func() error { return visit(0) })
	g.Wait()
	mu.Lock()
	defer mu.Unlock()
	return append([]int(nil), seen...)
}

// CrawlFixed calls g.Go from inside the group's goroutine, while the
// group's counter still counts the caller.
func CrawlFixed() []int {
	var g errgroup.Group
	var mu sync.Mutex
	var seen []int
	var visit func(p int) error
	visit = func(p int) error {
		mu.Lock()
		seen = append(seen, p)
		mu.Unlock()
		for _, l := range links[p] {
			g.Go(func() error { return visit(l) })
		}
		return nil
	}
	g.Go(func() error { return visit(0) })
	g.Wait()
	mu.Lock()
	defer mu.Unlock()
	return append([]int(nil), seen...)
}
