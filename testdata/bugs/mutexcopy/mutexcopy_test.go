//go:build sim

package mutexcopy

import (
	"sync"
	"testing"
)

func run(t *testing.T, snapshot func(*Stats) int) {
	s := &Stats{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.Hit(); s.Hit() }()
	go func() { defer wg.Done(); snapshot(s) }()
	wg.Wait()
}

// Bug: a Mutex copied by value: Snapshot copies the struct while another goroutine may hold its lock.
// Interleaving: the hitter locks s.mu and is preempted inside Hit; the snapshotter copies *s with mu locked and locks the copy, which nobody will unlock: deadlock.
func TestBug(t *testing.T) { run(t, (*Stats).Snapshot) }

func TestFixed(t *testing.T) { run(t, (*Stats).SnapshotFixed) }
