// Package selectnoctx is a producer that stops on context cancellation, but
// checks the context only between sends.
package selectnoctx

import "context"

// Produce sends 0, 1, 2, ... on out until ctx is cancelled. It checks ctx
// before each send, but the send itself does not select on ctx.Done(): a
// cancel that comes while it waits to send is never seen.
func Produce(ctx context.Context, out chan<- int) {
	for i := 0; ; i++ {
		if ctx.Err() != nil {
			return
		}
		out <- i
	}
}

// ProduceFixed selects on ctx.Done() together with the send.
func ProduceFixed(ctx context.Context, out chan<- int) {
	for i := 0; ; i++ {
		select {
		case out <- i:
		case <-ctx.Done():
			return
		}
	}
}
