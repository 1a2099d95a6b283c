package simrt

// This file is package context on the simulated scheduler: WithCancel,
// WithTimeout, WithDeadline and their Cause forms, AfterFunc and Cause.
// Deadlines run on the virtual clock, and cancellation propagates without
// real goroutines: a child registers with its parent synchronously, and a
// deadline is a simulated timer that cancels in place when the clock
// reaches it.
//
// Invariants:
//   - Done returns a real channel (context.Context demands one), closed at
//     the same instant as a simulated twin channel; rewritten code that
//     waits on Done is handed the twin (NativeRecv looks it up in w.twins),
//     so it blocks in the simulation rather than polling.
//   - A context is canceled at most once; its err never changes after.
//   - Children and AfterFunc callbacks run in registration order, so
//     cancellation is deterministic.
//   - Contexts made by the standard library (context.Background, contexts of
//     code simgen did not rewrite) work as parents: one that can be canceled
//     is watched at scheduling decisions (w.watchers).
//   - A standard-library child of a simulated context finds it through its
//     AfterFunc method (the context package looks for that method), so it too
//     is canceled synchronously.

import (
	"context"
	"reflect"
	"sync"
	"time"
)

// simCtx is a cancelable context, with or without a deadline.
type simCtx struct {
	parent   context.Context
	mu       sync.Mutex // guards the fields below (standard-library code may call from real goroutines)
	done     chan struct{}
	twin     *Chan[struct{}]
	err      error
	cause    error
	deadline time.Time
	hasDL    bool
	timer    *timer
	after    []*afterReg
	w        *world
	stopPar  func() bool     // withdraws the registration with the parent
	foreign  <-chan struct{} // Done of a standard-library parent that is checked, not registered with
}

type afterReg struct {
	f       func()
	removed bool
}

//go:norace
func (c *simCtx) Deadline() (time.Time, bool) {
	if c.hasDL {
		return c.deadline, true
	}
	return c.parent.Deadline()
}

//go:norace
func (c *simCtx) Done() <-chan struct{} { return c.done }

//go:norace
func (c *simCtx) Err() error {
	c.poll()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// poll cancels c if its standard-library parent has been canceled. That
// parent cannot call back (its children interface is unexported), so c
// looks whenever it is asked, and the world looks at every decision.
//
//go:norace
func (c *simCtx) poll() bool {
	if c.foreign == nil {
		return false
	}
	select {
	case <-c.foreign:
		c.cancel(c.parent.Err(), Cause(c.parent))
		return true
	default:
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.err != nil
	}
}

//go:norace
func (c *simCtx) Value(key any) any {
	if key == (causeKey{}) {
		return c
	}
	return c.parent.Value(key)
}

//go:norace
func (c *simCtx) String() string {
	if c.hasDL {
		return contextName(c.parent) + ".WithDeadline(" + c.deadline.String() + " [" + Until(c.deadline).String() + "])"
	}
	return contextName(c.parent) + ".WithCancel"
}

//go:norace
func contextName(c context.Context) string {
	if s, ok := c.(interface{ String() string }); ok {
		return s.String()
	}
	return reflect.TypeOf(c).String()
}

// causeKey finds the nearest simulated context, for Cause.
type causeKey struct{}

// AfterFunc registers f to run, synchronously, when c is canceled. The
// context package calls this method to attach its own children.
//
//go:norace
func (c *simCtx) AfterFunc(f func()) (stop func() bool) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		f()
		return func() bool { return false }
	}
	r := &afterReg{f: f}
	c.after = append(c.after, r)
	c.mu.Unlock()
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if r.removed || c.err != nil {
			return false
		}
		r.removed = true
		return true
	}
}

// cancel closes c's channels and cancels everything registered with it.
//
//go:norace
func (c *simCtx) cancel(err, cause error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	if cause == nil {
		cause = err
	}
	c.err, c.cause = err, cause
	if c.twin == nil {
		close(c.done)
	}
	after := c.after
	c.after = nil
	t := c.timer
	c.mu.Unlock()
	if c.twin != nil {
		c.twin.closeQuiet() // closes c.done too: it is the twin's out
	}
	if t != nil && t.w != nil {
		t.w.delTimer(t)
	}
	if c.stopPar != nil {
		c.stopPar()
	}
	for _, r := range after {
		if !r.removed {
			r.removed = true
			r.f()
		}
	}
}

// newCtx makes a cancelable child of parent and wires up propagation.
//
//go:norace
func newCtx(parent context.Context) *simCtx {
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	c := &simCtx{parent: parent, done: make(chan struct{})}
	if w := cw; w != nil {
		c.w = w
		c.twin = MakeChan[struct{}](0)
		c.twin.out = c.done
		raceUpcall(func() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
			if w.twins == nil {
				w.twins = make(map[any]any)
			}
			w.twins[(<-chan struct{})(c.done)] = c
		})
	}
	c.propagate(parent)
	return c
}

//go:norace
func (c *simCtx) propagate(parent context.Context) {
	pdone := parent.Done()
	if pdone == nil {
		return // never canceled
	}
	select {
	case <-pdone:
		c.cancel(parent.Err(), Cause(parent))
		return
	default:
	}
	if p, ok := parent.(interface{ AfterFunc(func()) func() bool }); ok {
		c.stopPar = p.AfterFunc(func() { c.cancel(parent.Err(), Cause(parent)) })
		return
	}
	// A simulated context under layers that do not cancel (WithValue):
	// register with it, as package context does with its own.
	if sc, ok := parent.Value(causeKey{}).(*simCtx); ok && sc.Done() == pdone {
		c.stopPar = sc.AfterFunc(func() { c.cancel(parent.Err(), Cause(parent)) })
		return
	}
	// A cancelable context from code simgen did not rewrite: look at it
	// when asked and at every scheduling decision.
	c.foreign = pdone
	if w := cw; w != nil {
		w.watchers = append(w.watchers, c.poll)
	}
}

// CancelFunc is context.CancelFunc.
type CancelFunc = context.CancelFunc

// CancelCauseFunc is context.CancelCauseFunc.
type CancelCauseFunc = context.CancelCauseFunc

// WithCancel is context.WithCancel.
//
//go:norace
func WithCancel(parent context.Context) (context.Context, context.CancelFunc) {
	c := newCtx(parent)
	return c, func() { c.cancel(context.Canceled, nil) }
}

// WithCancelCause is context.WithCancelCause.
//
//go:norace
func WithCancelCause(parent context.Context) (context.Context, context.CancelCauseFunc) {
	c := newCtx(parent)
	return c, func(cause error) { c.cancel(context.Canceled, cause) }
}

// WithDeadline is context.WithDeadline on the virtual clock.
//
//go:norace
func WithDeadline(parent context.Context, d time.Time) (context.Context, context.CancelFunc) {
	return WithDeadlineCause(parent, d, nil)
}

// WithDeadlineCause is context.WithDeadlineCause on the virtual clock.
//
//go:norace
func WithDeadlineCause(parent context.Context, d time.Time, cause error) (context.Context, context.CancelFunc) {
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	if cur, ok := parent.Deadline(); ok && cur.Before(d) {
		// The parent's deadline comes first.
		return WithCancel(parent)
	}
	c := newCtx(parent)
	c.deadline, c.hasDL = d, true
	if c.Err() != nil {
		return c, func() { c.cancel(context.Canceled, nil) }
	}
	w := cw
	if w == nil {
		w = enterAmbient()
		defer leaveAmbient()
	}
	if !d.After(Now()) {
		c.cancel(context.DeadlineExceeded, cause)
		return c, func() { c.cancel(context.Canceled, nil) }
	}
	t := &timer{when: unixNanos(d), kind: tkCall, idx: -1}
	t.f = func() { c.cancel(context.DeadlineExceeded, cause) }
	c.mu.Lock()
	c.timer = t
	c.mu.Unlock()
	w.addTimer(t)
	return c, func() { c.cancel(context.Canceled, nil) }
}

// WithTimeout is context.WithTimeout on the virtual clock.
//
//go:norace
func WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return WithDeadline(parent, Now().Add(d))
}

// WithTimeoutCause is context.WithTimeoutCause on the virtual clock.
//
//go:norace
func WithTimeoutCause(parent context.Context, d time.Duration, cause error) (context.Context, context.CancelFunc) {
	return WithDeadlineCause(parent, Now().Add(d), cause)
}

// Cause is context.Cause, which also knows simulated contexts.
//
//go:norace
func Cause(c context.Context) error {
	if sc, ok := c.Value(causeKey{}).(*simCtx); ok {
		sc.mu.Lock()
		defer sc.mu.Unlock()
		if sc.err != nil {
			return sc.cause
		}
		// Not canceled itself: a canceled standard-library ancestor may
		// still hold a cause.
		return context.Cause(sc.parent)
	}
	return context.Cause(c)
}

// ContextAfterFunc is context.AfterFunc: after ctx is done, f runs in its
// own simulated goroutine.
//
//go:norace
func ContextAfterFunc(ctx context.Context, f func()) (stop func() bool) {
	w := cw
	spawn := func() {
		if w == nil || w.tearing || w.failure != nil {
			return
		}
		x := w.spawn(f, 0)
		w.dec.event(evSpawn, x.id)
	}
	if sc, ok := ctx.(*simCtx); ok {
		return sc.AfterFunc(spawn)
	}
	// Any other context: an intermediate simulated context carries the
	// registration.
	c := newCtx(ctx)
	stopped := false
	stopReg := c.AfterFunc(func() {
		if !stopped {
			spawn()
		}
	})
	return func() bool {
		if stopped {
			return false
		}
		ok := stopReg()
		stopped = ok
		return ok
	}
}

// closeQuiet closes a simulated channel from inside the scheduler (a timer
// firing, a cancel): like Close, but never a scheduling point.
//
//go:norace
func (c *Chan[T]) closeQuiet() {
	if c.closed {
		return
	}
	c.closed = true
	raceChanClose(c)
	if c.out != nil {
		close(c.out)
	}
	for r := c.recvq.pop(); r != nil; r = c.recvq.pop() {
		var zero T
		r.val, r.ok, r.done = zero, false, true
		raceGive(r.g)
		wake(r.g, r.sel, r.idx)
	}
	for s := c.sendq.pop(); s != nil; s = c.sendq.pop() {
		s.ok, s.done = false, true
		raceGive(s.g)
		wake(s.g, s.sel, s.idx)
	}
}
