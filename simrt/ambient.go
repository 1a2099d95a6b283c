package simrt

// This file is the process's world and its ambient mode. There is one world
// object per process (theWorld). Between runs it is in ambient mode: code
// outside every test, benchmark, example and main (package initialization,
// TestMain) runs in it, rooted at the goroutine that runs that code. Such
// code may start goroutines and wait for them (a metrics registry that
// describes its collectors through a channel at init).
//
// Goroutines started in ambient mode are daemons: they belong to the
// process, not to one run. Each run (runOnce) arms the same world for its
// seed, with a fresh root, clock, random streams and decision log, keeping
// the daemons, so a worker started at init serves every test; when the run
// ends, its own goroutines are torn down and the daemons stay. Keeping one
// world object matters: a daemon parked in the middle of an operation holds
// the world in its frames.
//
// Invariants:
//   - runs never overlap (worldMu); ambient mode is only entered while no
//     run is armed.
//   - daemons and their timers, pollers and watchers survive disarm;
//     everything else of a run is gone after it.
//   - A failure in ambient mode ends the process, as a fatal error at init
//     would.

import (
	"fmt"
	"os"
	"time"
)

// theWorld is the process's world, nil until first needed.
var theWorld *world

// ambientW is theWorld once ambient mode has been entered, for Now.
// Ambient mode is entered per operation (enterAmbient, leaveAmbient).
var ambientW *world

// processWorld returns theWorld, making it (in ambient mode) if needed.
//
//go:norace
func processWorld() *world {
	if theWorld == nil {
		c := loadConfig()
		w := newWorld(c.firstSeed(), c.strategy())
		w.ambient = true
		w.now = initNanos
		root := w.newG(nil, 0)
		root.started = true
		root.status = gRunning
		root.wk = &worker{g: root, root: true}
		w.root = root
		theWorld = w
	}
	return theWorld
}

// enterAmbient makes the running goroutine the root of the world in
// ambient mode and returns the world. It is called only while no run is
// armed.
//
//go:norace
func enterAmbient() *world {
	w := processWorld()
	w.root.wk.goid = curGoid()
	ambientW = w
	cw, cur = w, w.root
	return w
}

// leaveAmbient ends an operation the running goroutine started as the
// ambient root: outside a run, cw stays nil between operations, so a
// goroutine that is not simulated (a test's own native side, a real
// goroutine of the standard library) never finds a world to act in.
//
//go:norace
func leaveAmbient() {
	if w := cw; w != nil && w.ambient && cur == w.root {
		cw, cur = nil, nil
	}
}

// ambientFailure ends the process after a failure outside every test.
//
//go:norace
func (w *world) ambientFailure() {
	fmt.Fprintf(os.Stderr, "%s\nsimrt: this happened outside every test (package initialization or TestMain), under seed %d; SIM_SEED=%d replays it\n",
		w.failure.report, w.seed, w.seed)
	os.Exit(2)
}

// ambientRoot is what arm saves of ambient mode to restore in disarm.
type ambientRoot struct {
	root *g
}

// arm prepares the world for one run: seed, strategy, clock at Epoch,
// fresh decision log and random streams, a new root, and the daemons
// renumbered after it.
//
//go:norace
func (w *world) arm(seed uint64, strat strategy) ambientRoot {
	if raceEnabled && raceOffSimrt() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
		var r ambientRoot
		raceUpcall(func() { r = w.arm(seed, strat) })
		return r
	}
	saved := ambientRoot{root: w.root}
	w.ambient = false
	w.seed = seed
	w.rng = newRand(seed, seed^0x9e3779b97f4a7c15)
	w.fast = seed ^ 0x6a09e667f3bcc909
	w.urand = nil
	w.strat = strat
	w.xr = nil // an exhaustive strategy sets it in init
	w.dec = decisions{}
	w.dec.init(w)
	w.failure, w.tearing, w.settling = nil, false, false
	w.cleanups, w.testCtx, w.tbParent = nil, nil, nil
	w.tb, w.session, w.trace = nil, nil, nil
	w.ticks = 0
	w.m = nil
	w.ptrSeq = nil
	w.prioq = nil // a PCT strategy makes its own in init
	w.retime(epochNanos)

	daemons := w.liveSorted()
	w.all = make(map[int]*g)
	w.nextID = 0
	strat.init(w)
	root := w.newG(nil, 0)
	root.started = true
	root.status = gRunning
	w.root = root
	for _, x := range daemons {
		if x == saved.root {
			continue
		}
		w.nextID++
		x.id = w.nextID
		w.all[x.id] = x
		strat.spawned(w, x)
		w.dec.event(evSpawn, x.id)
	}
	return saved
}

// disarm returns the world to ambient mode after a run's teardown.
//
//go:norace
func (w *world) disarm(saved ambientRoot) {
	if raceEnabled && raceOffSimrt() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
		raceUpcall(func() { w.disarm(saved) })
		return
	}
	delete(w.all, w.root.id)
	w.root = saved.root
	w.all[saved.root.id] = saved.root
	w.ambient = true
	w.failure, w.tearing, w.settling = nil, false, false
	w.tb, w.session, w.trace = nil, nil, nil
	w.disarmTime()
}

// retime moves the clock to now, keeping every timer's distance to it.
//
//go:norace
func (w *world) retime(now int64) {
	if raceEnabled && raceOffSimrt() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
		raceUpcall(func() { w.retime(now) })
		return
	}
	var ts []*timer
	for _, b := range w.timers.buckets {
		ts = append(ts, b.ts...)
	}
	if len(ts) == 0 {
		w.now = now
		return
	}
	sortTimers(ts)
	for _, t := range ts {
		w.delTimer(t)
	}
	shift := now - w.now
	w.now = now
	for _, t := range ts {
		switch {
		case t.when == maxWhen: // never fires, wherever the clock is
		case shift > 0:
			t.when = deadline(t.when, time.Duration(shift))
		default:
			t.when += shift
		}
		if t.kind == tkSleep {
			t.g.wakeTime = t.when
		}
		w.addTimer(t)
	}
}
