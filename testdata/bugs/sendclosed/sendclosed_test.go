//go:build sim

package sendclosed

import (
	"sync"
	"testing"
)

func run(t *testing.T, publish func(*Bus, string) bool) {
	b := New()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); publish(b, "a"); publish(b, "b") }()
	b.Shutdown()
	wg.Wait()
	for range b.events {
	}
}

// Bug: sending on a closed channel after shutdown: Publish checks the closed flag, unlocks, then sends.
// Interleaving: the publisher reads closed=false and unlocks; the root's Shutdown closes events; the publisher's send panics: send on closed channel.
func TestBug(t *testing.T) { run(t, (*Bus).Publish) }

func TestFixed(t *testing.T) { run(t, (*Bus).PublishFixed) }
