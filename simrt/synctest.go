//go:build go1.25

package simrt

// This file holds testing/synctest inside a simulation.
//
// A world is a synctest bubble already: one goroutine runs at a time, and
// the virtual clock starts at the same instant as a bubble's. So
// synctest.Test runs its function on the calling goroutine, in the test's
// world, and synctest.Wait waits for the moment the clock would move.
// Outside a bubble the clock also moves while goroutines compute (time
// slip, slip.go); a bubble's clock moves only when every goroutine in it
// is blocked, which tests under synctest rely on (a queue that fills while
// its workers sleep 1µs), so SyncTest turns slip off until it returns.
//
// Invariants:
//   - While SyncTest runs, w.cost and w.swCost are 0 (SIM_TIME=exact's
//     semantics); it restores them when it returns, however it returns.
//   - A goroutine blocked in SyncWait is in w.idleq (its waitq); pickNext
//     wakes every one of them when nothing else is runnable, before it moves
//     the clock or reports a deadlock.
//   - A goroutine blocked in SyncTest, waiting for the bubble's goroutines,
//     is in w.exitq (its waitq); exit wakes them all.

import (
	"testing"
	"testing/synctest"
)

// SyncTest is synctest.Test. f runs on the calling goroutine; the cleanups
// it registers run when it returns, and SyncTest then waits for every
// goroutine started since it was called to exit. Goroutines that block
// forever instead are a deadlock, which fails the test as synctest does.
//
//go:norace
func SyncTest(t *testing.T, f func(*testing.T)) {
	w := cw
	if w == nil || cur == nil || cur.w != w {
		synctest.Test(t, f)
		return
	}
	cost, swCost := w.cost, w.swCost
	w.cost, w.swCost = 0, 0
	defer func() { w.cost, w.swCost = cost, swCost }()
	me := cur
	first := w.nextID + 1
	// t.Cleanup inside f (simrt.Cleanup) registers on t: keep the test's
	// own cleanups aside, so that only f's run when f returns.
	var outer []func()
	var outerCtx testContext
	var hadCtx bool
	raceUpcall(func() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
		if w.cleanups == nil {
			w.cleanups = make(map[any][]func())
		}
		outer = w.cleanups[t]
		w.cleanups[t] = nil
		// f's t.Context() is f's own, canceled when f's cleanups run, as
		// the bubble's T has its own natively; the test's stays as it was.
		outerCtx, hadCtx = w.testCtx[t]
		delete(w.testCtx, t)
	})
	defer w.restoreTestContext(t, outerCtx, hadCtx)
	done := false
	defer func() {
		if !done {
			// f failed (FailNow, a panic): its cleanups run with the test's.
			raceUpcall(func() { w.cleanups[t] = append(outer, w.cleanups[t]...) })
		}
	}()
	f(t)
	w.runCleanups(t)
	raceUpcall(func() { w.cleanups[t] = outer })
	done = true
	for w.bubbleAlive(first, me) {
		me.waitq = &w.exitq
		w.exitq.push(me)
		w.block("synctest.Test (waiting for the goroutines it started to exit)")
		me.waitq = nil
	}
}

// bubbleAlive reports whether a goroutine started at or after id first,
// other than me and the daemons, is alive.
//
//go:norace
func (w *world) bubbleAlive(first int, me *g) bool {
	if raceEnabled && raceOffSimrt() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
		var r bool
		raceUpcall(func() { r = w.bubbleAlive(first, me) })
		return r
	}
	for id, x := range w.all {
		if id >= first && x != me && !x.daemon {
			return true
		}
	}
	return false
}

// SyncWait is synctest.Wait: it returns when every other goroutine of the
// world is blocked, before the clock moves.
//
//go:norace
func SyncWait() {
	w := cw
	if w == nil || cur == nil || cur.w != w {
		synctest.Wait()
		return
	}
	me := cur
	me.waitq = &w.idleq
	w.idleq.push(me)
	w.block("synctest.Wait")
	me.waitq = nil
}

// restoreTestContext puts back the test's own context after a bubble;
// synctest.Test's deferred call, a method so that it is not instrumented
// under -race (race.go).
//
//go:norace
func (w *world) restoreTestContext(t any, c testContext, had bool) {
	raceUpcall(func() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
		if had {
			w.testCtx[t] = c
		} else {
			delete(w.testCtx, t)
		}
	})
}
