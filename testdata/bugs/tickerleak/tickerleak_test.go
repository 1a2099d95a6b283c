//go:build sim

package tickerleak

import (
	"testing"
	"time"
)

func run(t *testing.T, stop func(*Poller)) {
	p := Start()
	time.Sleep(3 * time.Millisecond)
	stop(p)
	select {
	case <-p.Exited:
	case <-time.After(time.Second):
		t.Fatal("poller goroutine leaked: still ticking after Stop")
	}
}

// Bug: a leaked ticker goroutine: Stop's non-blocking send is dropped when the loop is not waiting in select.
// Interleaving: at +3ms the ticker fires and the loop is inside its poll (holding p.mu) when the root calls Stop; the send finds no receiver and is dropped; the loop ticks forever.
func TestBug(t *testing.T) { run(t, (*Poller).Stop) }

func TestFixed(t *testing.T) { run(t, (*Poller).StopFixed) }
