package simrt

// This file holds sync.Cond on the simulated scheduler, with the semantics
// of Go's notify list (runtime/sema.go): Wait takes a ticket before it
// unlocks c.L, so a Signal that comes between the Unlock and the moment the
// waiter parks still wakes it (no lost wakeup), and Signal wakes tickets in
// the order they were taken.
//
// Invariants:
//   - c.tickets holds, in Wait-call order, one condWaiter for every Wait
//     that has taken its ticket and not been notified yet. A notified
//     condWaiter is off the list.
//   - A condWaiter is parked only while its goroutine is blocked in Wait;
//     then the goroutine is also in c.parked (its waitq), so teardown can
//     withdraw it. The notifier, not the waiter, makes it runnable.
//   - c.L.Unlock and c.L.Lock run between the steps, and may themselves be
//     scheduling points or block (any Locker): nothing here holds across
//     them but the condWaiter, which belongs to one Wait call.
//   - Wait, Signal and Broadcast are scheduling points.
//
// Independence (dpor.go): Wait, Signal and Broadcast touch their Cond (its
// notify list), and nothing else themselves; c.L's Unlock and Lock inside
// Wait are c.L's own operations with their own relation. A waiter woken by
// a notification resumes touching the Cond. A Cond cannot be copied once
// used (copyChecker panics), so it needs no home (onState).

import (
	"sync/atomic"
	"unsafe"
)

// Cond is sync.Cond on the simulated scheduler.
type Cond struct {
	noCopy noCopy

	// L is held while observing or changing the condition.
	L Locker

	tickets []*condWaiter // waiters not yet notified, first in, first out
	parked  gqueue        // goroutines blocked in Wait
	checker copyChecker
}

// condWaiter is one call of Wait: its ticket on the notify list.
type condWaiter struct {
	g        *g
	notified bool // Signal or Broadcast chose it
	parked   bool // blocked in Wait: the notifier must make it runnable
}

// NewCond returns a new Cond with Locker l.
//
//go:norace
func NewCond(l Locker) *Cond {
	return &Cond{L: l}
}

// Wait unlocks c.L, suspends the goroutine until Signal or Broadcast wakes
// it, and locks c.L again before returning.
//
//go:norace
func (c *Cond) Wait() {
	c.checker.check()
	w := cw
	if w == nil {
		w = enterAmbient()
		defer leaveAmbient()
	}
	w.on(c)
	w.point()
	me := cur
	cwt := &condWaiter{g: me}
	c.tickets = append(c.tickets, cwt)
	c.L.Unlock()
	if !cwt.notified {
		cwt.parked = true
		c.parked.push(me)
		me.waitq = &c.parked
		w.on(c)
		w.block("sync.Cond.Wait")
		me.waitq = nil
	}
	c.L.Lock()
}

// Signal wakes the goroutine that has waited on c longest, if there is one.
//
//go:norace
func (c *Cond) Signal() {
	c.checker.check()
	w := cw
	if w != nil {
		w.on(c)
		w.point()
	}
	for len(c.tickets) > 0 {
		cwt := c.tickets[0]
		c.tickets[0] = nil
		c.tickets = c.tickets[1:]
		if c.notify(w, cwt) {
			return
		}
	}
}

// Broadcast wakes every goroutine waiting on c, in the order they waited.
//
//go:norace
func (c *Cond) Broadcast() {
	c.checker.check()
	w := cw
	if w != nil {
		w.on(c)
		w.point()
	}
	ts := c.tickets
	c.tickets = nil
	for _, cwt := range ts {
		c.notify(w, cwt)
	}
}

// notify completes one ticket and reports whether it woke a live waiter of
// the running world. A ticket of a goroutine that ended (its world was torn
// down while it was inside c.L.Unlock) is dropped without effect.
//
//go:norace
func (c *Cond) notify(w *world, cwt *condWaiter) bool {
	x := cwt.g
	if x.status == gDone {
		return false
	}
	cwt.notified = true
	if cwt.parked {
		c.parked.remove(x)
		x.waitq = nil
		x.w.wakeUp(x)
	}
	return true
}

// copyChecker holds a pointer to itself, to detect a Cond that was copied
// after first use, as package sync does.
type copyChecker uintptr

var checkerSink atomic.Pointer[copyChecker]

//go:norace
func (c *copyChecker) check() {
	self := uintptr(unsafe.Pointer(c))
	if *c == 0 {
		*c = copyChecker(self)
		// The address is kept as an integer, which a stack copy would not
		// update: storing the pointer where the heap sees it makes every
		// Cond escape, so its address never changes.
		checkerSink.Store(c)
	}
	if uintptr(*c) != self {
		panic("sync.Cond is copied")
	}
}

// noCopy makes go vet's copylocks check report copies of the struct that
// holds it. It must not be embedded, or its methods would be promoted.
type noCopy struct{}

// Lock is a no-op used by go vet's copylocks check.
//
//go:norace
func (*noCopy) Lock() {}

// Unlock is a no-op used by go vet's copylocks check.
//
//go:norace
func (*noCopy) Unlock() {}
