//go:build sim

package generation

import (
	"testing"
	"time"
)

func run(t *testing.T, snap func(*Holder) (int, int)) {
	h := Start(20 * time.Microsecond)
	defer h.Stop()
	for i := 0; i < 100; i++ {
		if a, b := snap(h); a != b {
			t.Fatalf("generation moved inside a snapshot: %d then %d", a, b)
		}
	}
}

// Bug: a ticker bumps a generation counter under the lock while a worker reads it twice in two critical sections and expects the same value.
// Interleaving: the worker's reads cost virtual time; the 20µs ticker fires mid-loop, and the ticker goroutine bumps the counter between the worker's two reads.
func TestBug(t *testing.T) { run(t, (*Holder).Snapshot) }

func TestFixed(t *testing.T) { run(t, (*Holder).SnapshotFixed) }
