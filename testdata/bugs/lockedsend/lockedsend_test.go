//go:build sim

package lockedsend

import "testing"

func run(t *testing.T, notify func(*Notifier, int)) {
	n := New()
	done := make(chan struct{})
	go func() { defer close(done); notify(n, 1) }()
	n.Receive()
	<-done
}

// Bug: a channel send while holding a mutex the receiver needs first.
// Interleaving: the notifier locks n.mu and blocks on the unbuffered send; the receiver blocks on n.mu before it can receive: deadlock.
func TestBug(t *testing.T) { run(t, (*Notifier).Notify) }

func TestFixed(t *testing.T) { run(t, (*Notifier).NotifyFixed) }
