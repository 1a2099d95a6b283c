package simrt

// This file is the partial-order reduction of exhaustive exploration
// (exhaustive.go): dynamic partial-order reduction after Flanagan and
// Godefroid (POPL 2005), made sound under a preemption bound as Coons,
// Musuvathi and McKinley do in "Bounded partial-order reduction" (OOPSLA
// 2013).
//
// An event is what one goroutine does between two decisions: it begins
// where the scheduler hands it control and ends at its next scheduling
// point, block or exit. Each event carries the objects it touched. Two
// events are dependent when they touch a common object, or when either is
// global; events of one goroutine are ordered. Each primitive states, next
// to its invariants, which object its operation touches (its independence
// relation): an operation made after its scheduling point calls on(obj)
// just before the point ("the event that resumes here touches obj"); one
// made before its point (Unlock) calls touch(obj) then on(nil); a block
// calls on(obj) before it, since the woken goroutine looks at the object
// again. An operation that says nothing is global: dependent on everything. That is the safe default, so
// a primitive without a statement costs reduction, never soundness. Clock
// moves, timer firings and native waits make the event they happen in
// global.
//
// Dependent events are ordered by happens-before, kept as vector clocks
// (index: goroutine id, value: 1 + the index of the latest event of that
// goroutine known to precede). When an event e of goroutine p ends, every
// earlier dependent event e' of another goroutine that does not happen
// before p's previous event is a race: the order of e' and e could be
// reversed. Flanagan-Godefroid then asks the node where e' began to also
// try p (or every goroutine enabled there, if p was not). Checking only the
// last event per object (and the last event per goroutine, for a global e)
// suffices: an earlier one happens before that last one.
//
// Naive DPOR under a preemption bound is unsound: the reversal it asks for
// at e' may need a preemption the bound forbids, while the same reordering
// was reachable within the bound by switching to p earlier, where the
// goroutine of e' was switched in. Following Coons et al., each race also
// asks the node where the run of e''s goroutine began (seg) to try p there.
//
// Sleep sets (sleep.go) keep a run from choosing a goroutine whose next
// event was explored at an earlier sibling and commutes with everything
// since, when the bound allows it.
//
// Invariants:
//   - events[i].clock is set once event i has ended (finish); an event's
//     node and seg index the explorer's stack, which keeps every node of
//     the current run until it ends.
//   - A goroutine's first event starts from the clock of the event that
//     spawned it, so a spawn happens before everything the child does.

import "slices"

// xevent is one event of the run.
type xevent struct {
	g      int
	node   int    // the pick node at which it began; -1: a decision with one choice
	seg    int    // the pick node at which g's run of events began; -1 as for node
	objs   []any  // objects touched
	global bool   // dependent on every event
	stop   bool   // it ended with g blocked or exited, not at a scheduling point
	clock  vclock // set when it ends
}

// vclock is a vector clock indexed by goroutine id.
type vclock []int32

//go:norace
func (c vclock) get(id int) int32 {
	if id < len(c) {
		return c[id]
	}
	return 0
}

//go:norace
func (c vclock) join(d vclock) vclock {
	if len(d) > len(c) {
		c = append(c, make(vclock, len(d)-len(c))...)
	}
	for i, v := range d {
		if v > c[i] {
			c[i] = v
		}
	}
	return c
}

//go:norace
func (c vclock) set(id int, v int32) vclock {
	if id >= len(c) {
		c = append(c, make(vclock, id+1-len(c))...)
	}
	c[id] = v
	return c
}

// carried is the access a goroutine's next event starts with: the
// operation at the point where it gave up control.
type carried struct {
	objs   []any
	global bool
}

// dporRun is the reduction's view of one run.
type dporRun struct {
	r         *xrun
	events    []xevent
	cur       int // the running goroutine's event; -1 before the first
	annotated bool
	annObjs   []any           // the objects of the on calls since the last decision
	carry     map[int]carried // per goroutine, for its next event
	spawnEv   map[int]int     // goroutine -> the event that spawned it
	thread    map[int]vclock  // clock of each goroutine's last ended event
	lastEv    map[int]int     // each goroutine's last ended event
	lastObj   map[any]int     // the last ended event that wrote each object
	objClk    map[any]vclock
	reads     map[any]map[int]int // per object, each goroutine's last event that read it since it was last written
	readClk   map[any]vclock      // per object, the join of those reads' clocks
	lastGlob  int                 // the last ended global event, -1: none
	globClk   vclock
	allClk    vclock    // join of every ended event's clock
	finished  int       // events[:finished] have ended
	sleep     []sleeper // the sleep set: goroutines whose next event is covered elsewhere
	cutEv     int       // the run is sleep-blocked from this event on (no races); -1: not
}

//go:norace
func newDporRun(r *xrun) *dporRun {
	return &dporRun{
		r:        r,
		cur:      -1,
		carry:    make(map[int]carried),
		spawnEv:  make(map[int]int),
		thread:   make(map[int]vclock),
		lastEv:   make(map[int]int),
		lastObj:  make(map[any]int),
		objClk:   make(map[any]vclock),
		reads:    make(map[any]map[int]int),
		readClk:  make(map[any]vclock),
		lastGlob: -1,
		cutEv:    -1,
	}
}

// spawned notes the event in which x was created.
//
//go:norace
func (d *dporRun) spawned(x *g) {
	if d.cur >= 0 {
		d.spawnEv[x.id] = d.cur
	}
}

// opGlobal, given to on, says that the operation is dependent on every
// other: the default for a point or block without on.
var opGlobal any = new(struct{ global byte })

// on states that the operation at the running goroutine's coming
// scheduling point or block touches obj once it is resumed (nil: no shared
// object; the operation, if any, was done before the point and touched).
//
//go:norace
func (d *dporRun) on(obj any) {
	if obj == opGlobal {
		d.annotated, d.annObjs = false, nil
		return
	}
	d.annotated = true
	d.annObjs = d.annObjs[:0]
	if obj != nil {
		d.annObjs = append(d.annObjs, obj)
	}
}

// onAlso adds obj to what the coming operation touches, after on (a
// select touches each of its channels).
//
//go:norace
func (d *dporRun) onAlso(obj any) {
	if !d.annotated || obj == nil {
		return
	}
	if obj == opGlobal {
		d.annotated, d.annObjs = false, nil
		return
	}
	d.annObjs = append(d.annObjs, obj)
}

// touch adds obj to the running event.
//
//go:norace
func (d *dporRun) touch(obj any) {
	if d.cur < 0 || obj == nil {
		return
	}
	e := &d.events[d.cur]
	for _, o := range e.objs {
		if o == obj {
			return
		}
	}
	e.objs = append(e.objs, obj)
}

// global makes the running event dependent on every other.
//
//go:norace
func (d *dporRun) global() {
	if d.cur >= 0 {
		d.events[d.cur].global = true
	}
}

// decision is called as the running goroutine me reaches a decision: the
// access of the operation there goes into the next event of me (or, when
// global, into both). stop says that me blocked or exited: it cannot go on.
//
//go:norace
func (d *dporRun) decision(me *g, stop bool) {
	if me == nil {
		return
	}
	if d.cur >= 0 && d.events[d.cur].g == me.id {
		d.events[d.cur].stop = stop
	}
	w := d.r.w
	switch {
	case d.annotated:
		d.carry[me.id] = carried{objs: d.annObjs}
		d.annObjs = nil // the carry owns it now
	case me.status == gDone, w.settling && me == w.root:
		// An exit, or the end of the test's body: no operation.
		d.carry[me.id] = carried{}
	default:
		d.global()
		d.carry[me.id] = carried{global: true}
	}
	d.annotated, d.annObjs = false, d.annObjs[:0]
}

// cont notes that the running goroutine goes on, with no alternative, in
// the same event: the operation at the point, which decision set aside for
// me's next event, is done in this one. (Dropping it lost the access of
// every operation at a point where no other goroutine could run, such as a
// select polled by the last goroutine left: the reduction then took it to
// commute with everything.)
//
//go:norace
func (d *dporRun) cont(me *g) {
	c, ok := d.carry[me.id]
	if !ok {
		return
	}
	delete(d.carry, me.id)
	if c.global {
		d.global()
	}
	for _, o := range c.objs {
		d.touch(o)
	}
}

// start begins the event of next, chosen at node (-1: no alternatives).
// A goroutine that goes on without a node keeps its event.
//
//go:norace
func (d *dporRun) start(next *g, node int) {
	if d.cur >= 0 && d.events[d.cur].g == next.id && node < 0 {
		return
	}
	seg := node
	if d.cur >= 0 {
		prev := &d.events[d.cur]
		if prev.g == next.id {
			seg = prev.seg
		}
	}
	d.finishAll()
	e := xevent{g: next.id, node: node, seg: seg}
	if c, ok := d.carry[next.id]; ok {
		e.global = c.global
		e.objs = append(e.objs, c.objs...)
		delete(d.carry, next.id)
	}
	d.events = append(d.events, e)
	d.cur = len(d.events) - 1
}

// flush ends the last event of the run.
//
//go:norace
func (d *dporRun) flush() {
	d.cur = -1
	d.finishAll()
}

// finishAll ends every event before the running one.
//
//go:norace
func (d *dporRun) finishAll() {
	end := len(d.events)
	if d.cur >= 0 {
		end = d.cur + 1
	}
	for ; d.finished < end; d.finished++ {
		d.finish(d.finished)
	}
}

// finish ends event i: it looks for races with earlier events, then sets
// its clock.
//
//go:norace
func (d *dporRun) finish(i int) {
	e := &d.events[i]
	p := e.g
	before, ok := d.thread[p]
	if !ok {
		if s, ok := d.spawnEv[p]; ok {
			before = d.events[s].clock
		}
	}
	d.wake(e)
	race := func(j int) {
		if j < 0 || (d.cutEv >= 0 && i >= d.cutEv) {
			return
		}
		o := &d.events[j]
		if o.g == p || before.get(o.g) > int32(j) {
			return // the same goroutine, or it happens before
		}
		d.backtrack(o.node, p)
		d.backtrack(o.seg, p)
	}
	clock := append(vclock(nil), before...)
	if e.global {
		for q, j := range d.lastEv {
			if q != p {
				race(j)
			}
		}
		race(d.lastGlob)
		clock = clock.join(d.allClk)
	} else {
		for _, a := range e.objs {
			obj, read := access(e, a)
			if obj == nil {
				continue
			}
			if j, ok := d.lastObj[obj]; ok {
				race(j)
			}
			clock = clock.join(d.objClk[obj])
			if !read {
				for _, j := range d.reads[obj] {
					race(j)
				}
				clock = clock.join(d.readClk[obj])
			}
		}
		race(d.lastGlob)
		clock = clock.join(d.globClk)
	}
	clock = clock.set(p, int32(i)+1)
	e.clock = clock
	d.thread[p] = clock
	d.lastEv[p] = i
	if e.global {
		d.lastGlob, d.globClk = i, clock
	} else {
		for _, a := range e.objs {
			obj, read := access(e, a)
			switch {
			case obj == nil:
			case read:
				rs := d.reads[obj]
				if rs == nil {
					rs = make(map[int]int)
					d.reads[obj] = rs
				}
				rs[p] = i
				d.readClk[obj] = d.readClk[obj].join(clock)
			default:
				d.lastObj[obj] = i
				d.objClk[obj] = clock
				delete(d.reads, obj)
				delete(d.readClk, obj)
			}
		}
	}
	d.allClk = d.allClk.join(clock)
}

// clockRace is a clock move that did not happen: the clock could move now,
// and would be dependent on every event (a global event), so each event
// not known to precede the clock's last move races with it, the running
// one included.
//
//go:norace
func (d *dporRun) clockRace() {
	d.finishAll()
	if d.cutEv >= 0 {
		return
	}
	before := d.thread[clockChoice]
	race := func(j int) {
		o := &d.events[j]
		if o.g == clockChoice || before.get(o.g) > int32(j) {
			return
		}
		d.backtrack(o.node, clockChoice)
		d.backtrack(o.seg, clockChoice)
	}
	for _, j := range d.lastEv {
		race(j)
	}
	if d.cur >= 0 {
		race(d.cur)
	}
}

// reading wraps an object that an operation only reads: two reads of one
// object commute, a read and a write of it do not (an RWMutex's read locks,
// a sync.Map's Load, a Once already done).
type reading struct{ obj any }

// access is the object of access a of event e and whether a only reads it;
// a nil object when e also writes what a reads (the write is the access).
//
//go:norace
func access(e *xevent, a any) (obj any, read bool) {
	r, ok := a.(reading)
	if !ok {
		return a, false
	}
	for _, b := range e.objs {
		if b == r.obj {
			return nil, false
		}
	}
	return r.obj, true
}

// backtrack asks node to also try goroutine p, or, if p could not run
// there, every goroutine that could.
//
//go:norace
func (d *dporRun) backtrack(node, p int) {
	if node < 0 {
		return
	}
	x := d.r.x
	if node >= len(x.stack) {
		return
	}
	n := &x.stack[node]
	if n.kind != nodePick {
		return
	}
	if p == clockChoice {
		// The clock is enabled once the world has computed enough
		// (exhaustive.go, clockEnabled), and stays so along the run
		// until it moves: it moves at the first node from here where it
		// could.
		for i := node; i < len(x.stack); i++ {
			if m := &x.stack[i]; m.kind == nodePick && slices.Contains(m.enabled, clockChoice) {
				m.addTodo(clockChoice)
				return
			}
		}
		return
	}
	for _, id := range n.enabled {
		if id == p {
			n.addTodo(p)
			return
		}
	}
	for _, id := range n.enabled {
		n.addTodo(id)
	}
}

// on states, for the reduction, which object the running goroutine's
// operation at its coming scheduling point or block touches (see dpor.go's
// header). It costs one test outside exhaustive exploration.
//
//go:norace
func (w *world) on(obj any) {
	if r := w.xr; r != nil && r.dp != nil {
		r.dp.on(obj)
	}
}

// onAlso adds obj to the objects of the coming operation, after on.
//
//go:norace
func (w *world) onAlso(obj any) {
	if r := w.xr; r != nil && r.dp != nil {
		r.dp.onAlso(obj)
	}
}

// touch adds obj to the running goroutine's event, for state changed with
// no scheduling point of its own.
//
//go:norace
func (w *world) touch(obj any) {
	if r := w.xr; r != nil && r.dp != nil {
		r.dp.touch(obj)
	}
}

// onState is on(obj) (on(reading{obj}) for a read) for a primitive whose
// state is a value the program can copy (a Mutex, RWMutex, WaitGroup or
// Once): *home is the address at which the state was last operated on,
// kept only under the reduction.
//
// A copy of such a value (c := *s of a struct with a mutex in it: go vet's
// copylocks) reads the state with a plain memory read that no primitive
// reports, yet what it reads depends on the order of the original's
// operations, reads included (a read lock counts its readers): a copy
// taken while another goroutine holds the lock is locked. So the copy's
// first operation writes the original (home !=
// obj) in the running event, which is the one that made the copy when no
// scheduling point lies between the copy and that operation; otherwise the
// copy was made earlier in the same goroutine, whose next event at the
// race's backtrack point then still comes before the copy. A copy made
// before the original's first operation carries no home: it cannot be
// told from a fresh value. For that case, the first operation on a state
// with no home touches one more object, freshState, both in the running
// event and in the operation's own: every such first operation depends on
// every other, so the original's first operation and the copy's order is
// explored both ways. That costs a little reduction, once per object.
//
//go:norace
func onState[T any](w *world, obj *T, home **T, read bool) {
	r := w.xr
	if r == nil || r.dp == nil {
		return
	}
	if read {
		r.dp.on(reading{obj})
	} else {
		r.dp.on(obj)
	}
	switch h := *home; h {
	case obj:
	case nil:
		r.dp.touch(freshState)
		r.dp.onAlso(freshState)
	default:
		r.dp.touch(h)
	}
	*home = obj
}

// touchState is touch(obj) for a primitive with a home (onState), for an
// operation with no scheduling point before it.
//
//go:norace
func touchState[T any](w *world, obj *T, home **T, read bool) {
	r := w.xr
	if r == nil || r.dp == nil {
		return
	}
	if read {
		r.dp.touch(reading{obj})
	} else {
		r.dp.touch(obj)
	}
	switch h := *home; h {
	case obj:
	case nil:
		r.dp.touch(freshState)
	default:
		r.dp.touch(h)
	}
	*home = obj
}

// freshState is the object every first operation on a state with no home
// touches (onState).
var freshState any = new(struct{ fresh byte })

// event is the decision log's hook: clock moves, timer firings, native
// waits and crashes change state no annotation covers.
//
//go:norace
func (r *xrun) event(k evKind) {
	if r.dp == nil {
		return
	}
	switch k {
	case evClock, evTimer:
		d := r.dp
		if d.cur >= 0 && d.events[d.cur].g == clockChoice {
			// The clock's own event (exhaustive.go, tick): it writes the
			// clock and the timer queue; fire adds what the timers touch.
			d.touch(&r.w.timers)
			d.touch(&r.w.now)
			return
		}
		d.global()
	case evNativeWait, evCrash:
		r.dp.global()
	}
}

// global makes the running event dependent on every other, for state
// changed that no object names (a timer's callback run inline).
//
//go:norace
func (w *world) global() {
	if r := w.xr; r != nil && r.dp != nil {
		r.dp.global()
	}
}
