//go:build sim

package scrapealert

import (
	"sync"
	"testing"
)

// run feeds 40 samples of 1 while two scrapers each scrape once. A scrape
// is anomalous when its total is not its sample count (the window counted
// twice, inside the rotation at sample 10, 20, 30 or 40); the alert
// fires, as alerting rules do, only when two scrapes in a row are
// anomalous, and then only for two different rotations.
func run(t *testing.T, add func(*Aggregator, int, int)) {
	var a Aggregator
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		for i := 1; i <= 40; i++ {
			add(&a, 1, i)
		}
	}()
	var over [2]int
	for k := range 2 {
		go func() {
			defer wg.Done()
			if total, n := a.Scrape(); total != n {
				over[k] = n
			}
		}()
	}
	wg.Wait()
	if over[0] != 0 && over[1] != 0 && over[0] != over[1] {
		t.Fatalf("alert: two anomalous scrapes in a row (at samples %d and %d)", over[0], over[1])
	}
}

// Bug: a window rotation in two critical sections: a scrape between them counts the window twice; the alert needs two such scrapes.
// Interleaving: the aggregator is preempted inside the rotation at sample 10 and the first scraper runs; later it is preempted inside another rotation and the second scraper runs: two preemptions at exact steps of a 40-step loop.
func TestBug(t *testing.T) { run(t, (*Aggregator).Add) }

func TestFixed(t *testing.T) { run(t, (*Aggregator).AddFixed) }
