//go:build sim

package ctxcommit

import (
	"context"
	"testing"
	"time"
)

func run(t *testing.T, commit func(*Store, context.Context, []int) error) {
	s := NewStore()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Microsecond)
	defer cancel()
	batch := make([]int, 100)
	err := commit(s, ctx, batch)
	if n := s.Len(); n != 0 && n != len(batch) {
		t.Fatalf("the commit applied %d of %d writes (err %v): not atomic", n, len(batch), err)
	}
}

// Bug: a context deadline mid-commit: Commit checks ctx.Err before each write and returns at the deadline with part of the batch applied.
// Interleaving: each write costs virtual time; the 10µs deadline fires while the batch (200 points, 3-26µs) is being applied, and the next ctx.Err check returns with the store half written.
func TestBug(t *testing.T) { run(t, (*Store).Commit) }

func TestFixed(t *testing.T) { run(t, (*Store).CommitFixed) }
