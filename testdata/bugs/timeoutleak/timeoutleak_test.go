//go:build sim

package timeoutleak

import (
	"testing"
	"time"
)

func run(t *testing.T, query func() (int, error)) {
	Finished.Store(0)
	query()
	time.Sleep(time.Second)
	if n := Finished.Load(); n != 1 {
		t.Fatalf("worker leaked: blocked on its send after the caller timed out (%d finished)", n)
	}
}

// Bug: send on an unbuffered channel after the receiver timed out: the worker blocks forever (a goroutine leak).
// Interleaving: the 10ms timeout fires before the 10ms worker's sleep ends (same instant, timer order); the caller returns and the worker's send never completes.
func TestBug(t *testing.T) { run(t, Query) }

func TestFixed(t *testing.T) { run(t, QueryFixed) }
