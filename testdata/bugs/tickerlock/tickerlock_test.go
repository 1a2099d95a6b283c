//go:build sim

package tickerlock

import (
	"testing"
	"time"
)

func run(t *testing.T, add func(*Batcher, int)) {
	b := Start(50 * time.Microsecond)
	for i := 0; i < 20; i++ {
		add(b, i)
	}
	b.Stop()
}

// Bug: a ticker case in a select takes a lock that another goroutine holds while it sends to the same select: Add validates and sends on reqs under the batcher's lock.
// Interleaving: while Add validates under the lock, the 50µs ticker fires and the loop's select takes the tick; the loop blocks on the lock, Add blocks on the send: deadlock.
func TestBug(t *testing.T) { run(t, (*Batcher).Add) }

func TestFixed(t *testing.T) { run(t, (*Batcher).AddFixed) }
