//go:build sim

package selectnoctx

import (
	"context"
	"testing"
	"time"
)

func run(t *testing.T, produce func(context.Context, chan<- int)) {
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan int)
	exited := make(chan struct{})
	go func() { defer close(exited); produce(ctx, out) }()
	for i := 0; i < 3; i++ {
		<-out
	}
	cancel()
	select {
	case <-exited:
	case <-time.After(time.Second):
		t.Fatal("producer still blocked on its send after cancel")
	}
}

// Bug: select missing ctx.Done(): the producer checks ctx.Err() and then blocks on a plain send.
// Interleaving: after the third receive the producer checks ctx (not yet cancelled) and blocks on out; the consumer cancels and stops receiving: the producer never returns.
func TestBug(t *testing.T) { run(t, Produce) }

func TestFixed(t *testing.T) { run(t, ProduceFixed) }
