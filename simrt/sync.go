package simrt

// This file holds sync.Mutex and sync.WaitGroup on the simulated scheduler.
//
// Invariants:
//   - Lock, Unlock, Add, Done and Wait are scheduling points.
//   - A Mutex's waiters are woken one at a time, first in, first out; a woken
//     waiter competes again for the lock, so a running goroutine may barge in
//     first, as in Go's normal mode.
//   - The zero value of each type is ready to use, as in package sync.
//
// Independence (dpor.go): Lock, TryLock and Unlock touch their Mutex; Add,
// Done and Wait their WaitGroup; nothing else. Operations on different
// objects commute. A woken waiter resumes touching the object it waited on.
// Both are values a program can copy (a struct holding one), so their
// operations go through onState: a copy's first operation also touches the
// original, and the first operation on a fresh state touches freshState.

import "sync"

// Locker is sync.Locker.
type Locker = sync.Locker

// Mutex is sync.Mutex on the simulated scheduler.
type Mutex struct {
	locked  bool
	waiters gqueue
	home    *Mutex // under the reduction, where the state was last used (onState)
}

// gqueue is a FIFO of blocked goroutines.
type gqueue struct {
	q []*g
}

//go:norace
func (q *gqueue) push(x *g) { q.q = append(q.q, x) }

//go:norace
func (q *gqueue) pop() *g {
	if len(q.q) == 0 {
		return nil
	}
	x := q.q[0]
	q.q[0] = nil
	q.q = q.q[1:]
	return x
}

//go:norace
func (q *gqueue) remove(x *g) {
	for i, y := range q.q {
		if y == x {
			q.q = append(q.q[:i], q.q[i+1:]...)
			return
		}
	}
}

// Lock locks m, blocking while another goroutine holds it.
//
//go:norace
func (m *Mutex) Lock() {
	w := cw
	if w == nil && m.locked {
		w = enterAmbient()
		defer leaveAmbient()
	}
	if w == nil {
		m.locked = true
		raceLocked(m)
		return
	}
	onState(w, m, &m.home, false)
	w.point()
	for m.locked {
		me := cur
		m.waiters.push(me)
		me.waitq = &m.waiters
		w.on(m)
		w.block("sync.Mutex.Lock")
		me.waitq = nil
	}
	m.locked = true
	raceLocked(m)
}

// TryLock locks m if it is free and reports whether it did.
//
//go:norace
func (m *Mutex) TryLock() bool {
	if w := cw; w != nil {
		onState(w, m, &m.home, false)
		w.point()
	}
	if m.locked {
		return false
	}
	m.locked = true
	raceLocked(m)
	return true
}

// Unlock unlocks m. Unlocking an unlocked mutex is a fatal error in Go; here
// it fails the simulation with Go's text.
//
//go:norace
func (m *Mutex) Unlock() {
	w := cw
	if !m.locked {
		fatal("sync: unlock of unlocked mutex")
	}
	raceUnlocking(m)
	m.locked = false
	if w != nil {
		touchState(w, m, &m.home, false)
	}
	if x := m.waiters.pop(); x != nil {
		// A daemon may wait on a package-level mutex that code outside
		// every run unlocks.
		x.waitq = nil
		x.w.wakeUp(x)
	}
	if w != nil {
		w.on(nil) // Unlock is done: the next event starts afresh
		w.point()
	}
}

// WaitGroup is sync.WaitGroup on the simulated scheduler.
type WaitGroup struct {
	n       int64
	waiters gqueue
	home    *WaitGroup // under the reduction, where the state was last used (onState)
}

// Add adds delta to the counter, waking every waiter when it reaches zero.
//
//go:norace
func (wg *WaitGroup) Add(delta int) {
	w := cw
	if w != nil {
		onState(w, wg, &wg.home, false)
		w.point()
	}
	if delta < 0 {
		raceWGDone(wg)
	}
	wg.n += int64(delta)
	if wg.n < 0 {
		panic("sync: negative WaitGroup counter")
	}
	if wg.n == 0 {
		for x := wg.waiters.pop(); x != nil; x = wg.waiters.pop() {
			x.waitq = nil
			x.w.wakeUp(x)
		}
	}
}

// Done decrements the counter by one.
//
//go:norace
func (wg *WaitGroup) Done() { wg.Add(-1) }

// Go calls f in a new goroutine and adds that task to the WaitGroup.
//
//go:norace
func (wg *WaitGroup) Go(f func()) {
	wg.Add(1)
	Go(func() {
		defer wg.Done()
		f()
	})
}

// Wait blocks until the counter is zero.
//
//go:norace
func (wg *WaitGroup) Wait() {
	w := cw
	if w == nil {
		if wg.n == 0 {
			raceWGWaited(wg)
			return
		}
		w = enterAmbient()
		defer leaveAmbient()
	}
	onState(w, wg, &wg.home, false)
	w.point()
	if wg.n == 0 {
		raceWGWaited(wg)
		return
	}
	me := cur
	wg.waiters.push(me)
	me.waitq = &wg.waiters
	w.on(wg)
	w.block("sync.WaitGroup.Wait")
	if wg.n != 0 {
		panic("sync: WaitGroup is reused before previous Wait has returned")
	}
	raceWGWaited(wg)
}
