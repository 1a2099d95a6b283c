// Package errgroupsum: sizes fetched concurrently under an errgroup
// (golang.org/x/sync, rewritten as a dependency) and summed.
package errgroupsum

import (
	"context"

	"golang.org/x/sync/errgroup"
)

func fetch(ctx context.Context, name string) (int, error) { return len(name), ctx.Err() }

// Bug adds each size to one total from every goroutine.
func Bug(names []string) (int, error) {
	g, ctx := errgroup.WithContext(context.Background())
	total := 0
	for _, n := range names {
		g.Go(func() error {
			size, err := fetch(ctx, n)
			total += size
			return err
		})
	}
	err := g.Wait()
	return total, err
}

// Fixed gives each goroutine its own slot and sums after Wait, which
// happens after every goroutine's return.
func Fixed(names []string) (int, error) {
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(2)
	sizes := make([]int, len(names))
	for i, n := range names {
		g.Go(func() error {
			size, err := fetch(ctx, n)
			sizes[i] = size
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	total := 0
	for _, s := range sizes {
		total += s
	}
	return total, nil
}
