//go:build sim

package stopignored

import (
	"sync"
	"testing"
	"time"
)

func run(t *testing.T, do func(time.Duration, func()) *Request) {
	work := func() {
		var mu sync.Mutex
		for i := 0; i < 100; i++ {
			mu.Lock()
			mu.Unlock()
		}
	}
	r := do(10*time.Microsecond, work)
	time.Sleep(time.Millisecond) // let a fired callback run
	if ev := r.Events(); len(ev) != 1 {
		t.Fatalf("the request ended %d times: %v", len(ev), ev)
	}
}

// Bug: Stop returns false because the timer fired a moment ago: Do ignores the result and completes a request that its timeout callback also ends.
// Interleaving: the work (200 points) costs 3-26µs; when it passes the 10µs timeout the AfterFunc fires mid-work, its callback times the request out, and Do then marks it done too.
func TestBug(t *testing.T) { run(t, Do) }

func TestFixed(t *testing.T) { run(t, DoFixed) }
