package simrt

// This file is bounded exhaustive exploration, SIM_STRATEGY=exhaustive:
// instead of sampling one schedule per seed, a test is run again and again
// in-process, each time under a fresh world, until every schedule within a
// preemption bound has been run (or one fails).
//
//	SIM_STRATEGY=exhaustive  enumerate the schedules of each test
//	SIM_PREEMPTIONS=K        at most K preemptions per schedule (default 2),
//	                         bounds 0, 1, ..., K in turn
//	SIM_DPOR=0               full enumeration: no partial-order reduction
//	SIM_BUDGET=D|N           stop after wall time D (30s) or N schedules,
//	                         failing the test with how far it got
//	SIM_SCHEDULE=S           replay the one schedule S, as printed on failure
//
// A schedule is the sequence of choices the run made at its nodes: a node is
// a scheduling decision with more than one possible outcome (which goroutine
// runs next, which ready select case fires). A node's default is the choice
// that costs nothing: the running goroutine goes on when it can, and after a
// block or an exit the runnable goroutine with the smallest id runs. A
// schedule is written as the nodes where it differs from the defaults
// (scheduleText), each named by its decision's step in the run's log, the
// number SIM_TRACE prints: a bug that needs two preemptions is a schedule of
// two entries.
//
// Choices that are not nodes stay drawn from the seed (SIM_SEED, 1 when
// unset): the order of timers due at one instant, map iteration order, the
// program's random numbers, and select over native channels. Each seed is a
// separate enumeration; their count is the bound on those choices.
//
// The bound is iterated, as CHESS's iterative context bounding does
// (Musuvathi and Qadeer, PLDI 2007): the schedules within 0 preemptions are
// enumerated first, in full, then those within 1, and so on up to K, each
// level a complete enumeration of its own (a fresh stack), all sharing one
// budget. A failure is so found at the smallest bound that has one, and a
// budget that runs out still leaves the lower levels proven. A level's
// enumeration does not skip the schedules a lower level ran: the reduction
// learns its backtracking from running them, and under a larger bound the
// races they show ask for reorderings the lower bound refused. A level
// whose enumeration never refused a choice for the bound is the whole
// enumeration of every larger bound too (the bound decided nothing), so
// the levels stop there.
//
// A preemption is a switch away from a goroutine that could have gone on
// (at a scheduling point). A switch because the running goroutine blocked or
// ended is free. A goroutine that runs fairYield scheduling points in a row
// while others wait is switched away for free, as CHESS does at a yield: a
// spin loop waiting on another goroutine would otherwise spin forever under
// the default.
//
// Invariants:
//   - A run follows the explorer's prefix (stack[:replayN]) exactly, then
//     takes defaults; a node's enabled set in the prefix must equal what the
//     replayed run offers, or the test is not deterministic and the run says
//     so (diverged).
//   - Depth-first order over nodes, and choices in ascending order within a
//     node: the schedules and their count are a function of the test, the
//     seed and the bound only.
//   - stack[i].preempts is the number of preemptions made before node i;
//     next never picks a choice that would make it exceed the level's
//     bound (explorer.level), and every choice refused for it sets capped.
//   - Level k's enumeration is the same as a single enumeration within k:
//     the schedules and counts of the last level are those of the bound
//     alone.

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// fairYield is how many scheduling points in a row the default lets one
// goroutine take while others are runnable, before a free switch.
const fairYield = 1000

type nodeKind uint8

const (
	nodePick nodeKind = iota + 1 // which goroutine runs
	nodeCase                     // which ready select case fires
)

// xnode is one decision with alternatives, and its depth-first state.
type xnode struct {
	kind     nodeKind
	cur      int       // a pick at a point: the goroutine that could go on (0: none, the switch is free)
	enabled  []int     // the choices, ascending: goroutine ids, or case positions 0..n-1
	def      int       // the default choice
	chosen   int       // the choice the current run makes here
	preempts int       // preemptions before this node
	step     int64     // the decision's number in the run's log (SIM_TRACE's step), which names it in a schedule
	todo     []int     // choices to try here (backtrack set), ascending
	done     []int     // choices tried or ruled out by the bound or a sleep set
	sleep    []sleeper // the sleep set on reaching the node (sleep.go)
	explored []sleeper // the events chosen here began, per goroutine (sleep.go)
}

// cost is how many preemptions choosing c at n adds.
//
//go:norace
func (n *xnode) cost(c int) int {
	switch {
	case n.kind != nodePick:
		return 0
	case c == clockChoice && c != n.def:
		return 1 // time passing while goroutines could run: an early timer
	case n.cur != 0 && c != n.cur:
		return 1
	}
	return 0
}

// addTodo adds c to n's backtrack set.
//
//go:norace
func (n *xnode) addTodo(c int) {
	if i, ok := slices.BinarySearch(n.todo, c); !ok {
		n.todo = slices.Insert(n.todo, i, c)
	}
}

// exhaustConfig is what SIM_STRATEGY=exhaustive and its knobs ask for.
type exhaustConfig struct {
	bound     int           // preemption bound
	oneLevel  bool          // enumerate within bound only, not bounds 0..bound-1 first (tests that compare one level)
	dpor      bool          // partial-order reduction on
	budget    time.Duration // wall-time budget; 0: none
	budgetN   int           // schedule budget; 0: none
	replay    []deviation   // SIM_SCHEDULE: one schedule to replay
	replaySet bool
	noSleep   bool // the reduction without sleep sets (sleep.go), for tests that measure them
}

// explorer is the depth-first enumeration of one test's schedules.
type explorer struct {
	cfg        exhaustConfig
	stack      []xnode // the nodes of the last run, with what is left to try at each
	replayN    int     // the next run follows stack[:replayN]
	schedules  int     // runs made, over every level
	maxDepth   int     // the most nodes a run had
	level      int     // the bound of the level under way
	levelRuns  int     // runs made at this level
	capped     bool    // this level refused a choice for its bound
	proven     int     // the largest bound whose enumeration completed without failure; -1: none
	provenRuns int     // the schedules of that enumeration
	diverged   string  // set when a run did not follow its prefix
	reported   bool    // its end was written to SIM_PROGRESS
	whole      bool    // the enumeration itself failed (budget, divergence): replay reruns it
	run        *xrun   // the run under way
}

// deviation is a node at which a schedule leaves the default.
type deviation struct {
	node   int // the node's step: its decision's number in the run's log
	choice int
	kase   bool // a select case, not a goroutine
}

// next moves to the next schedule to run: the deepest node with a choice
// left to try within the bound. It reports false when none is left.
//
//go:norace
func (x *explorer) next() bool {
	for i := len(x.stack) - 1; i >= 0; i-- {
		n := &x.stack[i]
		for _, c := range n.todo {
			if slices.Contains(n.done, c) {
				continue
			}
			n.done = append(n.done, c)
			if n.kind == nodePick && asleep(n.sleep, c) {
				continue
			}
			if n.preempts+n.cost(c) > x.level {
				x.capped = true
				continue
			}
			n.chosen = c
			x.stack = x.stack[:i+1]
			x.replayN = i + 1
			return true
		}
	}
	x.stack = x.stack[:0]
	x.replayN = 0
	return false
}

// estimate is a rough count of the schedules left: the choices not yet
// tried at each node of the current path, each standing for one subtree as
// large as the path below it has shown so far. It is shown as progress,
// never trusted.
//
//go:norace
func (x *explorer) estimate() int {
	left := 0
	for i := range x.stack {
		n := &x.stack[i]
		k := 0
		for _, c := range n.todo {
			if !slices.Contains(n.done, c) && n.preempts+n.cost(c) <= x.level {
				k++
			}
		}
		left += k
	}
	return left
}

// xrun is the strategy of one run under an explorer (or of a replayed
// schedule, or of a plain default run when x is nil).
type xrun struct {
	x       *explorer
	w       *world
	depth   int // the next node's index
	devs    []deviation
	streak  map[int]int // scheduling points each goroutine took since it was switched in
	work    int64       // the world's computation since the clock last moved, in ns at slip's highest costs
	dp      *dporRun    // the reduction's trace; nil without reduction
	blocked bool        // sleep-blocked: the run is covered by others (sleep.go)
	clock   *g          // the clock's stand-in in the reduction's trace (id clockChoice)
}

//go:norace
func (r *xrun) name() string { return "exhaustive" }

//go:norace
func (r *xrun) init(w *world) {
	r.w = w
	r.streak = make(map[int]int)
	r.clock = &g{id: clockChoice}
	w.xr = r
	if r.x != nil {
		r.x.run = r
		r.x.stack = r.x.stack[:r.x.replayN]
		r.x.diverged = ""
		if r.x.cfg.dpor {
			r.dp = newDporRun(r)
		}
	}
}

//go:norace
func (r *xrun) spawned(w *world, x *g) {
	if r.dp != nil {
		r.dp.spawned(x)
	}
}

//go:norace
func (r *xrun) pickPoint(w *world, me *g) *g {
	if r.dp != nil {
		r.dp.decision(me, false)
	}
	r.work += maxCost
	for {
		clock := r.clockEnabled()
		if len(w.runq) == 0 && !clock {
			r.streak[me.id]++
			if r.dp != nil {
				r.dp.cont(me)
			}
			return me
		}
		ids := make([]int, 0, len(w.runq)+2)
		for _, y := range w.runq {
			ids = append(ids, y.id)
		}
		cur := me.id
		if r.streak[me.id] >= fairYield {
			cur = 0 // switched away for free; staying is not offered
		} else {
			ids = append(ids, me.id)
		}
		slices.Sort(ids)
		def := cur
		if def == 0 {
			// Round robin, the clock taking its turn after the last
			// goroutine: spinners waiting for time let it pass.
			def = -1
			for _, id := range ids {
				if id > me.id {
					def = id
					break
				}
			}
			switch {
			case def >= 0:
			case clock:
				def = clockChoice
			default:
				def = ids[0]
			}
		}
		if clock {
			ids = slices.Insert(ids, 0, clockChoice)
		}
		c := r.choose(nodePick, cur, ids, def)
		if c == clockChoice {
			r.tick(r.depth - 1)
			r.streak[me.id] = 0
			if w.failure != nil {
				w.afterClock(me)
				return me
			}
			continue
		}
		return r.switchTo(me, w.all[c], r.depth-1)
	}
}

//go:norace
func (r *xrun) pickBlocked(w *world) *g {
	if r.dp != nil {
		r.dp.decision(cur, true)
	}
	r.work += maxSwitch
	for {
		clock := r.clockEnabled()
		if len(w.runq) == 1 && !clock {
			return r.switchTo(cur, w.runq[0], -1)
		}
		ids := make([]int, len(w.runq), len(w.runq)+1)
		for i, y := range w.runq {
			ids[i] = y.id
		}
		slices.Sort(ids)
		def := ids[0]
		if clock {
			ids = slices.Insert(ids, 0, clockChoice)
		}
		c := r.choose(nodePick, 0, ids, def)
		if c == clockChoice {
			r.tick(r.depth - 1)
			continue
		}
		return r.switchTo(cur, w.all[c], r.depth-1)
	}
}

// clockChoice is the choice, at a pick node, of moving the clock to the
// next timer instead of running a goroutine (ids start at 1).
const clockChoice = 0

// clockEnabled reports whether moving the clock is a choice now: a timer
// is pending, the world has computed enough since the clock last moved
// for it to be due (below), and the test's body has not ended (settling
// never moves the clock).
//
// Enough is what time slip would need at its highest costs (slip.go,
// maxCost a scheduling point, maxSwitch a switch): a timer d away is due
// once the world's points and switches at those costs add up to d. Every seed's slip fires it at one such
// point (each seed's cost is at most maxCost), and a timer may fire at
// any later point, as if the computation ran slower; it may not fire
// before, when runnable goroutines would be starved of the time passing
// (a second's sleep ending while a goroutine that is runnable has not
// taken a step).
//
//go:norace
func (r *xrun) clockEnabled() bool {
	w := r.w
	if w.settling {
		return false
	}
	when, ok := w.timers.earliest()
	return ok && when < maxWhen && when-w.now <= r.work
}

// tick moves the clock to the next timer's instant and fires what is due
// then, as the choice at node: the event of the clock (dpor.go), which is
// global.
//
//go:norace
func (r *xrun) tick(node int) {
	if r.dp != nil {
		r.dp.start(r.clock, node)
	}
	r.work = 0
	r.w.work = 0
	r.w.advance()
}

// bodyEnded is called as the test's body returns, before settling;
// timerRemoved as a goroutine takes a pending timer off the clock (Stop,
// Reset, a context's cancel). In both the clock could have moved before,
// firing what was pending, but it never will now: the reduction only asks
// for reorderings of events that happened, so each asks, as a clock move
// here would, for the clock before every event it would race with
// (dpor.go, clockRace).
//
//go:norace
func (r *xrun) bodyEnded() {
	if r.dp != nil && r.clockEnabled() {
		r.dp.clockRace()
	}
}

//go:norace
func (r *xrun) timerRemoved() {
	if r.dp != nil && !r.w.settling {
		r.dp.clockRace()
	}
}

// idleTick is the clock moving because nothing is runnable (pickNext): no
// choice, but an event of the clock all the same, so that the reduction
// can ask for it earlier.
//
//go:norace
func (r *xrun) idleTick() {
	r.work = 0
	if r.dp != nil {
		r.dp.start(r.clock, -1)
	}
}

// switchTo notes that next runs after me, chosen at node (-1: no
// alternatives), for the fairness streaks and the reduction's trace.
//
//go:norace
func (r *xrun) switchTo(me, next *g, node int) *g {
	if me != next {
		r.streak[next.id] = 0
	} else {
		r.streak[me.id]++
	}
	if r.dp != nil {
		r.dp.start(next, node)
	}
	return next
}

// pickCase chooses among n ready select cases.
//
//go:norace
func (r *xrun) pickCase(n int) int {
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i
	}
	return r.choose(nodeCase, 0, ids, 0)
}

// choose makes the decision at the next node: the prefix's choice while
// replaying, a deviation of a replayed schedule, or the default.
//
//go:norace
func (r *xrun) choose(kind nodeKind, cur int, enabled []int, def int) int {
	i := r.depth
	r.depth++
	// The decision about to be recorded is the log's next (decisions.go):
	// a pick in point or pickNext, a case in selectReady.
	step := r.w.dec.n + 1
	x := r.x
	if x == nil {
		c := def
		for _, d := range r.devs {
			if int64(d.node) == step {
				if d.kase != (kind == nodeCase) || !slices.Contains(enabled, d.choice) {
					r.w.scheduleMismatch(d, kind, enabled)
					break
				}
				c = d.choice
			}
		}
		return c
	}
	preempts := 0
	if i > 0 {
		p := &x.stack[i-1]
		preempts = p.preempts + p.cost(p.chosen)
	}
	if i < x.replayN {
		n := &x.stack[i]
		if n.kind == kind && slices.Equal(n.enabled, enabled) {
			if d := r.dp; d != nil && kind == nodePick {
				d.sleepAt(n, false)
				d.chosen(n)
			}
			return n.chosen
		}
		if x.diverged == "" {
			x.diverged = fmt.Sprintf("decision %d offered %s, where an earlier run of the same prefix offered %s", i, choiceList(kind, enabled), choiceList(n.kind, n.enabled))
		}
		x.stack = x.stack[:i]
		x.replayN = i
	}
	n := xnode{kind: kind, cur: cur, enabled: enabled, def: def, chosen: def, preempts: preempts, step: step, done: []int{def}}
	if kind == nodeCase || !x.cfg.dpor {
		n.todo = slices.Clone(enabled)
	} else {
		n.todo = []int{def}
	}
	if d := r.dp; d != nil && kind == nodePick {
		c, ok := d.sleepAt(&n, true)
		if !ok {
			// Sleep-blocked: every schedule through here is covered.
			d.cutEv = len(d.events)
			r.blocked = true
		}
		if c != def {
			n.chosen, n.todo, n.done = c, []int{c}, []int{def, c}
		}
		d.chosen(&n)
	}
	x.stack = append(x.stack, n)
	if len(x.stack) > x.maxDepth {
		x.maxDepth = len(x.stack)
	}
	return n.chosen
}

// choiceList writes a node's choices for a message.
//
//go:norace
func choiceList(kind nodeKind, ids []int) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString(" ")
		}
		switch {
		case kind == nodeCase:
			fmt.Fprintf(&b, "case %d", id)
		case id == clockChoice:
			b.WriteString("the clock")
		default:
			fmt.Fprintf(&b, "goroutine %d", id)
		}
	}
	return b.String()
}

// scheduleMismatch fails a replay whose schedule names a choice the run
// does not offer: the schedule belongs to another test, seed or version.
//
//go:norace
func (w *world) scheduleMismatch(d deviation, kind nodeKind, enabled []int) {
	what := fmt.Sprintf("goroutine %d", d.choice)
	if d.kase {
		what = fmt.Sprintf("case %d", d.choice)
	} else if d.choice == clockChoice {
		what = "the clock"
	}
	fatal(fmt.Sprintf("SIM_SCHEDULE: step %d cannot take %s (it offers %s): the schedule was printed for another test, seed or version of the code", d.node, what, choiceList(kind, enabled)))
}

// scheduleText writes the current run's schedule (formatSchedule).
//
//go:norace
func (x *explorer) scheduleText() string {
	var devs []deviation
	for i := range x.stack {
		if n := &x.stack[i]; n.chosen != n.def {
			devs = append(devs, deviation{node: int(n.step), choice: n.chosen, kase: n.kind == nodeCase})
		}
	}
	return formatSchedule(devs)
}

// formatSchedule writes a schedule as the nodes where it leaves the
// defaults: "1:" then step/choice entries separated by dots, a step being
// the decision's number in the run's log (SIM_TRACE's "step N") and a
// choice g<id> (a goroutine), t (moving the clock to the next timer) or
// c<i> (a select case). "1" is the format's version.
//
//go:norace
func formatSchedule(devs []deviation) string {
	var b strings.Builder
	b.WriteString("1:")
	for i, d := range devs {
		if i > 0 {
			b.WriteString(".")
		}
		switch {
		case d.kase:
			fmt.Fprintf(&b, "%dc%d", d.node, d.choice)
		case d.choice == clockChoice:
			fmt.Fprintf(&b, "%dt", d.node)
		default:
			fmt.Fprintf(&b, "%dg%d", d.node, d.choice)
		}
	}
	return b.String()
}

// parseSchedule reads a SIM_SCHEDULE value written by scheduleText.
//
//go:norace
func parseSchedule(s string) ([]deviation, error) {
	bad := fmt.Errorf("SIM_SCHEDULE=%q: want the schedule as a failure printed it (1:<node>g<goroutine>.<node>t.<node>c<case>...)", s)
	rest, ok := strings.CutPrefix(s, "1:")
	if !ok {
		return nil, bad
	}
	var devs []deviation
	if rest == "" {
		return devs, nil
	}
	last := -1
	for _, e := range strings.Split(rest, ".") {
		j := strings.IndexAny(e, "gct")
		if j <= 0 {
			return nil, bad
		}
		node, err1 := strconv.Atoi(e[:j])
		choice, err2 := clockChoice, error(nil)
		if e[j] != 't' {
			choice, err2 = strconv.Atoi(e[j+1:])
		} else if j+1 < len(e) {
			return nil, bad
		}
		if err1 != nil || err2 != nil || node <= last || choice < 0 || (e[j] == 'g' && choice == clockChoice) {
			return nil, bad
		}
		last = node
		devs = append(devs, deviation{node: node, choice: choice, kase: e[j] == 'c'})
	}
	return devs, nil
}

// parseExhaust reads the knobs of SIM_STRATEGY=exhaustive.
//
//go:norace
func parseExhaust(getenv func(string) string) (exhaustConfig, error) {
	c := exhaustConfig{bound: 2, dpor: true}
	if s := getenv("SIM_PREEMPTIONS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return c, fmt.Errorf("SIM_PREEMPTIONS=%q: want a non-negative integer", s)
		}
		c.bound = n
	}
	switch s := getenv("SIM_DPOR"); s {
	case "", "1", "on", "true":
	case "0", "off", "false":
		c.dpor = false
	default:
		return c, fmt.Errorf("SIM_DPOR=%q: want 1 (reduce, the default) or 0 (enumerate every schedule)", s)
	}
	if s := getenv("SIM_BUDGET"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			c.budgetN = n
		} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
			c.budget = d
		} else {
			return c, fmt.Errorf("SIM_BUDGET=%q: want a duration such as 30s or a number of schedules", s)
		}
	}
	if s := getenv("SIM_SCHEDULE"); s != "" {
		devs, err := parseSchedule(s)
		if err != nil {
			return c, err
		}
		c.replay, c.replaySet = devs, true
	}
	return c, nil
}

// exhaustSeed is the seed of an enumeration when SIM_SEED is unset: fixed,
// so that the same command explores the same schedules.
const exhaustSeed = 1

// explore runs one test's enumeration, level by level: run is one run of
// the body under a fresh world (false when it failed), report receives
// progress. It returns how the enumeration ended; x says how far it got.
//
//go:norace
func (x *explorer) explore(run func() bool, progress func(x *explorer)) exhaustEnd {
	start := time.Now()
	lastShown := start
	x.proven = -1
	if x.cfg.oneLevel {
		x.level = x.cfg.bound
	}
	for {
		x.schedules++
		x.levelRuns++
		ok := run()
		if !ok {
			return endFailed
		}
		if x.run != nil && x.run.dp != nil {
			x.run.dp.flush()
		}
		if x.diverged != "" {
			return endDiverged
		}
		if !x.next() {
			x.proven, x.provenRuns = x.level, x.levelRuns
			if x.level >= x.cfg.bound || !x.capped {
				// No choice was refused for the bound: every larger
				// bound's enumeration is this one.
				x.level, x.proven = x.cfg.bound, x.cfg.bound
				return endDone
			}
			x.level++
			x.levelRuns, x.capped = 0, false
		}
		if x.cfg.budgetN > 0 && x.schedules >= x.cfg.budgetN {
			return endBudget
		}
		if x.schedules&63 == 0 {
			now := time.Now()
			if x.cfg.budget > 0 && now.Sub(start) >= x.cfg.budget {
				return endBudget
			}
			if progress != nil && now.Sub(lastShown) >= time.Second {
				lastShown = now
				progress(x)
			}
		}
	}
}

type exhaustEnd int

const (
	endDone exhaustEnd = iota
	endFailed
	endBudget
	endDiverged
)

// exhaustive runs a test's enumeration (SIM_STRATEGY=exhaustive) in place
// of Test's loop over seeds.
//
//go:norace
func (s *session) exhaustive(t tbLike, body func()) {
	t.Helper()
	if !s.c.seedSet {
		s.seed = exhaustSeed
	}
	s.x = &explorer{cfg: s.c.exh}
	end := s.x.explore(func() bool {
		r := s.runOnce(s.seed, false, body)
		return r.failure == nil && !t.Failed()
	}, func(x *explorer) { exhaustProgress(s.name, x, false, endDone) })
	x := s.x
	x.reported = true
	x.whole = end == endBudget || end == endDiverged
	exhaustProgress(s.name, x, true, end)
	switch end {
	case endFailed:
		// done reports the failure with the schedule (foundText, replay).
	case endDiverged:
		t.Errorf("simrt: exhaustive exploration stopped after %d schedules: the test is not deterministic under simulation (%s); fix that first (SIM_CHECK_DETERMINISM=1 finds where)", x.schedules, x.diverged)
	case endBudget:
		t.Errorf("simrt: budget spent after %d schedules (%d preemptions, depth up to %d, about %d subtrees left): not all schedules explored; %s", x.schedules, x.cfg.bound, x.maxDepth, x.estimate(), provenText(x.proven, x.provenRuns, x.levelRuns))
	case endDone:
		t.Logf("simrt: explored all %d schedules (%d preemptions): no failure", x.provenRuns, x.cfg.bound)
	}
}

// provenText says what an enumeration stopped by its budget proved: the
// largest bound whose schedules all passed (-1: none), their count, and
// the schedules run at the next bound, whose level was under way.
// simgen test -exhaustive writes the same words (internal/explore).
//
//go:norace
func provenText(proven, provenRuns, levelRuns int) string {
	if proven < 0 {
		return fmt.Sprintf("no bound fully explored (%d schedules within 0 preemptions)", levelRuns)
	}
	return fmt.Sprintf("all %d schedules within %s passed, and %d within %d", provenRuns, preemptionsText(proven), levelRuns, proven+1)
}

// preemptionsText is "1 preemption" or "n preemptions".
//
//go:norace
func preemptionsText(n int) string {
	if n == 1 {
		return "1 preemption"
	}
	return strconv.Itoa(n) + " preemptions"
}

// foundText is the line a failing schedule of an enumeration logs above its
// replay line: the bound it was found within (the smallest that has a
// failing schedule, since the levels below passed in full) and what passed
// before it; "" when the failure was not a schedule of an enumeration.
//
//go:norace
func (s *session) foundText() string {
	x := s.x
	if x == nil || x.whole || x.schedules == 0 {
		return ""
	}
	line := fmt.Sprintf("simrt: schedule %d of the enumeration failed, within %s", x.schedules, preemptionsText(x.level))
	if x.proven >= 0 {
		line += fmt.Sprintf("; all %d schedules within %s passed", x.provenRuns, preemptionsText(x.proven))
	}
	return line
}

// scheduleForReplay is the schedule a replay line names, "" when the run
// was not under an explorer or SIM_SCHEDULE.
//
//go:norace
func (s *session) scheduleForReplay() string {
	if s.x != nil {
		if s.x.whole {
			// The last schedule passed; what failed is the enumeration,
			// which the process's own settings rerun.
			return ""
		}
		return s.x.scheduleText()
	}
	if s.c.exh.replaySet {
		return formatSchedule(s.c.exh.replay)
	}
	return ""
}

// exhaustName reports whether a SIM_STRATEGY value names exhaustive
// exploration.
//
//go:norace
func exhaustName(s string) bool { return strings.TrimSpace(s) == "exhaustive" }

// parseExhaustive reads SIM_STRATEGY=exhaustive's knobs and SIM_SCHEDULE
// into c. A schedule to replay takes over the strategy, whatever
// SIM_STRATEGY says: it is one run, not an enumeration.
//
//go:norace
func (c *config) parseExhaustive(getenv func(string) string) error {
	exh, err := parseExhaust(getenv)
	if err != nil {
		return err
	}
	c.exh = exh
	switch {
	case exh.replaySet:
		c.strategy = func() strategy { return &xrun{devs: exh.replay} }
		c.stratName = ""
		if !c.seedSet {
			c.seed, c.seedSet = exhaustSeed, true
		}
	case exhaustName(c.stratName):
		c.exhaust = true
		c.strategy = func() strategy { return &xrun{} }
	}
	return nil
}

// strategy makes the strategy of the session's next run.
//
//go:norace
func (s *session) strategy() strategy {
	if s.x != nil {
		return &xrun{x: s.x}
	}
	return s.c.strategy()
}

// exhaustProgress reports an enumeration's progress to the SIM_PROGRESS
// file of simgen test -exhaustive, as a line
//
//	<test> exhaustive <schedules> <depth> <estimate> running|done|budget|fail <pid> <level> <level schedules> <proven> <proven schedules>
//
// (the process id tells apart tests of one name in two packages; schedules
// counts every level, level is the bound under way or, once done, the
// bound, proven the largest bound whose enumeration passed, -1 for none),
// and nothing without SIM_PROGRESS.
//
//go:norace
func exhaustProgress(test string, x *explorer, end bool, how exhaustEnd) {
	state := "running"
	if end {
		state = [...]string{endDone: "done", endFailed: "fail", endBudget: "budget", endDiverged: "fail"}[how]
	}
	progressLine(fmt.Sprintf("%s exhaustive %d %d %d %s %d %d %d %d %d\n", test, x.schedules, x.maxDepth, x.estimate(), state, os.Getpid(), x.level, x.levelRuns, x.proven, x.provenRuns))
}

// replayEnv is the environment a replay line prints: the process's, except
// that a failure found by enumeration (or replayed from a schedule) is
// reproduced by its schedule, not by enumerating again.
//
//go:norace
func (s *session) replayEnv() func(string) string {
	sch := s.scheduleForReplay()
	if sch == "" {
		return os.Getenv
	}
	return func(k string) string {
		switch k {
		case "SIM_SCHEDULE":
			return sch
		case "SIM_STRATEGY", "SIM_PREEMPTIONS", "SIM_DPOR", "SIM_BUDGET":
			return ""
		}
		return os.Getenv(k)
	}
}
