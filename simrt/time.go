package simrt

// This file is the virtual clock: Now, Sleep, timers and tickers, with the
// timer-channel semantics the program would have natively (runtime/time.go
// is the model): Go 1.23's synchronous channels, or, under
// asynctimerchan=1 (a module whose go line is before 1.23, or GODEBUG), the
// buffered channels of Go 1.22 and before.
//
// Invariants:
//   - A test's clock starts at Epoch, the process's (initialization,
//     TestMain) a millisecond before it. It moves only in advance, which
//     runs when no goroutine is runnable, or when the world's computation
//     reaches the next timer (slip.go); it jumps straight to the next
//     timer's instant.
//   - A timer is in w.timers exactly when its idx is >= 0.
//   - Timers due at the same instant fire in an order drawn from the seed.
//   - A timer's channel has a buffer of one. Under synchronous semantics
//     user code never sees it (len and cap are 0), and Stop and Reset drain
//     it, so no stale value is received after they return. Under
//     asynctimerchan=1 it is a plain buffered channel: len shows a fired
//     value, and Stop and Reset leave it there.
//
// Independence (dpor.go): creating, stopping or resetting a timer touches
// the world's timer queue (w.timers) and nothing else; Stop and Reset also
// touch the timer's channel, which they drain. Timer operations commute
// with every operation but each other and the clock: their order decides
// the order of timers due at one instant and when slip fires them. Now and
// Since read the clock (w.now). Under exhaustive exploration the clock
// moves in events of its own (exhaustive.go, tick), which write the clock
// and the timer queue and touch the channel of each timer they fire; a
// fired callback run inline (tkCall: a context's deadline) makes the move
// global. Elsewhere a clock move makes the event it happens in global. A
// Sleep touches the queue as it starts and nothing as it resumes.

import (
	"container/heap"
	"math"
	"runtime"
	"sort"
	"sync"
	"time"
)

// Epoch is the instant every simulation's clock starts at:
// 2000-01-01 00:00:00 UTC.
var Epoch = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

var epochNanos = Epoch.UnixNano()

// initNanos is where the process's clock stands before any test's world
// runs (package initialization, TestMain before m.Run): a millisecond
// before Epoch. Natively a process starts before its tests do, so an
// instant read at initialization (var start = time.Now()) is strictly
// before every instant a test reads; jackc/puddle measures its resources'
// last use as time.Since such a start and its tests want it positive.
var initNanos = epochNanos - int64(time.Millisecond)

type timerKind uint8

const (
	tkSleep timerKind = iota
	tkChan
	tkFunc
	tkCall // internal: f runs inline when the clock reaches the timer
)

type timer struct {
	when   int64
	period int64 // tickers
	idx    int   // index in its bucket's list, -1 when not scheduled
	kind   timerKind
	g      *g               // tkSleep
	c      *Chan[time.Time] // tkChan
	f      func()           // tkFunc, tkCall
	pc     uintptr          // where AfterFunc was called, for its goroutine
	w      *world
	serial uint64 // creation order in its world
	daemon bool   // made by a daemon or the ambient world: moves with them
	node   NodeID // the machine whose goroutine made it (machine.go)
}

// timers holds a world's pending timers in buckets, one per instant, with
// a heap of the instants: many timers often share an instant (sleepers woken
// together), and a bucket takes them in O(1).
type timers struct {
	buckets  map[int64]*bucket
	instants instantHeap // may hold instants whose bucket has emptied
	n        int         // scheduled timers
	last     *bucket     // the bucket added to last: sleepers hit it again and again
	free     []*bucket   // emptied buckets, reused (a lone sleeper empties one per sleep)
}

type bucket struct {
	when int64
	ts   []*timer
}

type instantHeap []int64

//go:norace
func (h instantHeap) Len() int { return len(h) }

//go:norace
func (h instantHeap) Less(i, j int) bool { return h[i] < h[j] }

//go:norace
func (h instantHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }

//go:norace
func (h *instantHeap) Push(x any) { *h = append(*h, x.(int64)) }

//go:norace
func (h *instantHeap) Pop() any {
	old := *h
	n := len(old) - 1
	x := old[n]
	*h = old[:n]
	return x
}

// sortTimers orders timers by instant, then creation.
//
//go:norace
func sortTimers(ts []*timer) {
	sort.Slice(ts, func(i, j int) bool {
		if ts[i].when != ts[j].when {
			return ts[i].when < ts[j].when
		}
		return ts[i].serial < ts[j].serial
	})
}

// Len is the number of scheduled timers.
//
//go:norace
func (ts *timers) Len() int { return ts.n }

//go:norace
func (w *world) addTimer(t *timer) {
	if raceEnabled && raceOffSimrt() { // -race: timers sit in a map, touched on the simrt thread (racecoro.go)
		raceArm(t)
		raceUpcall(func() { w.addTimer(t) })
		return
	}
	if t.serial == 0 {
		w.serials++
		t.serial = w.serials
		t.daemon = w.ambient || (cur != nil && cur.w == w && cur.daemon)
		if cur != nil && cur.w == w {
			t.node = cur.node
		}
	}
	t.w = w
	ts := &w.timers
	b := ts.last
	if b == nil || b.when != t.when {
		if ts.buckets == nil {
			ts.buckets = make(map[int64]*bucket)
		}
		b = ts.buckets[t.when]
		if b == nil {
			if n := len(ts.free); n > 0 {
				b = ts.free[n-1]
				ts.free = ts.free[:n-1]
				b.when = t.when
			} else {
				b = &bucket{when: t.when}
			}
			ts.buckets[t.when] = b
			heap.Push(&ts.instants, t.when)
		}
		ts.last = b
	}
	t.idx = len(b.ts)
	b.ts = append(b.ts, t)
	ts.n++
	if t.when < w.slipAt {
		w.slipAt = t.when
	}
}

//go:norace
func (w *world) delTimer(t *timer) bool {
	if raceEnabled && raceOffSimrt() { // -race: timers sit in a map, touched on the simrt thread (racecoro.go)
		var ok bool
		raceUpcall(func() { ok = w.delTimer(t) })
		return ok
	}
	if t.idx < 0 || t.w != w {
		return false
	}
	if w.xr != nil && t.when < maxWhen {
		w.xr.timerRemoved()
	}
	ts := &w.timers
	b := ts.buckets[t.when]
	last := len(b.ts) - 1
	if t.idx != last {
		b.ts[t.idx] = b.ts[last]
		b.ts[t.idx].idx = t.idx
	}
	b.ts[last] = nil
	b.ts = b.ts[:last]
	if last == 0 {
		delete(ts.buckets, t.when) // its instant stays in the heap until popped
		if ts.last == b {
			ts.last = nil
		}
	}
	t.idx = -1
	ts.n--
	return true
}

// maxWhen is the instant of a timer too far away for the clock: it never
// fires (Go's runtime saturates a timer's when the same way).
const maxWhen = math.MaxInt64

// deadline is the instant d after now. It saturates at maxWhen: a duration
// too long for the clock (time.Duration(math.MaxInt64), a common "never")
// must not wrap around into the past and fire at once.
//
//go:norace
func deadline(now int64, d time.Duration) int64 {
	if d <= 0 {
		return now
	}
	if when := now + int64(d); when >= now {
		return when
	}
	return maxWhen
}

// unixNanos is t as an instant of the clock, saturated at maxWhen (t.UnixNano
// is undefined past the year 2262).
//
//go:norace
func unixNanos(t time.Time) int64 {
	if t.After(time.Unix(0, maxWhen)) {
		return maxWhen
	}
	return t.UnixNano()
}

// advance moves the clock to the earliest timer and fires every timer due
// then, in seeded order.
//
//go:norace
func (w *world) advance() {
	if raceEnabled && raceOffSimrt() { // -race: timers sit in a map, touched on the simrt thread (racecoro.go)
		raceUpcall(w.advance)
		return
	}
	ts := &w.timers
	var batch []*timer
	for len(ts.instants) > 0 {
		when := heap.Pop(&ts.instants).(int64)
		if b, ok := ts.buckets[when]; ok {
			delete(ts.buckets, when)
			if ts.last == b {
				ts.last = nil
			}
			batch = append(w.batch[:0], b.ts...)
			clear(b.ts)
			b.ts = b.ts[:0]
			ts.free = append(ts.free, b)
			if when > w.now {
				w.now = when
				w.moved()
			}
			break
		}
	}
	ts.n -= len(batch)
	for _, t := range batch {
		t.idx = -1
	}
	w.steps = 0
	w.slipAt = maxWhen
	if len(ts.instants) > 0 {
		w.slipAt = ts.instants[0]
	}
	if w.limit > 0 && w.now > w.limit && !w.ambient {
		w.timeLimit()
		return
	}
	w.dec.event(evClock, int(w.now-epochNanos))
	if len(batch) > 1 {
		w.rng.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
		w.dec.event(evTimer, len(batch))
	}
	for _, t := range batch {
		w.fire(t)
	}
	clear(batch)
	w.batch = batch[:0]
}

//go:norace
func (w *world) fire(t *timer) {
	raceFire(t)
	if w.trace != nil {
		w.trace.timerFire(t)
	}
	switch t.kind {
	case tkSleep:
		if t.g.status == gBlocked {
			w.wakeUp(t.g)
		}
	case tkChan:
		w.touch(t.c)
		if t.period > 0 {
			t.when = deadline(t.when, time.Duration(t.period))
			w.addTimer(t)
		}
		c := t.c
		if c.recvq.first != nil || c.count < len(c.buf) {
			c.trySend(w, time.Unix(0, w.now))
		}
		// A full buffer means an unreceived tick: Go drops the new one.
	case tkFunc:
		x := w.spawn(t.f, t.pc)
		x.node = t.node
		w.dec.event(evSpawn, x.id)
	case tkCall:
		w.global() // f (a context's cancel, a machine's restart) touches what it likes
		t.f()
	}
}

// Now is time.Now on the virtual clock. Outside a simulation it is a
// millisecond before Epoch (initNanos).
//
//go:norace
func Now() time.Time {
	if w := cw; w != nil {
		w.touch(reading{&w.now})
		return time.Unix(0, w.nowShown())
	}
	if w := ambientW; w != nil {
		return time.Unix(0, w.now)
	}
	return time.Unix(0, initNanos)
}

// Since is time.Since on the virtual clock.
//
//go:norace
func Since(t time.Time) time.Duration { return Now().Sub(t) }

// Until is time.Until on the virtual clock.
//
//go:norace
func Until(t time.Time) time.Duration { return t.Sub(Now()) }

// Sleep is time.Sleep on the virtual clock. Outside a simulation it sleeps
// for real.
//
//go:norace
func Sleep(d time.Duration) {
	w := cw
	if w == nil {
		w = enterAmbient()
		defer leaveAmbient()
	}
	if d <= 0 {
		w.on(nil)
		w.point()
		return
	}
	// No scheduling point first: the sleep itself blocks, and that is a
	// decision.
	me := cur
	t := &me.sleep
	*t = timer{when: deadline(w.armFrom(), d), kind: tkSleep, g: me}
	me.wakeTime = t.when
	w.addTimer(t)
	w.touch(&w.timers)
	w.on(nil)
	w.block("sleep")
}

// Timer is time.Timer on the virtual clock.
type Timer struct {
	// C delivers the time when the timer fires (nil for AfterFunc timers).
	C *Chan[time.Time]
	t timer
}

// timerChan passes a scheduling point and makes a timer's channel: a
// buffer of one, hidden (len and cap 0) under synchronous semantics.
//
//go:norace
func (w *world) timerChan() *Chan[time.Time] {
	w.on(&w.timers)
	w.point()
	c := MakeChan[time.Time](1)
	c.timer = !asyncTimerChan()
	return c
}

// asyncTimerChan reports whether the program runs with asynctimerchan=1:
// the Go 1.22 timer channels, the default of a main module whose go line is
// before 1.23, or set by a //go:debug line, a godebug block of go.mod, or
// GODEBUG. It asks the real time package, which has resolved all of those
// as Go does: its timer channels have capacity 1 exactly then.
var asyncTimerChan = sync.OnceValue(func() bool {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	return cap(t.C) == 1
})

// NewTimer is time.NewTimer.
//
//go:norace
func NewTimer(d time.Duration) *Timer {
	w := cw
	if w == nil {
		w = enterAmbient()
		defer leaveAmbient()
	}
	c := w.timerChan()
	tm := &Timer{C: c}
	tm.t = timer{when: deadline(w.armFrom(), d), kind: tkChan, c: c, idx: -1}
	w.addTimer(&tm.t)
	return tm
}

// After is time.After.
//
//go:norace
func After(d time.Duration) *Chan[time.Time] { return NewTimer(d).C }

// AfterFunc is time.AfterFunc: f runs in its own simulated goroutine.
//
//go:norace
func AfterFunc(d time.Duration, f func()) *Timer {
	w := cw
	if w == nil {
		w = enterAmbient()
		defer leaveAmbient()
	}
	var pc [1]uintptr
	runtime.Callers(2, pc[:])
	w.on(&w.timers)
	w.point()
	tm := &Timer{}
	tm.t = timer{when: deadline(w.armFrom(), d), kind: tkFunc, f: f, pc: pc[0], idx: -1}
	w.addTimer(&tm.t)
	return tm
}

// drain empties a timer channel's hidden buffer and reports whether it held
// an unreceived value. Under asynctimerchan=1 the buffer is the program's
// own, and Stop and Reset leave it alone, as Go 1.22 does.
//
//go:norace
func drain(c *Chan[time.Time]) bool {
	if c == nil || c.count == 0 || !c.timer {
		return false
	}
	c.buf[c.head] = time.Time{}
	c.head = 0
	c.count = 0
	return true
}

// Stop prevents the timer from firing. It reports whether the call stopped
// it: as in Go 1.23+, a fired timer whose value was not yet received counts
// as stopped, and the value is discarded; under asynctimerchan=1 the value
// stays in the channel and Stop reports false.
//
//go:norace
func (t *Timer) Stop() bool {
	_, pending := t.unschedule("Stop")
	return pending
}

// unschedule takes the timer off the clock and drains its channel, after a
// scheduling point, and reports whether it was pending (Stop's meaning).
//
//go:norace
func (t *Timer) unschedule(method string) (*world, bool) {
	if t.t.w == nil {
		panic("time: " + method + " called on uninitialized Timer")
	}
	w := t.t.w
	if cw == w {
		w.onTimer(t.C)
		w.point()
	}
	pending := w.delTimer(&t.t)
	if drain(t.C) {
		pending = true
	}
	return w, pending
}

// Reset changes the timer to fire after d. It reports whether the timer had
// been active (with Stop's meaning of active).
//
//go:norace
func (t *Timer) Reset(d time.Duration) bool {
	w, pending := t.unschedule("Reset")
	t.t.when = deadline(w.armFrom(), d)
	w.addTimer(&t.t)
	return pending
}

// onTimer states that the coming operation touches the timer queue and
// the timer's channel c (nil for AfterFunc), for the reduction.
//
//go:norace
func (w *world) onTimer(c *Chan[time.Time]) {
	w.on(&w.timers)
	if c != nil {
		w.onAlso(c)
	}
}

// Ticker is time.Ticker on the virtual clock.
type Ticker struct {
	// C delivers the ticks.
	C *Chan[time.Time]
	t timer
}

// NewTicker is time.NewTicker.
//
//go:norace
func NewTicker(d time.Duration) *Ticker {
	if d <= 0 {
		panic("non-positive interval for NewTicker")
	}
	w := cw
	if w == nil {
		w = enterAmbient()
		defer leaveAmbient()
	}
	c := w.timerChan()
	tk := &Ticker{C: c}
	tk.t = timer{when: deadline(w.armFrom(), d), period: int64(d), kind: tkChan, c: c, idx: -1}
	w.addTimer(&tk.t)
	return tk
}

// Tick is time.Tick.
//
//go:norace
func Tick(d time.Duration) *Chan[time.Time] {
	if d <= 0 {
		return nil
	}
	return NewTicker(d).C
}

// Stop turns off the ticker. No more ticks are sent, and an unreceived one
// is discarded.
//
//go:norace
func (t *Ticker) Stop() {
	if t.t.w == nil {
		return
	}
	w := t.t.w
	if cw == w {
		w.onTimer(t.C)
		w.point()
	}
	w.delTimer(&t.t)
	drain(t.C)
}

// Reset stops the ticker and resets its period to d; the next tick arrives
// after d.
//
//go:norace
func (t *Ticker) Reset(d time.Duration) {
	if d <= 0 {
		panic("non-positive interval for Ticker.Reset")
	}
	if t.t.w == nil {
		panic("time: Reset called on uninitialized Ticker")
	}
	w := t.t.w
	if cw == w {
		w.onTimer(t.C)
		w.point()
	}
	w.delTimer(&t.t)
	drain(t.C)
	t.t.period = int64(d)
	t.t.when = deadline(w.armFrom(), d)
	w.addTimer(&t.t)
}
