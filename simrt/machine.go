package simrt

// This file holds simulated machines (nodes): named groups of goroutines
// and timers that crash together and start again. It is the core that
// packages simnet (the network), simos (the disks) and sim (the API tests
// import) build on, and it holds the run's fault stream and its record of
// injected faults.
//
// Invariants:
//   - Node 0 is the host: the test's own goroutines and everything not
//     started on a node. It never crashes. Nodes 1..n are made by NewNode,
//     per run; a run starts with the host alone.
//   - A goroutine belongs to the node of the goroutine that started it; a
//     timer to the node of the goroutine that made it, and an AfterFunc's
//     goroutine to its timer's node. GoOn is the only way onto a node.
//   - Crash removes every goroutine of the node from the run at once: none
//     of them runs again, not even a deferred call (a machine that loses
//     power runs no defers). Their workers stay parked until teardown,
//     which unwinds them while the world is tearing (no effect on others).
//     The node's timers are deleted. Then the crash hooks run, in the order
//     they were registered, so the network resets connections and the disk
//     drops what was not synced.
//   - The fault stream is separate from the scheduler's and the program's
//     streams, so faults drawn or not drawn do not reshuffle either.

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"time"
)

// NodeID names a simulated machine within a run. Zero is the host.
type NodeID int

// Host is the node of the test's own goroutines.
const Host NodeID = 0

// node is a simulated machine.
type node struct {
	name  string
	ip    [4]byte
	alive bool
	boots int // how many times it was started
}

// machines is a run's nodes, per-run package state and faults.
type machines struct {
	nodes   []*node // by id; nodes[0] is the host
	byName  map[string]NodeID
	locals  map[any]any    // WorldLocal values
	crashed []*g           // goroutines removed by crashes, parked until teardown
	onCrash []func(NodeID) // hooks, in registration order
	onStart []func(NodeID)
	frand   *rand.Rand // the fault stream
	faults  []string   // injected faults, for the report
	nfaults int        // faults injected, counted past the record's cap
}

// maxFaultRecord bounds the record of injected faults kept for a report.
const maxFaultRecord = 200

//go:norace
func (w *world) mach() *machines {
	if w.m == nil {
		w.m = &machines{
			nodes:  []*node{{name: "host", ip: [4]byte{127, 0, 0, 1}, alive: true}},
			byName: map[string]NodeID{},
		}
	}
	return w.m
}

// running returns the running world, or nil outside a simulated run.
// Nodes, world-local state and faults belong to runs, not to the ambient
// world of package initialization.
//
//go:norace
func running() *world {
	if w := cw; w != nil && !w.ambient {
		return w
	}
	return nil
}

// Simulated reports whether the calling goroutine runs inside a simulated
// run (a test, benchmark, example or main under the sim build).
//
//go:norace
func Simulated() bool { return running() != nil }

// CurrentNode returns the node of the running goroutine: Host outside a
// run and for every goroutine not started on a node.
//
//go:norace
func CurrentNode() NodeID {
	if running() == nil || cur == nil {
		return Host
	}
	return cur.node
}

// NewNode adds a machine named name to the run and returns its id. Its
// address is 10.0.x.y, in the order nodes are made. Names are unique in a
// run; NewNode panics on a duplicate or outside a run. The node is down
// until GoOn starts a goroutine on it.
//
//go:norace
func NewNode(name string) NodeID {
	w := running()
	if w == nil {
		panic("simrt: NewNode outside a simulated run")
	}
	m := w.mach()
	if name == "" || name == "host" || name == "localhost" {
		panic(fmt.Sprintf("simrt: NewNode: invalid node name %q", name))
	}
	var dup bool
	raceUpcall(func() { _, dup = m.byName[name] }) // -race: simrt's maps are touched on the simrt thread (racecoro.go)
	if dup {
		panic(fmt.Sprintf("simrt: NewNode: a node named %q exists already", name))
	}
	id := NodeID(len(m.nodes))
	m.nodes = append(m.nodes, &node{name: name, ip: [4]byte{10, 0, byte(id >> 8), byte(id)}})
	raceUpcall(func() { m.byName[name] = id }) // -race: simrt's maps are touched on the simrt thread (racecoro.go)
	return id
}

//go:norace
func (w *world) node(id NodeID) *node {
	m := w.mach()
	if id < 0 || int(id) >= len(m.nodes) {
		panic(fmt.Sprintf("simrt: no node %d in this run", id))
	}
	return m.nodes[id]
}

// NodeName returns the name of node id ("host" for the host).
//
//go:norace
func NodeName(id NodeID) string {
	w := running()
	if w == nil {
		return "host"
	}
	return w.node(id).name
}

// NodeIP returns node id's IPv4 address (127.0.0.1 for the host).
//
//go:norace
func NodeIP(id NodeID) [4]byte {
	w := running()
	if w == nil {
		return [4]byte{127, 0, 0, 1}
	}
	return w.node(id).ip
}

// NodeByName returns the node named name, if the run has one.
//
//go:norace
func NodeByName(name string) (NodeID, bool) {
	w := running()
	if w == nil {
		return 0, false
	}
	var id NodeID
	var ok bool
	raceUpcall(func() { id, ok = w.mach().byName[name] }) // -race: simrt's maps are touched on the simrt thread (racecoro.go)
	return id, ok
}

// NodeByIP returns the node whose address is ip, if the run has one.
//
//go:norace
func NodeByIP(ip [4]byte) (NodeID, bool) {
	w := running()
	if w == nil {
		return 0, false
	}
	for id, n := range w.mach().nodes {
		if id > 0 && n.ip == ip {
			return NodeID(id), true
		}
	}
	return 0, false
}

// Nodes returns the ids of the run's nodes, the host first.
//
//go:norace
func Nodes() []NodeID {
	w := running()
	if w == nil {
		return []NodeID{Host}
	}
	ids := make([]NodeID, len(w.mach().nodes))
	for i := range ids {
		ids[i] = NodeID(i)
	}
	return ids
}

// Alive reports whether node id is up: started and not crashed since.
//
//go:norace
func Alive(id NodeID) bool {
	w := running()
	if w == nil {
		return id == Host
	}
	return w.node(id).alive
}

// Boots returns how many times node id was started (brought up by GoOn
// while down).
//
//go:norace
func Boots(id NodeID) int {
	w := running()
	if w == nil {
		return 0
	}
	return w.node(id).boots
}

// GoOn starts fn as a goroutine of node id. A node that is down comes up:
// the start hooks run first (a disk recovers what survived the crash).
//
//go:norace
func GoOn(id NodeID, fn func()) {
	var pc [1]uintptr
	runtime.Callers(2, pc[:])
	w := running()
	if w == nil {
		panic("simrt: GoOn outside a simulated run")
	}
	if w.failure != nil || w.tearing {
		return
	}
	n := w.node(id)
	if !n.alive {
		n.alive = true
		n.boots++
		for _, h := range w.mach().onStart {
			h(id)
		}
	}
	x := w.spawn(fn, pc[0])
	x.node = id
	w.dec.event(evSpawn, x.id)
	w.point()
}

// Crash stops node id at once: its goroutines vanish without running
// another instruction (deferred calls included), its timers are deleted,
// and the crash hooks run (connections reset, unsynced writes lost). A
// goroutine of the node that calls Crash on it does not return. Crashing
// a node that is down, or the host, does nothing (the host cannot crash).
//
//go:norace
func Crash(id NodeID) {
	w := running()
	if w == nil || id == Host {
		return
	}
	n := w.node(id)
	if !n.alive {
		return
	}
	n.alive = false
	m := w.mach()
	self := false
	for _, x := range w.liveSorted() {
		if x.node != id {
			continue
		}
		if x == cur {
			self = true
			continue
		}
		w.remove(x)
		raceCrashed(x)
	}
	var doomed []*timer
	raceUpcall(func() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
		for _, b := range w.timers.buckets {
			for _, t := range b.ts {
				if t.node == id {
					doomed = append(doomed, t)
				}
			}
		}
	})
	for _, t := range doomed {
		w.delTimer(t)
	}
	w.dec.event(evCrash, int(id))
	for _, h := range m.onCrash {
		h(id)
	}
	if self {
		// Park for good, out of every queue: only teardown resumes it,
		// through stopWorker.
		w.remove(cur)
		w.block("crashed")
		runtime.Goexit()
	}
}

// remove takes a goroutine that is not running out of the run for good: off
// the run queue and every wait, out of w.all, its worker kept for teardown.
//
//go:norace
func (w *world) remove(x *g) {
	if x.status == gRunnable && x != cur {
		w.unready(x)
	}
	x.withdraw()
	raceUpcall(func() { delete(w.all, x.id) }) // -race: simrt's maps are touched on the simrt thread (racecoro.go)
	x.status = gBlocked
	x.reason = "crashed"
	w.mach().crashed = append(w.mach().crashed, x)
	if len(w.exitq.q) > 0 {
		w.wakeAll(&w.exitq)
	}
}

// OnCrash registers f to run whenever a node of the running world
// crashes, after its goroutines and timers are gone. Hooks last for the
// run; packages register theirs when they make their world-local state.
//
//go:norace
func OnCrash(f func(NodeID)) {
	if w := running(); w != nil {
		w.mach().onCrash = append(w.mach().onCrash, f)
	}
}

// OnStart registers f to run whenever a node comes up (first start or
// restart), before its first goroutine.
//
//go:norace
func OnStart(f func(NodeID)) {
	if w := running(); w != nil {
		w.mach().onStart = append(w.mach().onStart, f)
	}
}

// WorldLocal returns the running world's value for key, made by mk on
// first use in the run. Values live for one run. Outside a run it returns
// a fresh mk() each time.
//
//go:norace
func WorldLocal(key any, mk func() any) any {
	w := running()
	if w == nil {
		return mk()
	}
	m := w.mach()
	var v any
	var ok bool
	raceUpcall(func() { v, ok = m.locals[key] }) // -race: simrt's maps are touched on the simrt thread (racecoro.go)
	if ok {
		return v
	}
	v = mk()
	raceUpcall(func() {
		if m.locals == nil {
			m.locals = map[any]any{}
		}
		m.locals[key] = v
	})
	return v
}

// FaultFloat64 returns a number in [0, 1) from the run's fault stream.
// Outside a run it returns 0.5; callers inject faults only inside one.
//
//go:norace
func FaultFloat64() float64 {
	w := running()
	if w == nil {
		return 0.5
	}
	return w.faultRand().Float64()
}

// FaultUint64N returns a number in [0, n) from the run's fault stream.
//
//go:norace
func FaultUint64N(n uint64) uint64 {
	w := running()
	if w == nil || n == 0 {
		return 0
	}
	return w.faultRand().Uint64N(n)
}

//go:norace
func (w *world) faultRand() *rand.Rand {
	m := w.mach()
	if m.frand == nil {
		m.frand = newRand(w.seed^0xa0761d6478bd642f, w.seed+0xe7037ed1a0b428db)
	}
	return m.frand
}

// RecordFault notes an injected fault for the failure report, with the
// step, the virtual time and the node it happened on.
//
//go:norace
func RecordFault(format string, args ...any) {
	w := running()
	if w == nil {
		return
	}
	m := w.mach()
	m.nfaults++
	if len(m.faults) >= maxFaultRecord {
		return
	}
	who := "host"
	if cur != nil {
		who = m.nodes[cur.node].name
	}
	what := who + ": " + fmt.Sprintf(format, args...)
	m.faults = append(m.faults, fmt.Sprintf("step %d, +%v, %s", w.dec.n, time.Duration(w.now-epochNanos), what))
	if w.trace != nil {
		w.trace.fault(what)
	}
}

// faultText is the report's list of injected faults, "" when none.
//
//go:norace
func (m *machines) faultText() string {
	if m == nil || m.nfaults == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "simrt: %d fault(s) injected in this run:\n", m.nfaults)
	for _, f := range m.faults {
		b.WriteString("  " + f + "\n")
	}
	if m.nfaults > len(m.faults) {
		fmt.Fprintf(&b, "  ... and %d more\n", m.nfaults-len(m.faults))
	}
	return b.String()
}

// Event is a set of goroutines waiting for something that a goroutine or
// a callback timer (CallAt) announces with Notify. Waiters re-check their
// condition after Wait returns, as with sync.Cond. Notify never blocks and
// is not a scheduling point, so callbacks may call it. Events are what
// simnet and simos build blocking reads, accepts and dials on.
type Event struct {
	q gqueue
}

// Wait blocks the running goroutine until the next Notify. reason is what
// a deadlock report says it waits on ("net read", ...).
//
//go:norace
func (e *Event) Wait(reason string) {
	w := cw
	if w == nil {
		panic("simrt: Event.Wait outside a simulation")
	}
	me := cur
	e.q.push(me)
	me.waitq = &e.q
	w.block(reason)
}

// Notify wakes every goroutine waiting on e.
//
//go:norace
func (e *Event) Notify() {
	w := cw
	if w == nil || len(e.q.q) == 0 {
		return
	}
	w.wakeAll(&e.q)
}

// CallAt runs f inline (on no goroutine of its own) when the virtual clock
// reaches t, or at the next advance when t has passed. f must not block;
// it may Notify, send on buffered channels with room, and schedule more
// calls. The returned stop cancels the call if it has not run, and
// reports whether it did cancel. Calls belong to no node: a crash does
// not remove them.
//
//go:norace
func CallAt(t time.Time, f func()) (stop func() bool) {
	w := cw
	if w == nil {
		panic("simrt: CallAt outside a simulation")
	}
	// A time already passed is due now: no earlier than the latest reading
	// shown (slip.go), or the clock would move back past it.
	when := t.UnixNano()
	if from := w.armFrom(); when < from {
		when = from
	}
	tm := &timer{when: when, kind: tkCall, f: f, idx: -1}
	w.addTimer(tm)
	tm.node = Host
	return func() bool { return w.delTimer(tm) }
}
