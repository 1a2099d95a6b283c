package simrt

// This file holds the scheduling strategies, chosen with SIM_STRATEGY:
//
//	portfolio   the default: random for even seeds, pct:3:k for odd ones with
//	            k cycling through 30, 300, 3000 and 30000, so a run of
//	            consecutive seeds tries both (docs/bugs.md measures why)
//	random      uniform choice among runnable goroutines at every point
//	pct[:d[:k]] PCT (Burckhardt et al., ASPLOS 2010): random distinct
//	            priorities, the highest runnable priority runs, and at d-1
//	            change points drawn from the first k steps the running
//	            goroutine drops below every other (d defaults to 3, k to
//	            10000)
//
// Invariants: a strategy draws only from w.rng, so it is a pure function of
// the seed and the program's behaviour. pickPoint returns me or a member of
// w.runq; pickBlocked returns a member of w.runq, which is not empty.

import (
	"fmt"
	"strconv"
	"strings"
)

type strategy interface {
	name() string
	init(w *world)
	spawned(w *world, x *g)
	pickPoint(w *world, me *g) *g
	pickBlocked(w *world) *g
}

// parseStrategy reads a SIM_STRATEGY value.
//
//go:norace
func parseStrategy(s string) (func() strategy, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "portfolio" {
		return newPortfolio, nil
	}
	if s == "random" {
		return newRandom, nil
	}
	parts := strings.Split(s, ":")
	if parts[0] != "pct" || len(parts) > 3 {
		return nil, fmt.Errorf("SIM_STRATEGY=%q: want portfolio, random, pct, pct:D or pct:D:K", s)
	}
	d, k := 3, 10000
	var err error
	if len(parts) > 1 {
		if d, err = strconv.Atoi(parts[1]); err != nil || d < 1 {
			return nil, fmt.Errorf("SIM_STRATEGY=%q: depth must be a positive integer", s)
		}
	}
	if len(parts) > 2 {
		if k, err = strconv.Atoi(parts[2]); err != nil || k < 1 {
			return nil, fmt.Errorf("SIM_STRATEGY=%q: step bound must be a positive integer", s)
		}
	}
	return pctMaker{d, k}.make, nil
}

// The strategy constructors are functions, not closures: under -race a
// closure's body is instrumented, and the strategy it allocates is read on
// the simrt thread (race.go).
//
//go:norace
func newPortfolio() strategy { return &portfolio{} }

//go:norace
func newRandom() strategy { return &randomStrategy{} }

// pctMaker makes PCT strategies of one depth and step bound.
type pctMaker struct{ depth, steps int }

//go:norace
func (m pctMaker) make() strategy { return &pctStrategy{depth: m.depth, steps: m.steps} }

type randomStrategy struct{}

//go:norace
func (*randomStrategy) name() string { return "random" }

//go:norace
func (*randomStrategy) init(*world) {}

//go:norace
func (*randomStrategy) spawned(*world, *g) {}

//go:norace
func (*randomStrategy) pickBlocked(w *world) *g { return w.runq[w.intn(len(w.runq))] }

//go:norace
func (*randomStrategy) pickPoint(w *world, me *g) *g {
	n := len(w.runq)
	if n == 0 {
		return me
	}
	i := w.intn(n + 1)
	if i == n {
		return me
	}
	return w.runq[i]
}

type pctStrategy struct {
	depth, steps int
	change       []int64 // steps at which the running goroutine is demoted
	step         int64
	ran          map[*g]int64 // the step each goroutine last ran at (or was made)
	top          int          // the highest priority handed out
}

// starveLimit bounds how many steps PCT lets a runnable goroutine wait.
// Strict priorities would otherwise spin forever on a loop that waits for a
// lower-priority goroutine (runtime.Gosched, an atomic flag, or two
// goroutines passing a value back and forth while a third waits to stop
// them), where Go's own scheduler is fair. Every starveLimit steps the
// goroutine that has waited longest, if over the limit, is raised above all
// others: PCT keeps its bias, and every runnable goroutine makes progress.
const starveLimit = 1000

//go:norace
func (p *pctStrategy) name() string { return fmt.Sprintf("pct:%d:%d", p.depth, p.steps) }

//go:norace
func (p *pctStrategy) init(w *world) {
	p.ran = make(map[*g]int64)
	w.prioq = &prioHeap{}
	for _, x := range w.runq {
		w.prioq.push(x)
	}
	for i := 0; i < p.depth-1; i++ {
		p.change = append(p.change, int64(w.rng.IntN(p.steps))+1)
	}
}

//go:norace
func (p *pctStrategy) spawned(w *world, x *g) {
	// Initial priorities sit above every demoted priority (< depth).
	x.prio = p.depth + w.rng.IntN(1<<30)
	if x.prio > p.top {
		p.top = x.prio
	}
	p.ran[x] = p.step
	// A daemon renumbered when a run is armed is already in the heap.
	if h := w.prioq; h != nil && x.prioIdx < len(h.gs) && h.gs[x.prioIdx] == x {
		h.fix(x)
	}
}

//go:norace
func (p *pctStrategy) tick(me *g) {
	p.step++
	for i, s := range p.change {
		if s == p.step && me != nil {
			me.prio = p.depth - 1 - i
		}
	}
}

//go:norace
func (p *pctStrategy) best(w *world) *g { return w.prioq.top() }

// starved returns the runnable goroutine that has waited longest, when that
// is over starveLimit steps, raised to the top priority.
//
//go:norace
func (p *pctStrategy) starved(w *world) *g {
	if raceEnabled && raceOffSimrt() { // -race: ran is a map, touched on the simrt thread (racecoro.go)
		var x *g
		raceUpcall(func() { x = p.starved(w) })
		return x
	}
	if p.step%starveLimit != 0 {
		return nil
	}
	var old *g
	for _, x := range w.runq {
		if old == nil || p.ran[x] < p.ran[old] || (p.ran[x] == p.ran[old] && x.id < old.id) {
			old = x
		}
	}
	if old == nil || p.step-p.ran[old] <= starveLimit {
		return nil
	}
	p.top++
	old.prio = p.top
	w.prioq.fix(old)
	return old
}

//go:norace
func (p *pctStrategy) picked(x *g) *g {
	if raceEnabled && raceOffSimrt() { // -race: ran is a map, touched on the simrt thread (racecoro.go)
		raceUpcall(func() { p.picked(x) })
		return x
	}
	p.ran[x] = p.step
	return x
}

//go:norace
func (p *pctStrategy) pickPoint(w *world, me *g) *g {
	p.tick(me)
	if s := p.starved(w); s != nil {
		return p.picked(s)
	}
	b := p.best(w)
	if b == nil || me.prio > b.prio || (me.prio == b.prio && me.id < b.id) {
		return p.picked(me)
	}
	return p.picked(b)
}

//go:norace
func (p *pctStrategy) pickBlocked(w *world) *g {
	p.tick(nil)
	if s := p.starved(w); s != nil {
		return p.picked(s)
	}
	return p.picked(p.best(w))
}

// portfolio alternates strategies by seed: random for even seeds, PCT with
// depth 3 and a step bound that cycles over odd ones. It picks its member in init, from the world's seed,
// so a seed replays under the same member.
type portfolio struct {
	strategy
}

//go:norace
func (p *portfolio) name() string {
	if p.strategy == nil {
		return "portfolio"
	}
	return "portfolio/" + p.strategy.name()
}

//go:norace
func (p *portfolio) init(w *world) {
	if w.seed%2 == 0 {
		p.strategy = &randomStrategy{}
	} else {
		// PCT's change points fall in the first k steps, and k should match
		// the run's length, which varies: odd seeds cycle through k = 30,
		// 300, 3000 and 30000 (docs/bugs.md measures short runs doing best
		// with a small k).
		k := 30
		for i := uint64(0); i < (w.seed/2)%4; i++ {
			k *= 10
		}
		p.strategy = &pctStrategy{depth: 3, steps: k}
	}
	p.strategy.init(w)
}

// prioHeap is the run queue ordered by PCT priority (highest first, then
// lowest id), so picking the best runnable goroutine costs O(log n), not a
// scan: programs with many thousands of runnable goroutines stay fast.
// world.ready and unready keep it in step with w.runq.
type prioHeap struct{ gs []*g }

//go:norace
func (h *prioHeap) less(i, j int) bool {
	a, b := h.gs[i], h.gs[j]
	return a.prio > b.prio || (a.prio == b.prio && a.id < b.id)
}

//go:norace
func (h *prioHeap) swap(i, j int) {
	h.gs[i], h.gs[j] = h.gs[j], h.gs[i]
	h.gs[i].prioIdx = i
	h.gs[j].prioIdx = j
}

//go:norace
func (h *prioHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

//go:norace
func (h *prioHeap) down(i int) {
	n := len(h.gs)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && h.less(r, l) {
			c = r
		}
		if !h.less(c, i) {
			return
		}
		h.swap(i, c)
		i = c
	}
}

//go:norace
func (h *prioHeap) push(x *g) {
	x.prioIdx = len(h.gs)
	h.gs = append(h.gs, x)
	h.up(x.prioIdx)
}

//go:norace
func (h *prioHeap) remove(x *g) {
	i := x.prioIdx
	last := len(h.gs) - 1
	if i != last {
		h.swap(i, last)
	}
	h.gs[last] = nil
	h.gs = h.gs[:last]
	if i != last {
		h.down(i)
		h.up(i)
	}
}

//go:norace
func (h *prioHeap) fix(x *g) {
	h.down(x.prioIdx)
	h.up(x.prioIdx)
}

//go:norace
func (h *prioHeap) top() *g {
	if len(h.gs) == 0 {
		return nil
	}
	return h.gs[0]
}
