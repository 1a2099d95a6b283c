package simrt

// This file holds the world (one simulation) and the scheduler.
//
// Invariants:
//   - At most one world runs in a process at a time (worldMu). cw is that
//     world and cur the simulated goroutine running in it; both are touched
//     only by the goroutine that runs, so they need no locks.
//   - A simulated goroutine (g) is carried by a worker, a real goroutine.
//     Exactly one worker runs; the others are blocked on their slot (coro.go).
//   - A g is in w.runq exactly when its status is gRunnable. The running g is
//     never in w.runq.
//   - Every choice (next goroutine, select case, order of simultaneous timers,
//     map order, random numbers) is drawn from w.rng and recorded in the
//     decision hash.
//   - Virtual time (w.now) moves when no goroutine is runnable, or when the
//     work of the runnable ones reaches a pending timer (slip.go).

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

type gstatus uint8

const (
	gRunnable gstatus = iota
	gRunning
	gBlocked
	gDone
)

// g is a simulated goroutine.
type g struct {
	id       int
	w        *world
	fn       func()
	wk       *worker // the real goroutine carrying this g
	status   gstatus
	reason   string  // what a blocked g waits on ("chan send", ...)
	createPC uintptr // where the go statement was
	parent   int     // id of the goroutine that spawned it
	runqIdx  int     // index in w.runq while runnable
	prioIdx  int     // index in w.prioq while runnable under PCT
	prio     int     // PCT priority
	started  bool    // the worker has begun running fn
	abort    bool    // teardown: unwind at the next resume
	daemon   bool    // started by the ambient world; moves between worlds
	sleep    timer   // reused by Sleep
	wakeTime int64   // when a sleeping g wakes, for reports
	goid     int64   // its id in stack dumps, once it had one (stack.go)
	node     NodeID  // the simulated machine it runs on (machine.go)
	// Its readings of the clock (slip.go): own computation since the clock
	// moved at epoch ownAt, and at its last reading in that epoch the
	// offset shown (shown) and own's value then (mark).
	own, shown, mark int64
	ownAt, shownAt   uint64
	// What a blocked g is queued on, so teardown can withdraw it.
	sel   *selWait // a select
	wchan dequeuer // a plain channel operation
	// wcache is the reusable waiter of the last element type this g
	// blocked on (chan.go, waiterFor).
	wcache any
	waitq  *gqueue // a sync primitive
}

// dequeuer is a plain channel waiter that can withdraw itself.
type dequeuer interface{ dequeue() }

// withdraw removes a blocked goroutine from whatever it waits on, so that a
// world's teardown leaves no waiter behind in a channel or lock that may
// outlive it (a package-level variable).
//
//go:norace
func (x *g) withdraw() {
	if x.sel != nil {
		x.sel.withdraw(-1)
		x.sel = nil
	}
	if x.wchan != nil {
		x.wchan.dequeue()
		x.wchan = nil
	}
	if x.waitq != nil {
		x.waitq.remove(x)
		x.waitq = nil
	}
	if x.sleep.idx >= 0 && x.sleep.w != nil && x.sleep.kind == tkSleep && x.sleep.g == x {
		x.sleep.w.delTimer(&x.sleep)
	}
}

var (
	worldMu sync.Mutex // held while a world runs
	cw      *world     // the running world, nil outside a simulation
	cur     *g         // the running simulated goroutine
	idle    []*worker  // idle workers ready to carry a new g
)

// world is one simulation: its goroutines, clock, timers and random stream.
type world struct {
	seed     uint64
	rng      *rand.Rand
	fast     uint64     // splitmix64 state for the hot choices (intn)
	urand    *rand.Rand // the program's own randomness (rand.go)
	strat    strategy
	runq     []*g
	prioq    *prioHeap  // the run queue by priority, kept only under PCT (strategy.go)
	all      map[int]*g // live goroutines by id
	nextID   int
	root     *g
	now      int64 // virtual time, Unix nanoseconds
	timers   timers
	batch    []*timer      // advance's scratch list of timers due together
	pollers  []*selWait    // blocked selects with cases on native channels
	dead     []*worker     // workers whose g ended by Goexit
	watchers []func() bool // checks of native state (foreign contexts); true when done
	twins    map[any]any   // native channel -> its simulated twin (contexts)
	idleq    gqueue        // goroutines in synctest.Wait (synctest.go)
	exitq    gqueue        // goroutines in synctest.Test waiting for exits
	settling bool          // the root's body ended: run the rest without moving the clock
	limit    int64         // virtual time limit, Unix nanoseconds (SIM_TIMELIMIT)
	// Time slip (slip.go), all touched by the running goroutine only.
	cost       int64  // virtual ns a scheduling point costs; 0 under SIM_TIME=exact
	swCost     int64  // virtual ns a switch (block or exit) costs; 0 under SIM_TIME=exact
	epoch      uint64 // bumped when the clock moves or a run is armed; never reset
	seen       int64  // the largest offset past now that a reading showed since epoch
	work       int64  // virtual ns of computation since the clock last moved
	slipAt     int64  // lower bound of the earliest pending timer's instant
	steps      int64  // points since the clock last moved (SIM_TIME=exact's spin bound)
	quiet      int64  // points since a goroutine last blocked, started or ended
	quietLimit int64  // SIM_LIVELOCK; 0: no bound (the ambient world)
	quietJump  int64  // w.quiet when a quiet run last moved the clock to a far timer; 0: not in this quiet stretch
	busy       int64  // points since a goroutine last blocked, started or ended, atomic writes or not
	busyJump   int64  // w.busy when the clock moved to a far timer in this busy stretch; 0: it did not
	idleFires  int64  // clock moves in a row, with nothing runnable, that woke nobody
	ambient    bool   // the ambient world (ambient.go)
	serials    uint64 // timers made, for a deterministic order when timers move
	settleAt   int64  // decision count at which settling gives up
	dec        decisions
	failure    *failure     // set when the world must stop (deadlock, panic, ...)
	tearing    bool         // teardown in progress
	progress   atomic.Int64 // published every 64 ticks, for the watchdog
	ticks      int64        // transfers and scheduling points
	// mode and harness state
	tb       tbLike
	session  *session
	cleanups map[any][]func()
	testCtx  map[any]testContext       // t.Context() of each test of the run (harness.go)
	tbParent map[any]any               // the test above each subtest of the run (Run; testlog.go)
	trace    *tracer                   // SIM_TRACE (trace.go); nil when off
	ptrSeq   map[unsafe.Pointer]uint64 // pointers in map keys, numbered as first stored (maprange.go)
	m        *machines                 // nodes, world-local state and faults of the run (machine.go); nil until used
	xr       *xrun                     // the run's exhaustive strategy (exhaustive.go), nil under the others
}

// tbLike is what the world needs of a testing.TB; nil for Main.
type tbLike interface {
	Helper()
	Name() string
	Logf(format string, args ...any)
	Errorf(format string, args ...any)
	FailNow()
	Fail()
	Failed() bool
}

//go:norace
func newWorld(seed uint64, strat strategy) *world {
	w := &world{
		seed:   seed,
		rng:    newRand(seed, seed^0x9e3779b97f4a7c15),
		strat:  strat,
		all:    make(map[int]*g),
		now:    epochNanos,
		slipAt: maxWhen,
	}
	w.dec.init(w)
	strat.init(w)
	w.fast = seed ^ 0x6a09e667f3bcc909
	return w
}

// newG creates a runnable goroutine that will run fn on some worker.
//
//go:norace
func (w *world) newG(fn func(), pc uintptr) *g {
	if raceEnabled && raceOffSimrt() { // -race: w.all is a map, touched on the simrt thread (racecoro.go)
		var ng *g
		raceUpcall(func() { ng = w.newG(fn, pc) })
		return ng
	}
	w.nextID++
	ng := &g{id: w.nextID, w: w, fn: fn, createPC: pc, status: gRunnable, daemon: w.ambient}
	if cur != nil && cur.w == w {
		ng.parent = cur.id
		ng.node = cur.node
	}
	w.all[ng.id] = ng
	w.strat.spawned(w, ng)
	return ng
}

//go:norace
func (w *world) ready(x *g) {
	x.status = gRunnable
	x.runqIdx = len(w.runq)
	w.runq = append(w.runq, x)
	if w.prioq != nil {
		w.prioq.push(x)
	}
}

//go:norace
func (w *world) unready(x *g) {
	i := x.runqIdx
	last := len(w.runq) - 1
	if i != last {
		y := w.runq[last]
		w.runq[i] = y
		y.runqIdx = i
	}
	w.runq[last] = nil
	w.runq = w.runq[:last]
	if w.prioq != nil {
		w.prioq.remove(x)
	}
}

// intn returns a number in [0, n) drawn from the seed: the choice of the
// next goroutine and of a ready select case, made at almost every
// operation. splitmix64 and a multiply-shift reduction cost a few
// nanoseconds; the bias of the reduction is below n/2^32, far below
// anything a schedule can show.
//
//go:norace
func (w *world) intn(n int) int {
	w.fast += 0x9e3779b97f4a7c15
	z := w.fast
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return int((z >> 32) * uint64(n) >> 32)
}

// tick counts progress: a transfer or a scheduling point. The watchdog
// sees it every 64 ticks, which keeps the atomic store off the fast path.
//
//go:norace
func (w *world) tick() {
	w.ticks++
	if w.ticks&63 == 0 {
		w.progress.Store(w.ticks)
	}
}

// point is a scheduling point: the running goroutine stays runnable and the
// strategy may switch to another one.
//
//go:norace
func (w *world) point() {
	me := cur
	w.tick()
	if w.trace != nil {
		w.trace.point(me)
	}
	if w.failure != nil || w.tearing {
		// The world is stopping: let non-blocking operations in deferred
		// calls finish without scheduling.
		return
	}
	if w.settling && w.dec.n > w.settleAt && me != w.root {
		// Settling has run long enough: hand control back to the root.
		w.ready(me)
		w.run(me, w.root)
		return
	}
	if !w.settling {
		w.compute(me)
	}
	next := w.strat.pickPoint(w, me)
	w.dec.pick(next.id, len(w.runq)+1)
	if next == me {
		return
	}
	w.unready(next)
	w.ready(me)
	w.run(me, next)
}

// block parks the running goroutine until another goroutine (or a timer)
// makes it runnable again.
//
//go:norace
func (w *world) block(reason string) {
	me := cur
	if w.failure != nil || w.tearing {
		w.unwind(me)
	}
	me.status = gBlocked
	me.reason = reason
	w.progressed()
	if w.trace != nil {
		w.trace.block(me, reason)
	}
	raceBlock(me)
	next := w.pickNext()
	if next == nil {
		w.deadlock()
		next = w.takeRoot()
		if me == w.root {
			w.unwind(me)
		}
	}
	if next == me {
		// A timer or native poll woke us up before we switched away.
		me.status = gRunning
		return
	}
	w.run(me, next)
	raceResume(me)
}

// run switches from the running goroutine me to next and returns when me
// runs again.
//
//go:norace
func (w *world) run(me, next *g) {
	raceBlock(me) // a crash acquires the clock of every goroutine it removes
	w.transfer(me, next)
	if me.abort || (w.failure != nil && me == w.root) {
		w.unwind(me)
	}
}

// pickNext takes a runnable goroutine off the run queue, moving virtual time
// forward when nothing is runnable. It returns nil on deadlock.
//
//go:norace
func (w *world) pickNext() *g {
	if !w.switched() {
		return nil
	}
	for {
		if len(w.pollers) > 0 || len(w.watchers) > 0 {
			w.pollNative()
		}
		if len(w.runq) > 0 {
			w.idleFires = 0
			next := w.strat.pickBlocked(w)
			w.dec.pick(next.id, len(w.runq))
			w.unready(next)
			return next
		}
		if len(w.idleq.q) > 0 {
			// synctest.Wait: every other goroutine is blocked.
			w.wakeAll(&w.idleq)
			continue
		}
		if w.settling {
			return w.root
		}
		if w.timers.Len() > 0 {
			w.work = 0 // idle time absorbs the work done since the clock last moved
			if w.xr != nil {
				w.xr.idleTick()
			}
			w.advance()
			if w.failure != nil || w.deadTickers() {
				return nil
			}
			continue
		}
		if (len(w.pollers) > 0 || len(w.watchers) > 0) && w.waitNative() {
			continue
		}
		return nil
	}
}

// wakeUp makes the blocked goroutine x runnable, for whatever it waited on
// (a channel, a lock, a timer): ready, and the tracer's wake hook. ready
// itself stays small enough to inline into point.
//
//go:norace
func (w *world) wakeUp(x *g) {
	if w.trace != nil {
		w.trace.wake(x)
	}
	w.ready(x)
}

// spawn starts fn as a new simulated goroutine.
//
//go:norace
func (w *world) spawn(fn func(), pc uintptr) *g { return w.spawnOn(fn, pc, nil) }

// spawnOn is spawn on wk, a worker made for this go statement (Spawn), or
// on one from the idle pool when wk is nil.
//
//go:norace
func (w *world) spawnOn(fn func(), pc uintptr, wk *worker) *g {
	ng := w.newG(fn, pc)
	if wk == nil {
		if n := len(idle); n > 0 {
			wk = idle[n-1]
			idle[n-1] = nil
			idle = idle[:n-1]
		} else {
			wk = newWorker()
		}
	}
	wk.g = ng
	ng.wk = wk
	raceStartWorker(wk)
	w.ready(ng)
	w.progressed()
	return ng
}

// exit retires a finished goroutine.
//
//go:norace
func (w *world) exit(x *g) {
	if raceEnabled && raceOffSimrt() { // -race: w.all is a map, touched on the simrt thread (racecoro.go)
		raceUpcall(func() { w.exit(x) })
		return
	}
	x.status = gDone
	delete(w.all, x.id)
	w.dec.event(evExit, x.id)
	w.progressed()
	if len(w.exitq.q) > 0 && !w.tearing {
		w.wakeAll(&w.exitq)
	}
}

// wakeAll makes every goroutine of q runnable and empties q.
//
//go:norace
func (w *world) wakeAll(q *gqueue) {
	for _, x := range q.q {
		x.waitq = nil
		w.wakeUp(x)
	}
	clear(q.q)
	q.q = q.q[:0]
}

// pickAfterExit chooses who runs after a goroutine finished.
//
//go:norace
func (w *world) pickAfterExit() *g {
	if w.tearing || w.failure != nil {
		return w.takeRoot()
	}
	next := w.pickNext()
	if next == nil {
		w.deadlock()
		return w.takeRoot()
	}
	// As transfer does: the chosen goroutine runs from here on, and what
	// it wakes is woken by it (the tracer asks whether cur is running).
	next.status = gRunning
	return next
}

// takeRoot returns the root goroutine, off the run queue, for a switch that
// does not go through the strategy (failure and teardown).
//
//go:norace
func (w *world) takeRoot() *g {
	if w.root.status == gRunnable {
		w.unready(w.root)
	}
	return w.root
}

// unwind ends the running goroutine because the world is failing or being
// torn down. It does not return.
//
//go:norace
func (w *world) unwind(me *g) {
	me.withdraw()
	if me == w.root && w.ambient {
		w.ambientFailure()
	}
	if me == w.root && !w.tearing {
		w.rootAbort()
	}
	runtime.Goexit()
}

// curGoid returns the running goroutine's runtime id by parsing the header
// of its stack trace. It is called once per worker, not per switch.
//
//go:norace
func curGoid() int64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	b := buf[:n]
	const prefix = "goroutine "
	if len(b) < len(prefix) {
		return 0
	}
	b = b[len(prefix):]
	var id int64
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + int64(c-'0')
	}
	return id
}
