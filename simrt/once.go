package simrt

// This file holds sync.Once and the OnceFunc family on the simulated
// scheduler.
//
// Invariants:
//   - done is set once f has returned, panicked or called Goexit, never
//     before: a Do that finds it set may rely on f's effects, as in Go.
//   - running is set while the first Do's f runs; every other Do waits in
//     waiters until done is set, and all of them are woken together.
//   - Do is a scheduling point, even when done is already set, so that a
//     double-checked fast path is explored like any other access.
//   - OnceFunc, OnceValue and OnceValues are Go's own code over this Once:
//     a panic in f is re-raised, with the same value, by every call.
//
// Independence (dpor.go): Do touches its Once, through onState (a copied
// Once depends on its original), and finish touches it again as f
// returns. A Do that finds done already set when it reaches its scheduling
// point only reads it, and done is never cleared, so two such Do calls
// commute; any other Do writes it. A woken waiter resumes touching it.

// Once is sync.Once on the simulated scheduler: an object that performs
// exactly one action.
type Once struct {
	_       noCopy
	done    bool   // f has finished, normally or not
	running bool   // the first Do is running f
	waiters gqueue // Do calls waiting for f to finish
	home    *Once  // under the reduction, where the state was last used (onState)
}

// Do calls f if and only if Do is being called for the first time for this
// Once. Every other call waits until that first f has returned (or
// panicked) and then returns without calling f.
//
//go:norace
func (o *Once) Do(f func()) {
	w := cw
	if w != nil {
		onState(w, o, &o.home, o.done)
		w.point()
	}
	if o.done {
		raceOnceSeen(o)
		return
	}
	if o.running {
		// In Go, this Do waits for the first one; when f itself calls Do on
		// the same Once, it deadlocks, which the simulation reports.
		if w == nil {
			w = enterAmbient()
			defer leaveAmbient()
		}
		me := cur
		o.waiters.push(me)
		me.waitq = &o.waiters
		w.on(o)
		w.block("sync.Once.Do")
		me.waitq = nil
		raceOnceSeen(o)
		return
	}
	o.running = true
	defer o.finish()
	f()
}

// finish marks o done and wakes the calls that waited for f; deferred, so a
// panic or Goexit in f completes the Once as in Go.
//
//go:norace
func (o *Once) finish() {
	if w := cw; w != nil {
		touchState(w, o, &o.home, false)
	}
	raceOnceDone(o)
	o.done = true
	o.running = false
	for x := o.waiters.pop(); x != nil; x = o.waiters.pop() {
		x.waitq = nil
		x.w.wakeUp(x)
	}
}

// OnceFunc returns a function that invokes f only once. The returned
// function may be called concurrently. If f panics, the returned function
// panics with the same value on every call.
//
//go:norace
func OnceFunc(f func()) func() {
	d := struct {
		f     func()
		once  Once
		valid bool
		p     any
	}{f: f}
	return func() {
		d.once.Do(func() {
			defer func() {
				d.f = nil // do not keep f alive after invoking it
				d.p = recover()
				if !d.valid {
					// Re-panic at once, so the first call's trace reaches
					// into f.
					panic(d.p)
				}
			}()
			d.f()
			d.valid = true // only if f did not panic
		})
		if !d.valid {
			panic(d.p)
		}
	}
}

// OnceValue returns a function that invokes f only once and returns the
// value f returned. The returned function may be called concurrently. If f
// panics, the returned function panics with the same value on every call.
//
//go:norace
func OnceValue[T any](f func() T) func() T {
	d := struct {
		f      func() T
		once   Once
		valid  bool
		p      any
		result T
	}{f: f}
	return func() T {
		d.once.Do(func() {
			defer func() {
				d.f = nil
				d.p = recover()
				if !d.valid {
					panic(d.p)
				}
			}()
			d.result = d.f()
			d.valid = true
		})
		if !d.valid {
			panic(d.p)
		}
		return d.result
	}
}

// OnceValues returns a function that invokes f only once and returns the
// values f returned. The returned function may be called concurrently. If f
// panics, the returned function panics with the same value on every call.
//
//go:norace
func OnceValues[T1, T2 any](f func() (T1, T2)) func() (T1, T2) {
	d := struct {
		f     func() (T1, T2)
		once  Once
		valid bool
		p     any
		r1    T1
		r2    T2
	}{f: f}
	return func() (T1, T2) {
		d.once.Do(func() {
			defer func() {
				d.f = nil
				d.p = recover()
				if !d.valid {
					panic(d.p)
				}
			}()
			d.r1, d.r2 = d.f()
			d.valid = true
		})
		if !d.valid {
			panic(d.p)
		}
		return d.r1, d.r2
	}
}
