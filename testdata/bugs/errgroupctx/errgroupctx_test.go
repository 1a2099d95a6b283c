//go:build sim

package errgroupctx

import (
	"context"
	"errors"
	"testing"
)

func run(t *testing.T, fixed bool) {
	if err := Process(context.Background(), fixed); !errors.Is(err, ErrBad) && !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

// Bug: errgroup misuse, ignoring the group's ctx: producers select on the parent context, which the group never cancels.
// Interleaving: the consumer receives item 2 (producer 0's last) while producer 1 still has items to send; it returns ErrBad, the group cancels gctx, but the producers wait on ctx: g.Wait deadlocks.
func TestBug(t *testing.T) { run(t, false) }

func TestFixed(t *testing.T) { run(t, true) }
