package simrt

// This file lets rewritten code use channels that come from code simgen did
// not rewrite, such as ctx.Done() from the standard library. Generated code
// wraps such a value where it enters rewritten code (NativeRecv and friends).
//
// Invariants:
//   - A native channel is never waited on for real inside the simulation:
//     operations on it are non-blocking attempts, and a goroutine that must
//     wait is a poller (w.pollers), retried at every scheduling decision.
//   - Native channels are usually driven by simulated code (a cancel func
//     called by a simulated goroutine), so polling at decisions keeps runs
//     deterministic. When only pollers are left, the world waits for real,
//     briefly, before calling it a deadlock.

import "time"

// nativeChan holds a channel made outside the simulation. Only the
// directions the wrapped value allowed are used.
type nativeChan[T any] struct {
	ch chan T // bidirectional, when the wrapped value was
	r  <-chan T
	s  chan<- T
}

// NativeRecv wraps a receive-only channel from code that is not rewritten.
//
//go:norace
func NativeRecv[T any](c <-chan T) *Chan[T] {
	if c == nil {
		return nil
	}
	if w := cw; w != nil && w.twins != nil {
		var tw any
		raceUpcall(func() { tw = w.twins[c] }) // -race: simrt's maps are touched on the simrt thread (racecoro.go)
		switch v := tw.(type) {
		case *simCtx:
			v.poll()
			if t, ok := any(v.twin).(*Chan[T]); ok {
				return t
			}
		case *Chan[T]:
			return v
		}
	}
	return &Chan[T]{native: &nativeChan[T]{r: c}}
}

// NativeSend wraps a send-only channel from code that is not rewritten.
//
//go:norace
func NativeSend[T any](c chan<- T) *Chan[T] {
	if c == nil {
		return nil
	}
	return &Chan[T]{native: &nativeChan[T]{s: c}}
}

// Native wraps a bidirectional channel from code that is not rewritten.
//
//go:norace
func Native[T any](c chan T) *Chan[T] {
	if c == nil {
		return nil
	}
	return &Chan[T]{native: &nativeChan[T]{ch: c, r: c, s: c}}
}

//go:norace
func (n *nativeChan[T]) tryRecv() (v T, ok, done bool) {
	if n.r == nil {
		panic(plainError("invalid operation: receive from send-only channel"))
	}
	select {
	case v, ok = <-n.r:
		return v, ok, true
	default:
		return v, false, false
	}
}

//go:norace
func (n *nativeChan[T]) trySend(v T) bool {
	if n.s == nil {
		panic(plainError("invalid operation: send to receive-only channel"))
	}
	select {
	case n.s <- v:
		return true
	default:
		return false
	}
}

//go:norace
func (n *nativeChan[T]) close() {
	if n.ch != nil {
		close(n.ch)
		return
	}
	if n.s != nil {
		close(n.s)
		return
	}
	panic(plainError("invalid operation: close of receive-only channel"))
}

//go:norace
func (n *nativeChan[T]) len() int {
	if n.r != nil {
		return len(n.r)
	}
	return len(n.s)
}

//go:norace
func (n *nativeChan[T]) cap() int {
	if n.r != nil {
		return cap(n.r)
	}
	return cap(n.s)
}

// waitNative waits in real time for a native channel to make a poller
// ready, when nothing else in the world can move. It gives up after the
// watchdog limit and reports whether some poller became ready.
//
//go:norace
func (w *world) waitNative() bool {
	deadline := time.Now().Add(watchdogLimit())
	for time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
		w.progress.Add(1)
		n := len(w.pollers) + len(w.watchers)
		w.pollNative()
		if len(w.pollers)+len(w.watchers) < n || len(w.runq) > 0 {
			w.dec.event(evNativeWait, 0)
			return true
		}
	}
	return false
}
