package simnet

// This file holds deadlines on the virtual clock and the waits of a dial
// on its context and Dialer.Cancel.
//
// Invariants: a deadline that is set has at most one pending callback,
// which notifies the deadline's event when the clock reaches it; the
// waiter then finds passed() true and fails with os.ErrDeadlineExceeded.
// Setting a deadline wakes the waiters, so a new deadline (earlier, later,
// or none) applies to operations already blocked, as in net.

import (
	"context"
	"net"
	"time"

	"simgen.dev/simgen/simrt"
)

// deadline is one of a socket's deadlines (read, write, accept).
type deadline struct {
	t    time.Time   // zero: none
	stop func() bool // cancels the pending callback, nil when none
}

// never bounds how far ahead a callback is scheduled: farther than this a
// deadline is as good as none (and past the clock's range).
const never = 100 * 365 * 24 * time.Hour

//go:norace
func (d *deadline) set(t time.Time, ev *simrt.Event) {
	d.clear()
	d.t = t
	if !t.IsZero() {
		if dur := simrt.Until(t); dur > 0 && dur < never {
			d.stop = simrt.CallAt(t, ev.Notify)
		}
	}
	ev.Notify()
}

// clear cancels the pending callback (the socket is closed).
//
//go:norace
func (d *deadline) clear() {
	if d.stop != nil {
		d.stop()
		d.stop = nil
	}
}

// passed reports whether the deadline is set and the clock reached it.
//
//go:norace
func (d *deadline) passed() bool {
	return !d.t.IsZero() && !simrt.Now().Before(d.t)
}

// afterFuncer is what simulated contexts (simrt's) offer: a callback run
// synchronously when the context is canceled.
type afterFuncer interface {
	AfterFunc(func()) (stop func() bool)
}

// onDone arranges for f to run when ctx is done, and returns what undoes
// it. A simulated context calls f in place; any other context that can be
// canceled goes through simrt.ContextAfterFunc, which runs f on a
// simulated goroutine of its own.
//
//go:norace
func onDone(ctx context.Context, f func()) (stop func() bool) {
	if ctx.Done() == nil {
		return func() bool { return false }
	}
	if a, ok := ctx.(afterFuncer); ok {
		return a.AfterFunc(f)
	}
	return simrt.ContextAfterFunc(ctx, f)
}

// onCancel arranges for f to run when the Dialer's Cancel channel is
// closed (or sends), with a simulated goroutine of the dialing node that
// waits for it; the returned stop ends that goroutine.
//
//go:norace
func onCancel(cancel *simrt.Chan[struct{}], f func()) (stop func()) {
	if cancel == nil {
		return func() {}
	}
	done := simrt.MakeChan[struct{}](0)
	simrt.Go(func() {
		if simrt.Select(false, simrt.OnRecv(cancel), simrt.OnRecv(done)) == 0 {
			f()
		}
	})
	return func() { simrt.Close(done) }
}

// setReal sets the deadlines of a real connection (outside a run) as
// SetDeadline, SetReadDeadline or SetWriteDeadline would.
//
//go:norace
func setReal(c net.Conn, t time.Time, rd, wr bool) error {
	switch {
	case rd && wr:
		return c.SetDeadline(t)
	case rd:
		return c.SetReadDeadline(t)
	}
	return c.SetWriteDeadline(t)
}
