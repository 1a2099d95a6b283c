package simrt

// This file is time slip: virtual time that passes while goroutines compute
// (docs/design.md, "Time passes while goroutines compute"), and the bounds
// that keep a run that computes forever from running forever.
//
// Natively a timer can fire between any two steps of a running goroutine:
// computation costs wall time. Here every scheduling point costs w.cost
// virtual nanoseconds and every switch w.swCost, both drawn from the seed
// for the whole run (costFor, switchCostFor). The cost accrues in w.work,
// the world's computation since the clock last moved, whoever computed it:
// one spinner, spinners taking turns, or a
// poller that blocks on each round trip with another goroutine all add to
// the same sum. When now+work reaches the earliest pending timer, the clock
// moves to that timer's instant and it fires, at the scheduling point,
// while goroutines are still runnable; the rest of the work carries on
// towards the next timer.
//
// Invariants:
//   - The clock (w.now) only ever stands on instants at which a timer fired
//     (or the start): computation makes timers fire earlier in the run, it
//     does not move the clock between them.
//   - A reading of it (time.Now, nowShown) is w.now plus an offset: the
//     reader's own work since its last reading at this instant, added to
//     what that reading showed, and never less than w.seen, the largest
//     offset shown at this instant. An offset never exceeds w.work, so a
//     reading is always before the earliest pending timer, and readings
//     never go backwards. Timers count from w.now + w.seen (armFrom).
//   - w.epoch changes whenever the clock moves or a run is armed; a
//     goroutine's own work and last reading belong to the epoch they were
//     taken in (g.ownAt, g.shownAt), and are 0 in any other.
//   - w.work < earliest pending instant - w.now after every point (a timer
//     that work reached has fired); when nothing is runnable, the clock
//     jumps to the next timer and the work is absorbed (w.work = 0), as idle
//     time absorbs it on a machine.
//   - w.slipAt is a lower bound of the earliest pending instant (timers
//     removed since leave it low; slip recomputes it), maxWhen when none.
//   - Under SIM_TIME=exact (w.cost == 0) the clock moves only when nothing
//     is runnable, or after spinLimit points of the world at one instant
//     with a timer pending, so that spin-waits still end.
//   - w.quiet counts points since a goroutine last blocked, started or
//     ended (or, below, changed an atomic's value). Past w.quietLimit with a timer pending, the clock moves to
//     that timer once (w.quietJump records where): a spin that waits for a
//     far deadline ends, as it does natively, however little each of its
//     points costs. Past w.quietLimit with no timer pending, or past
//     another w.quietLimit after that move, the run fails as a livelock,
//     unless the running goroutine is alone (nothing else runnable, no
//     native wait watched): then only past loneFactor*w.quietLimit.
//   - An atomic write that changes a value (AtomicWrote) is progress too:
//     it ends the quiet stretch, so spinners that watch a writer at work
//     are not a livelock. w.busy counts points since a goroutine last
//     blocked, started or ended, whatever was written: the move to a far
//     timer happens once per busy stretch, when it passes w.quietLimit
//     (w.busyJump records where), so atomic writes neither keep the clock
//     from moving nor move it twice; and past loneFactor*w.quietLimit the
//     run fails as a livelock all the same, so goroutines that keep
//     changing values without ending still stop.
//   - All of it is a function of the seed and the program: costFor reads the
//     seed only, not w.rng, so the random stream of a seed is unchanged.

import (
	"container/heap"
	"fmt"
	"math"
	"strings"
)

// Per-point costs are drawn log-uniformly from [minCost, maxCost] ns per run.
// Natively an uncontended Lock/Unlock pair or a select with a default costs
// 15-30 ns, and a polling loop's iteration often several of those: the range
// spans tight code on a fast machine and loops on a loaded one. The bounds
// also keep pure setup work from disturbing exact timing (below).
//
// A switch (a goroutine blocks or ends and another runs) costs far more
// natively: the goroutine parks, the scheduler runs, and the woken one is
// resumed, 150-300 ns on one P and microseconds when a thread must be woken
// through the kernel. It is drawn on its own, log-uniformly from
// [minSwitch, maxSwitch] ns per run, so the ratio of handoffs to computation
// varies from seed to seed as it does from machine to machine. Charging a
// handoff what it costs natively is also what keeps a poller that blocks on
// each round trip with another goroutine (a consensus test's Status() loop)
// near its native wall time: at 4 points a switch it paid 64 ns of virtual
// time for a switch that costs the simulation 150-300 ns of wall time.
//
// The upper bounds keep sleepers exact (docs/design.md): a test that starts
// 1000 sleepers (2001 points for wg.Add and the go statements, 1001 blocks)
// costs at most 2001*128 + 1001*640 ns = 897 µs before its first 1 ms timer,
// and the 1000 sleepers going back to sleep at each instant at most 640 µs.
const (
	minCost   = 16
	maxCost   = 128
	minSwitch = 192
	maxSwitch = 640
)

// costFor is the virtual cost of a scheduling point in the run of seed.
//
//go:norace
func costFor(seed uint64) int64 {
	return logUniform(seed^0xd1b54a32d192ed03, minCost, maxCost)
}

// switchCostFor is the virtual cost of a switch in the run of seed, drawn
// independently of costFor's.
//
//go:norace
func switchCostFor(seed uint64) int64 {
	return logUniform(seed^0x8cb92ba72f3d8dd7, minSwitch, maxSwitch)
}

// logUniform maps z, through a splitmix64 finalizer, to an integer drawn
// log-uniformly from [lo, hi].
//
//go:norace
func logUniform(z uint64, lo, hi int64) int64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	u := float64(z>>11) / (1 << 53)
	c := int64(math.Round(float64(lo) * math.Exp2(u*math.Log2(float64(hi)/float64(lo)))))
	return min(max(c, lo), hi)
}

// spinLimit is, under SIM_TIME=exact, how many scheduling points the world
// takes at one instant, with a timer pending, before the clock moves to that
// timer anyway: goroutines spinning (polling an atomic or a channel with
// select-default, calling runtime.Gosched) while they wait for time to pass
// would otherwise wait forever. The count is the world's, since the clock
// last moved: a spinner that blocks briefly on each round trip with another
// goroutine (a Status() call to a node's loop) spins all the same.
const spinLimit = 1 << 20

// defaultLivelock is SIM_LIVELOCK's default: scheduling points in a row
// without any goroutine blocking, starting or ending. A spin-wait for a
// pending timer takes (its distance)/cost points, so at the lowest cost
// (16 ns) a spin of up to about 270 ms of virtual time fits, and at the
// highest (128 ns) one of 2 s.
const defaultLivelock = 1 << 24

// timeConfig is how a run treats time: SIM_TIME and SIM_LIVELOCK.
type timeConfig struct {
	exact    bool  // SIM_TIME=exact: computation costs no virtual time
	livelock int64 // SIM_LIVELOCK: points without progress before a livelock report
}

// armTime prepares the clock of a run of seed: per-point cost, no work
// done, bounds reset. Called once the timers carried over by arm are in
// place.
//
//go:norace
func (w *world) armTime(seed uint64, tc timeConfig) {
	w.cost, w.swCost = 0, 0
	if !tc.exact {
		w.cost, w.swCost = costFor(seed), switchCostFor(seed)
	}
	w.quietLimit = tc.livelock
	w.work, w.steps, w.quiet, w.quietJump, w.busy, w.busyJump, w.idleFires = 0, 0, 0, 0, 0, 0, 0
	w.moved()
	w.slipAt = maxWhen
	if when, ok := w.timers.earliest(); ok {
		w.slipAt = when
	}
}

// disarmTime turns slip off for the ambient world, where code runs outside
// every test (package init, TestMain) and nothing is explored.
//
//go:norace
func (w *world) disarmTime() {
	w.cost, w.swCost, w.quietLimit = 0, 0, 0
	w.work, w.steps, w.quiet, w.quietJump, w.busy, w.busyJump = 0, 0, 0, 0, 0, 0
}

// compute charges the running goroutine's scheduling point: the cost of
// the work since its last point, and the slip or spin bound it may reach.
// It runs at the top of point, after the settling and failure checks.
//
//go:norace
func (w *world) compute(me *g) {
	w.quiet++
	if w.busy++; w.quietLimit > 0 && w.busy > w.quietLimit {
		if w.busyJump == 0 && w.jumpQuiet(me) {
			return
		}
		if w.quiet-w.quietJump > w.quietLimit && (!w.alone() || w.quiet > loneFactor*w.quietLimit) {
			w.livelock(me, w.quiet-1, w.quietJump)
			return
		}
		if w.busy > loneFactor*w.quietLimit {
			w.livelock(me, w.busy-1, w.busyJump)
			return
		}
	}
	if w.cost > 0 {
		w.work += w.cost
		me.charge(w, w.cost)
		if w.now+w.work >= w.slipAt {
			w.slip(me)
		}
		return
	}
	if w.steps++; w.steps > spinLimit && w.timers.Len() > 0 {
		w.steps = 0
		w.advance()
		w.afterClock(me)
	}
}

// jumpQuiet moves the clock to the earliest pending timer once a quiet
// stretch has run for quietLimit points, and fires it: the spin waits for a
// timer further away than that much work (a 10 s deadline polled by loops
// whose points cost a few nanoseconds each), and natively the deadline comes.
// It reports false when no timer is pending: that stretch is a livelock.
//
//go:norace
func (w *world) jumpQuiet(me *g) bool {
	when, ok := w.timers.earliest()
	if !ok {
		return false
	}
	w.quietJump = w.quiet - 1 // the points of the stretch before the move
	w.busyJump = w.busy - 1
	if w.cost > 0 {
		if when > w.now+w.work {
			w.work = when - w.now
		}
		w.slip(me)
		return true
	}
	w.steps = 0
	w.advance()
	w.afterClock(me)
	return true
}

// slip fires every pending timer that the world's work since the clock last
// moved has reached, in order of instant, moving the clock to each; me is
// the running goroutine, which carries on (or yields to the root, when
// moving the clock failed the world).
//
//go:norace
func (w *world) slip(me *g) {
	w.slipTimers()
	w.afterClock(me)
}

// slipTimers is slip's loop, for callers with no running goroutine (a
// goroutine that has just blocked or ended, in pickNext).
//
//go:norace
func (w *world) slipTimers() {
	for {
		when, ok := w.timers.earliest()
		if !ok {
			w.slipAt = maxWhen
			return
		}
		if when > w.now+w.work {
			w.slipAt = when
			return
		}
		if when > w.now {
			w.work -= when - w.now
		}
		w.advance()
		if w.failure != nil {
			return
		}
	}
}

// switched charges a block or an exit: a goroutine parks and another runs,
// a step of the world like a scheduling point. It reports false when moving
// the clock failed the world.
//
//go:norace
func (w *world) switched() bool {
	if w.cost == 0 || w.settling {
		return true
	}
	w.work += w.swCost
	if me := cur; me != nil && me.w == w {
		me.charge(w, w.swCost)
	}
	if w.now+w.work >= w.slipAt {
		w.slipTimers()
	}
	return w.failure == nil
}

// charge adds d virtual ns to x's own computation since the clock moved.
//
//go:norace
func (x *g) charge(w *world, d int64) {
	if x.ownAt != w.epoch {
		x.own, x.ownAt = 0, w.epoch
	}
	x.own += d
}

// moved starts a new epoch: the clock moved (or a run was armed), and every
// goroutine's own computation and the offsets shown start again from 0.
//
//go:norace
func (w *world) moved() {
	w.epoch++
	w.seen = 0
}

// nowShown is the instant time.Now shows the running goroutine. The clock's
// instant (w.now) is always a timer's, but a goroutine that reads the clock
// again at the same instant sees its own computation since its last
// reading added: elapsed time around work with scheduling points is
// non-zero, as natively. The first reading at an instant shows the instant
// itself, so code that a timer wakes finds the clock at the timer's instant
// exactly, and two readings with nothing between them are equal. No reading
// is below one already shown at this instant (w.seen), whoever read it: the
// run is one sequence, so readings that happen before others are never
// later than them. Under SIM_TIME=exact and in a synctest bubble (where
// w.cost is 0) and in the ambient world, a reading adds no computation: it
// is the clock's instant, or the latest reading shown at it when a bubble
// began after readings with work in them.
//
//go:norace
func (w *world) nowShown() int64 {
	if w.cost == 0 || w.ambient {
		return w.now + w.seen
	}
	me := cur
	if me == nil || me.w != w {
		return w.now + w.seen
	}
	if me.ownAt != w.epoch {
		me.own, me.ownAt = 0, w.epoch
	}
	off := int64(0)
	if me.shownAt == w.epoch {
		off = me.shown + me.own - me.mark
	}
	if off < w.seen {
		off = w.seen
	} else {
		w.seen = off
	}
	me.shown, me.mark, me.shownAt = off, me.own, w.epoch
	return w.now + off
}

// armFrom is the instant a timer armed now counts from: the latest reading
// shown at this instant, so that a goroutine that reads the clock, sleeps
// for d and reads it again sees at least d, and sleepers that only sleep
// stay on exact instants.
//
//go:norace
func (w *world) armFrom() int64 {
	return w.now + w.seen
}

// afterClock hands control to the root when moving the clock failed the
// world (SIM_TIMELIMIT), as block does for a deadlock.
//
//go:norace
func (w *world) afterClock(me *g) {
	if w.failure == nil {
		return
	}
	if me == w.root {
		w.unwind(me)
	}
	w.ready(me)
	w.run(me, w.takeRoot())
}

// loneFactor is how many times SIM_LIVELOCK points a goroutine that runs
// alone may take before its quiet stretch is a livelock. Alone, nothing
// else can run, so it cannot be spinning while another goroutine makes no
// progress, the livelock the bound is for: it is either computing, which
// ends, or in a loop that never ends natively either. Tests of concurrent
// data structures compute that long: puzpuzpuz/xsync's
// TestMapAtomicSnapshot loads 10 million keys from one goroutine after
// its writers ended, about 30 million atomics (0.2 s natively). A lone
// endless loop is still reported, after 2^28 points by default (tens of
// seconds of wall time, within go test's own timeout).
const loneFactor = 16

// alone reports whether the running goroutine is the only one that can
// run: none is runnable and no native channel or context is watched
// (pollers and watchers: the world outside may wake one).
//
//go:norace
func (w *world) alone() bool {
	return len(w.runq) == 0 && len(w.pollers) == 0 && len(w.watchers) == 0
}

// progressed records that a goroutine blocked, started or ended: whatever
// the others do, the run is not a livelock.
//
//go:norace
func (w *world) progressed() { w.quiet, w.quietJump, w.busy, w.busyJump = 0, 0, 0, 0 }

// AtomicWrote records, when changed, that the running goroutine's atomic
// operation changed the value it wrote: progress that ends a quiet stretch
// (a writer at work while readers spin on its atomics), though not w.busy.
// simatomic calls it after each write; outside a simulation it does
// nothing.
//
//go:norace
func AtomicWrote(changed bool) {
	if w := cw; changed && w != nil {
		w.quiet, w.quietJump = 0, 0
	}
}

// earliest returns the earliest instant with a pending timer, dropping the
// instants of emptied buckets from the heap's top.
//
//go:norace
func (ts *timers) earliest() (int64, bool) {
	if raceEnabled && raceOffSimrt() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
		var when int64
		var ok bool
		raceUpcall(func() { when, ok = ts.earliest() })
		return when, ok
	}
	for len(ts.instants) > 0 {
		when := ts.instants[0]
		if _, ok := ts.buckets[when]; ok {
			return when, true
		}
		heap.Pop(&ts.instants)
	}
	return 0, false
}

// livelock fails the world: goroutines have kept running for quietLimit
// points without any of them blocking, starting or ending.
//
//go:norace
func (w *world) livelock(me *g, points, jumpedAfter int64) {
	if w.failure == nil {
		var b strings.Builder
		next := "no timer is pending"
		if when, ok := w.timers.earliest(); ok {
			next = fmt.Sprintf("the next timer is due at +%v", timeDuration(when-epochNanos))
		}
		if jumpedAfter > 0 {
			next = fmt.Sprintf("the clock moved to the next timer after %d of them without ending it; %s", jumpedAfter, next)
		}
		b.WriteString("simrt: " + w.header(fmt.Sprintf(
			"livelock: %d scheduling points in a row without any goroutine blocking, starting or ending, and %s (SIM_LIVELOCK=%d; raise it if this much spinning is intended)",
			points, next, w.quietLimit)) + "\n\n")
		stacks := goroutineStacks()
		for _, x := range w.liveSorted() {
			w.describe(&b, x, stacks)
		}
		w.writeRecent(&b)
		w.failure = &failure{kind: "livelock", report: b.String()}
	}
	if me == w.root {
		w.unwind(me)
	}
	w.ready(me)
	w.run(me, w.takeRoot())
}

// TimeExact reports whether the running world runs under SIM_TIME=exact
// (or no world runs): computation and I/O then cost no virtual time, and
// simnet's loopback has no latency.
//
//go:norace
func TimeExact() bool {
	w := cw
	return w == nil || w.ambient || w.cost == 0
}

// deadTickers reports, after the clock moved with nothing runnable, whether
// the world is deadlocked with only tickers left: every pending timer is a
// ticker whose channel is full and has no receiver waiting, so each tick is
// dropped and nothing can ever become runnable (a ticker case that lost its
// goroutine to a lock, say). Without this the clock would tick on towards
// SIM_TIMELIMIT, a million dropped ticks at a time. It records the deadlock.
// The scan runs after 1024 fruitless moves in a row, then at every power of
// two, so a long idle stretch of live timers costs next to nothing.
//
//go:norace
func (w *world) deadTickers() bool {
	if len(w.runq) > 0 || len(w.idleq.q) > 0 {
		w.idleFires = 0
		return false
	}
	w.idleFires++
	if w.idleFires < 1024 || w.idleFires&(w.idleFires-1) != 0 || len(w.pollers) > 0 || len(w.watchers) > 0 {
		return false
	}
	for _, b := range w.timers.buckets {
		for _, t := range b.ts {
			if t.kind != tkChan || t.period == 0 || t.c.count < len(t.c.buf) || t.c.recvq.first != nil {
				return false
			}
		}
	}
	w.deadlockWhy("deadlock: every simulated goroutine is blocked, and the only pending timers are tickers whose values nobody receives")
	return true
}
