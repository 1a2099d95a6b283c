//go:build sim

package timeoutleak

import (
	"testing"
	"time"
)

func run(t *testing.T, query func(*Store) (int, error)) {
	Finished.Store(0)
	s := &Store{}
	go s.Refresh()
	query(s)
	time.Sleep(time.Second)
	if n := Finished.Load(); n != 1 {
		t.Fatalf("worker leaked: blocked on its send after the caller timed out (%d finished)", n)
	}
}

// Bug: send on an unbuffered channel after the receiver timed out: the worker blocks forever (a goroutine leak).
// Interleaving: the background refresh locks the store before the query's worker; the worker waits 20ms for the lock, the caller's 10ms timeout fires and it returns; the worker's send never completes.
func TestBug(t *testing.T) { run(t, (*Store).Query) }

func TestFixed(t *testing.T) { run(t, (*Store).QueryFixed) }
