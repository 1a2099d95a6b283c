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

// Bug: timer Reset race: Touch resets the AfterFunc timer without knowing whether it already fired.
// Interleaving: the lease's 10ms timer and the toucher's 10ms sleep are due together; the timer fires first, expire runs, then Touch's Reset re-arms the timer and reports success on an expired lease.
func TestBug(t *testing.T) { run(t, (*Lease).Touch) }

func TestFixed(t *testing.T) { run(t, (*Lease).TouchFixed) }
