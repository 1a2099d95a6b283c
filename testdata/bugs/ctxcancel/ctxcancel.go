// Package ctxcancel holds a connection slot for the life of a request
// context.
package ctxcancel

import (
	"context"
	"time"
)

// Pool has one slot; a request holds it until its context is done.
type Pool struct{ slot chan struct{} }

func NewPool() *Pool { return &Pool{slot: make(chan struct{}, 1)} }

// TryAcquire takes the slot, if it is free, until ctx is done.
func (p *Pool) TryAcquire(ctx context.Context) bool {
	select {
	case p.slot <- struct{}{}:
	default:
		return false
	}
	go func() {
		<-ctx.Done()
		<-p.slot
	}()
	return true
}

// Do runs one request with a 10ms timeout and forgets to call cancel: the
// slot is released only when the timeout fires, not when Do returns.
func (p *Pool) Do(ctx context.Context) bool {
	ctx, _ = context.WithTimeout(ctx, 10*time.Millisecond) //nolint:govet // the bug
	return p.TryAcquire(ctx)
}

// DoFixed cancels when the request is done.
func (p *Pool) DoFixed(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	return p.TryAcquire(ctx)
}
