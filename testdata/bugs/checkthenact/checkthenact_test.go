//go:build sim

package checkthenact

import (
	"sync"
	"sync/atomic"
	"testing"
)

func run(t *testing.T, register func(*Registry, string) (int, error)) {
	r := New()
	var ok atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := register(r, "alice"); err == nil {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := ok.Load(); n != 1 {
		t.Fatalf("%d registrations of one name succeeded", n)
	}
}

// Bug: check-then-act: the existence check and the insert are separate critical sections.
// Interleaving: both goroutines run exists("alice") (false) before either inserts; both register the name.
func TestBug(t *testing.T) { run(t, (*Registry).Register) }

func TestFixed(t *testing.T) { run(t, (*Registry).RegisterFixed) }
