package simrt

// This file is the sleep sets of exhaustive exploration's reduction
// (dpor.go), after Godefroid: once a node's choice p has been explored,
// with everything below it, a sibling choice explored later puts p to
// sleep, and p is not chosen again along that sibling's runs until an
// event dependent on p's next event happens. Any run that chooses p while
// it sleeps only reorders independent events of a run already covered
// below the node where p was chosen first.
//
// Under a preemption bound that covering run may cost more preemptions
// than the run it stands for, and then it was never explored: the sleep
// set would lose a schedule the bound allows. Moving p's event e (chosen
// at n in the covering run, at a later node m in the sleeping one) ahead
// of the events between n and m changes the switches around it: the
// switch to p at n costs what the sibling's switch cost there (both are
// non-default choices of one node), the switch away from p after e is
// free when p cannot go on after e (it blocked or exited), and the
// switches at m and after e fold into one that costs no more than they
// did. When p can go on after e, the switch away from it after e is a
// preemption the sleeping run need not make (it may run p's next event
// right after e), so the covering run can cost one more. This file takes
// the conservative side (Coons, Musuvathi and McKinley show how bounds
// and reduction interact; their sleep-free BPOR is dpor.go's backtracking):
// only an event that ended with its goroutine blocked or exited is put to
// sleep. The others are explored again, which costs time, never coverage.
//
// Invariants:
//   - xnode.sleep is the sleep set a run has on reaching the node; it is a
//     function of the path to the node, so a run replaying the node has
//     the same one. xnode.explored holds, per goroutine chosen at the node
//     in a run that has ended, the accesses of the event it began there.
//   - The running sleep set (dporRun.sleep) loses a goroutine as soon as
//     an event dependent on its recorded event ends, or the goroutine runs.
//   - The clock and select cases never sleep; only pick nodes consult or
//     extend sleep sets.
//   - A run whose every choice at a node is asleep (sleep-blocked) is
//     covered: it runs on with defaults, its later events ask for no
//     reordering, and its nodes offer nothing else.

import "slices"

// objAccess is one object an event touched, and whether it only read it.
type objAccess struct {
	obj  any
	read bool
}

// sleeper is a goroutine's next event as it ran at a node: its accesses,
// and whether the goroutine could not go on after it.
type sleeper struct {
	g      int
	accs   []objAccess
	global bool
	stop   bool
}

//go:norace
func sleeperOf(e *xevent) sleeper {
	s := sleeper{g: e.g, global: e.global, stop: e.stop}
	for _, a := range e.objs {
		if obj, read := access(e, a); obj != nil {
			s.accs = append(s.accs, objAccess{obj, read})
		}
	}
	return s
}

// dependent reports whether event e may not commute with s's event.
//
//go:norace
func (s *sleeper) dependent(e *xevent) bool {
	if e.g == s.g || s.global || e.global {
		return true
	}
	for _, a := range e.objs {
		obj, read := access(e, a)
		if obj == nil {
			continue
		}
		for _, b := range s.accs {
			if b.obj == obj && !(read && b.read) {
				return true
			}
		}
	}
	return false
}

// sleepable is the bound's condition on putting s to sleep (see above).
//
//go:norace
func (s *sleeper) sleepable() bool { return s.stop }

// asleep reports whether goroutine c sleeps in set.
//
//go:norace
func asleep(set []sleeper, c int) bool {
	return slices.ContainsFunc(set, func(s sleeper) bool { return s.g == c })
}

// wake removes from the running sleep set what event e wakes, and records
// e as explored at the node where it began.
//
//go:norace
func (d *dporRun) wake(e *xevent) {
	d.sleep = slices.DeleteFunc(d.sleep, func(s sleeper) bool { return s.dependent(e) })
	x := d.r.x
	if e.node < 0 || e.node >= len(x.stack) {
		return
	}
	n := &x.stack[e.node]
	if n.kind != nodePick || n.chosen != e.g || slices.ContainsFunc(n.explored, func(s sleeper) bool { return s.g == e.g }) {
		return
	}
	n.explored = append(n.explored, sleeperOf(e))
}

// sleepAt is called at pick node n, new or replayed, before its choice:
// the running event's accesses are final, so what it wakes is woken now,
// and a new node takes the sleep set. It returns the choice a new node
// makes in place of its default when the default sleeps, or false when
// every choice within the level's bound sleeps (the run is sleep-blocked).
// A choice awake but refused for the bound marks the level capped
// (exhaustive.go): a larger bound would have taken it.
//
//go:norace
func (d *dporRun) sleepAt(n *xnode, fresh bool) (int, bool) {
	if d.cur >= 0 {
		d.wake(&d.events[d.cur])
	}
	if !fresh {
		d.sleep = append(d.sleep[:0], n.sleep...)
		return n.chosen, true
	}
	if d.cutEv >= 0 {
		return n.def, true
	}
	n.sleep = slices.Clone(d.sleep)
	if !asleep(n.sleep, n.def) {
		return n.def, true
	}
	// The first goroutine awake, the clock last: moving it is a
	// preemption where a goroutine could run for free.
	x := d.r.x
	for _, c := range append(n.enabled[1:len(n.enabled):len(n.enabled)], n.enabled[0]) {
		if asleep(n.sleep, c) {
			continue
		}
		if n.preempts+n.cost(c) <= x.level {
			return c, true
		}
		x.capped = true
	}
	return n.def, false
}

// chosen extends the running sleep set after pick node n's choice: every
// other choice explored there sleeps, if the bound lets it.
//
//go:norace
func (d *dporRun) chosen(n *xnode) {
	d.sleep = slices.DeleteFunc(d.sleep, func(s sleeper) bool { return s.g == n.chosen })
	if d.cutEv >= 0 || d.r.x.cfg.noSleep {
		d.sleep = d.sleep[:0]
		return
	}
	for _, s := range n.explored {
		if s.g != n.chosen && s.g != clockChoice && s.sleepable() && !asleep(d.sleep, s.g) {
			d.sleep = append(d.sleep, s)
		}
	}
}
