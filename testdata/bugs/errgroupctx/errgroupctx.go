// Package errgroupctx runs producers and a consumer in an errgroup; the
// consumer fails on a bad item.
package errgroupctx

import (
	"context"
	"errors"

	"golang.org/x/sync/errgroup"
)

var ErrBad = errors.New("bad item")

// Process runs two producers and one consumer. The producers select on the
// parent ctx, not on the group's: when the consumer fails and stops
// receiving, a producer with items left blocks on its send forever, and
// g.Wait never returns.
func Process(ctx context.Context, fixed bool) error {
	g, gctx := errgroup.WithContext(ctx)
	if fixed {
		ctx = gctx
	}
	items := make(chan int)
	for p := 0; p < 2; p++ {
		g.Go(func() error {
			for i := 0; i < 3; i++ {
				v := p*10 + i
				select {
				case items <- v:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		for n := 0; n < 6; n++ {
			if v := <-items; v == 2 {
				return ErrBad
			}
		}
		return nil
	})
	return g.Wait()
}
