//go:build sim

package errgroupgo

import "testing"

func run(t *testing.T, crawl func() []int) {
	if got := crawl(); len(got) != 4 {
		t.Fatalf("crawled %v, want 4 pages", got)
	}
}

// Bug: errgroup misuse, Go after Wait: links are started with `go g.Go(...)`, so g.Go can run after Wait saw the counter at zero.
// Interleaving: visit(0) returns before the helper goroutines run g.Go; the group's counter drops to zero, Wait returns, and pages 1-3 are missed.
func TestBug(t *testing.T) { run(t, Crawl) }

func TestFixed(t *testing.T) { run(t, CrawlFixed) }
