//go:build sim

package ctxcancel

import (
	"context"
	"testing"
	"time"
)

func run(t *testing.T, do func(*Pool, context.Context) bool) {
	p := NewPool()
	if !do(p, context.Background()) {
		t.Fatal("first request found the slot taken")
	}
	time.Sleep(10 * time.Millisecond)
	if !do(p, context.Background()) {
		t.Fatal("second request found the slot still held by the finished first one")
	}
}

// Bug: context cancel not called: the slot tied to the request context is freed only at the 10ms deadline, not when the request ends.
// Interleaving: the second request starts at +10ms, the instant the first one's deadline fires; when the root's sleep wakes before the deadline's release goroutine runs, the slot is still taken.
func TestBug(t *testing.T) { run(t, (*Pool).Do) }

func TestFixed(t *testing.T) { run(t, (*Pool).DoFixed) }
