//go:build sim

package timerstop

import (
	"testing"
	"time"
)

func run(t *testing.T, closeW func(*Writer)) {
	w := New()
	time.Sleep(10 * time.Millisecond) // due at the same instant as the flush timer
	closeW(w)
	time.Sleep(time.Millisecond)
	for range w.out {
	}
}

// Bug: Stop does not wait for an AfterFunc that has already fired: Close ignores Stop's false result and closes the channel the callback sends on.
// Interleaving: at +10ms the flush timer fires (its callback goroutine is spawned) and the root wakes; the root's Close runs before the callback, which then sends on the closed channel: panic.
func TestBug(t *testing.T) { run(t, (*Writer).Close) }

func TestFixed(t *testing.T) { run(t, (*Writer).CloseFixed) }
