package simrt

// This file holds sync.RWMutex on the simulated scheduler. Go's own
// sync/rwmutex.go is the model: a writer first takes the writer slot (Go's
// rw.w mutex), which serializes writers; holding it, the writer announces
// itself, so that new readers wait, and then waits for the readers already
// inside to leave. Unlock hands the read lock to every reader that queued
// behind the writer before it frees the slot, so readers and writers
// alternate and neither side starves.
//
// Invariants:
//   - writing is set from the moment a writer takes the slot until its
//     Unlock; while it is set, RLock and TryRLock never succeed (a blocked
//     writer stops new readers, as in Go).
//   - readers counts the read locks held; it includes the readers Unlock
//     granted that have not run yet. It only falls while writing is set.
//   - A goroutine is in at most one of readerq, writerq and drainq, and it
//     is there only while blocked (waitq points at that queue).
//   - drainq holds the writer that owns the slot while readers > 0.
//   - Lock, RLock, TryLock and TryRLock are scheduling points before they
//     take effect; Unlock and RUnlock after, as Mutex.Unlock, so a woken
//     goroutine and the running one race as they do in Go.
//
// Independence (dpor.go): every operation touches its RWMutex and nothing
// else, through onState (a copied RWMutex depends on its original). The
// read side (RLock, TryRLock, RUnlock) only reads it: two read-side
// operations commute. They do in every state: with no writer both succeed
// in either order; with a writer announced, RLock blocks whatever the
// readers do, and the writer is handed the lock by whichever RUnlock
// leaves last, so the same state results. Lock, TryLock and Unlock write
// it. A woken goroutine resumes writing it (the waker changed the state
// it waited on).

// RWMutex is sync.RWMutex on the simulated scheduler. The zero value is an
// unlocked mutex.
type RWMutex struct {
	writing bool     // a writer owns the writer slot (pending or holding)
	readers int      // read locks held
	readerq gqueue   // readers waiting for the writer to finish
	writerq gqueue   // writers waiting for the writer slot
	drainq  gqueue   // the slot's owner, waiting for readers to leave
	home    *RWMutex // under the reduction, where the state was last used (onState)
}

// RLock locks rw for reading. It blocks while a writer holds rw or waits for
// it, so a steady stream of readers cannot starve a writer.
//
//go:norace
func (rw *RWMutex) RLock() {
	w := cw
	if w == nil && rw.writing {
		w = enterAmbient()
		defer leaveAmbient()
	}
	if w == nil {
		rw.readers++
		raceRLocked(rw)
		return
	}
	onState(w, rw, &rw.home, true)
	w.point()
	if !rw.writing {
		rw.readers++
		raceRLocked(rw)
		return
	}
	me := cur
	rw.readerq.push(me)
	me.waitq = &rw.readerq
	w.on(rw)
	w.block("sync.RWMutex.RLock")
	me.waitq = nil
	// Unlock counted this goroutine in readers before waking it.
	raceRLocked(rw)
}

// TryRLock locks rw for reading if no writer holds it or waits for it, and
// reports whether it did.
//
//go:norace
func (rw *RWMutex) TryRLock() bool {
	if w := cw; w != nil {
		onState(w, rw, &rw.home, true)
		w.point()
	}
	if rw.writing {
		return false
	}
	rw.readers++
	raceRLocked(rw)
	return true
}

// RUnlock undoes one RLock. Unlocking a mutex not locked for reading is a
// fatal error in Go; here it fails the simulation with Go's text.
//
//go:norace
func (rw *RWMutex) RUnlock() {
	if rw.readers == 0 {
		fatal("sync: RUnlock of unlocked RWMutex")
	}
	raceRUnlocking(rw)
	rw.readers--
	if rw.readers == 0 && rw.writing {
		// The last reader left: the pending writer holds the lock now.
		if x := rw.drainq.pop(); x != nil {
			x.waitq = nil
			x.w.wakeUp(x)
		}
	}
	if w := cw; w != nil {
		touchState(w, rw, &rw.home, true)
		w.on(nil)
		w.point()
	}
}

// Lock locks rw for writing, blocking while another writer owns it or
// readers hold it.
//
//go:norace
func (rw *RWMutex) Lock() {
	w := cw
	if w == nil && (rw.writing || rw.readers > 0) {
		w = enterAmbient()
		defer leaveAmbient()
	}
	if w == nil {
		rw.writing = true
		raceWLocked(rw)
		return
	}
	onState(w, rw, &rw.home, false)
	w.point()
	me := cur
	// A woken writer competes again for the slot, as with Mutex: a running
	// goroutine may take it first.
	for rw.writing {
		rw.writerq.push(me)
		me.waitq = &rw.writerq
		w.on(rw)
		w.block("sync.RWMutex.Lock")
		me.waitq = nil
	}
	rw.writing = true
	if rw.readers > 0 {
		rw.drainq.push(me)
		me.waitq = &rw.drainq
		w.on(rw)
		w.block("sync.RWMutex.Lock")
		me.waitq = nil
	}
	raceWLocked(rw)
}

// TryLock locks rw for writing if nobody holds it, and reports whether it
// did.
//
//go:norace
func (rw *RWMutex) TryLock() bool {
	if w := cw; w != nil {
		onState(w, rw, &rw.home, false)
		w.point()
	}
	if rw.writing || rw.readers > 0 {
		return false
	}
	rw.writing = true
	raceWLocked(rw)
	return true
}

// Unlock unlocks rw for writing. Unlocking a mutex not locked for writing is
// a fatal error in Go; here it fails the simulation with Go's text.
//
//go:norace
func (rw *RWMutex) Unlock() {
	if !rw.writing {
		fatal("sync: Unlock of unlocked RWMutex")
	}
	raceWUnlocking(rw)
	rw.writing = false
	// The readers that queued behind this writer get the lock now, before
	// the next writer can announce itself.
	for x := rw.readerq.pop(); x != nil; x = rw.readerq.pop() {
		rw.readers++
		x.waitq = nil
		x.w.wakeUp(x)
	}
	if x := rw.writerq.pop(); x != nil {
		x.waitq = nil
		x.w.wakeUp(x)
	}
	if w := cw; w != nil {
		touchState(w, rw, &rw.home, false)
		w.on(nil)
		w.point()
	}
}

// RLocker returns a Locker whose Lock and Unlock call rw.RLock and
// rw.RUnlock.
//
//go:norace
func (rw *RWMutex) RLocker() Locker {
	return (*rlocker)(rw)
}

type rlocker RWMutex

//go:norace
func (r *rlocker) Lock() { (*RWMutex)(r).RLock() }

//go:norace
func (r *rlocker) Unlock() { (*RWMutex)(r).RUnlock() }
