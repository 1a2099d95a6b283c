//go:build sim

package timerreset

import (
	"testing"
	"time"
)

func run(t *testing.T, touch func(*Lease) bool) {
	l := New()
	time.Sleep(TTL) // due at the same instant as the lease's timer
	if touch(l) {
		time.Sleep(TTL / 2)
		if l.Expired() {
			t.Fatal("Touch reported the lease extended, but it had expired")
		}
	}
}

// Bug: timer Reset race: Touch checks Expired, then Resets the AfterFunc timer, ignoring that it may already have fired.
// Interleaving: at +10ms the lease's timer fires (its callback goroutine is spawned) and the root wakes; the root's Touch sees expired=false and Resets before the callback runs, then the callback expires the lease Touch reported extended.
func TestBug(t *testing.T) { run(t, (*Lease).Touch) }

func TestFixed(t *testing.T) { run(t, (*Lease).TouchFixed) }
