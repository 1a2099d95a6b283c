//go:build sim

package sim

// This file is the package under simgen's simulation: every call acts on
// the running test's world through simrt (nodes, faults), simnet (links,
// partitions) and simos (disk faults).
//
// Invariants: a Node belongs to the run that made it (node ids are per
// run); every random choice (Buggify, Swarm, Nemesis) comes from the run's
// fault stream; every fault injected here is recorded (simrt.RecordFault),
// so a failing seed's report lists them with their steps.

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simnet"
	"simgen.dev/simgen/simrt/simos"
)

// Enabled reports whether the test runs under simgen's simulation.
func Enabled() bool { return simrt.Simulated() }

// Node is a simulated machine: its own address, goroutines, timers and
// disk, and a main function that runs each time it starts.
type Node struct {
	id   simrt.NodeID
	name string
	main func()
}

// NewNode makes a node named name whose main function is main (nil for a
// node that only runs what Go starts on it). It does not start it. Names
// are unique in a run and resolve as host names (net.Dial("tcp",
// "a:7000")). NewNode panics outside a simulated run.
func NewNode(name string, main func()) *Node {
	return &Node{id: simrt.NewNode(name), name: name, main: main}
}

// Name returns the node's name.
func (n *Node) Name() string { return n.name }

// Addr returns the node's IP address (10.0.0.1 for the first node made).
func (n *Node) Addr() string {
	ip := simrt.NodeIP(n.id)
	return fmt.Sprintf("%d.%d.%d.%d", ip[0], ip[1], ip[2], ip[3])
}

// Start brings the node up and runs its main function on it. Starting a
// node that is up does nothing.
func (n *Node) Start() {
	if simrt.Alive(n.id) {
		return
	}
	main := n.main
	if main == nil {
		main = func() {}
	}
	simrt.GoOn(n.id, main)
}

// Go runs fn as a goroutine of the node (a client living on it, say). A
// node that is down comes up, without its main function.
func (n *Node) Go(fn func()) { simrt.GoOn(n.id, fn) }

// Crash stops the node at once: its goroutines vanish without running
// deferred calls, its timers stop, its connections reset, and what its
// files held but had not synced may be lost or torn. A goroutine of the
// node that calls Crash does not return.
func (n *Node) Crash() {
	if !simrt.Alive(n.id) {
		return
	}
	simrt.RecordFault("crash %s", n.name)
	simrt.Crash(n.id)
}

// Restart crashes the node if it is up, then starts it again: its main
// function runs anew, on the disk the crash left.
func (n *Node) Restart() {
	n.Crash()
	simrt.RecordFault("restart %s", n.name)
	n.Start()
}

// Alive reports whether the node is up.
func (n *Node) Alive() bool { return simrt.Alive(n.id) }

// Boots returns how many times the node was started.
func (n *Node) Boots() int { return simrt.Boots(n.id) }

// SetDiskFaults sets the node's disk error rates.
func (n *Node) SetDiskFaults(f DiskFaults) {
	simos.SetFaults(n.id, simos.Faults{WriteErrRate: f.WriteErrRate, SyncErrRate: f.SyncErrRate})
}

func netLink(l Link) simnet.Link {
	return simnet.Link{MinLatency: l.MinLatency, MaxLatency: l.MaxLatency, Loss: l.Loss, Duplicate: l.Duplicate, Reorder: l.Reorder}
}

// SetLink sets the link from one node to another (one direction).
func SetLink(from, to *Node, l Link) { simnet.SetLink(from.id, to.id, netLink(l)) }

// SetLinks sets every link that SetLink did not set.
func SetLinks(l Link) { simnet.SetDefaultLink(netLink(l)) }

// Partition splits the network: nodes in different groups cannot reach
// each other until Heal. Nodes named in no group (and the test's own
// goroutines) stay reachable from all.
func Partition(groups ...[]*Node) {
	ids := make([][]simrt.NodeID, len(groups))
	for i, g := range groups {
		for _, n := range g {
			ids[i] = append(ids[i], n.id)
		}
	}
	simnet.Partition(ids...)
}

// Isolate cuts the node off from every other node and from the test's own
// goroutines, until Heal.
func Isolate(n *Node) {
	simrt.RecordFault("isolate %s", n.name)
	for _, id := range simrt.Nodes() {
		if id != n.id {
			simnet.Cut(n.id, id)
		}
	}
}

// Heal ends every partition and cut.
func Heal() { simnet.Heal() }

// Buggify is a fault point: it reports whether the code it guards should
// misbehave now. Each call site is enabled for a run with probability
// 1/4, drawn from the seed; an enabled site fires with probability 1/4 on
// each call. SIM_BUGGIFY=off disables every site, SIM_BUGGIFY=on enables
// every site (each still fires with its probability).
//
//	if sim.Buggify() {
//		time.Sleep(time.Second) // a slow disk, now and then
//	}
func Buggify() bool { return buggify(0.25) }

// BuggifyWith is Buggify with its own firing probability p for an enabled
// site.
func BuggifyWith(p float64) bool { return buggify(p) }

const buggifyEnable = 0.25

type buggifyKey struct{}

type buggifySites map[string]bool

var buggifyMode = strings.ToLower(os.Getenv("SIM_BUGGIFY"))

func buggify(p float64) bool {
	if !simrt.Simulated() || buggifyMode == "off" || buggifyMode == "0" {
		return false
	}
	if buggifyMode != "" && buggifyMode != "on" && buggifyMode != "1" {
		panic(fmt.Sprintf("sim: SIM_BUGGIFY=%q: want on or off", os.Getenv("SIM_BUGGIFY")))
	}
	_, file, line, _ := runtime.Caller(2)
	site := filepath.Base(file) + ":" + strconv.Itoa(line)
	sites := simrt.WorldLocal(buggifyKey{}, func() any { return buggifySites{} }).(buggifySites)
	on, seen := sites[site]
	if !seen {
		on = buggifyMode == "on" || buggifyMode == "1" || simrt.FaultFloat64() < buggifyEnable
		sites[site] = on
	}
	if !on || simrt.FaultFloat64() >= p {
		return false
	}
	simrt.RecordFault("buggify fired at %s", site)
	return true
}

// Faultf records a fault the test injects by its own means, so that the
// failure report lists it with the others.
func Faultf(format string, args ...any) { simrt.RecordFault(format, args...) }

func draw(r Range) float64 {
	if r.Max <= r.Min {
		return r.Min
	}
	return r.Min + (r.Max-r.Min)*simrt.FaultFloat64()
}

func drawDur(r DurationRange) time.Duration {
	if r.Max <= r.Min {
		return r.Min
	}
	return r.Min + time.Duration(simrt.FaultUint64N(uint64(r.Max-r.Min)+1))
}

// Swarm draws this run's weather from c, as TigerBeetle's VOPR does: each
// seed tests under different fault rates. The weather is recorded with
// the run's faults.
func Swarm(c SwarmConfig) Weather {
	var w Weather
	w.Link.MaxLatency = drawDur(c.Latency)
	w.Link.MinLatency = w.Link.MaxLatency / 10
	w.Link.Loss = draw(c.Loss)
	w.Link.Duplicate = draw(c.Duplicate)
	w.PartitionEvery = drawDur(c.PartitionEvery)
	w.PartitionFor = drawDur(c.PartitionFor)
	w.CrashEvery = drawDur(c.CrashEvery)
	w.DownFor = drawDur(c.DownFor)
	w.Disk.WriteErrRate = draw(c.DiskWriteErr)
	w.Disk.SyncErrRate = draw(c.DiskSyncErr)
	simrt.RecordFault("swarm weather: %v", w)
	return w
}

// around returns a duration drawn uniformly from [d/2, 3d/2].
func around(d time.Duration) time.Duration {
	return d/2 + time.Duration(simrt.FaultUint64N(uint64(d)+1))
}

// Nemesis plays the weather against nodes until stop is called: it sets
// every link and disk as the weather says, partitions the nodes in two
// about every PartitionEvery for about PartitionFor, and crashes one node
// about every CrashEvery, restarting it about DownFor later. It never
// keeps more than a minority of the nodes down at once, so a quorum system
// can still make progress. stop heals the network, restarts the nodes it
// crashed and returns when the nemesis has ended; call it before checking
// the system's final state (defer stop() is the usual form).
func Nemesis(w Weather, nodes ...*Node) (stop func()) {
	return NemesisOf(w, nodes, nodes)
}

// NemesisOf is Nemesis with separate targets: it crashes (and sets the
// disks of) only the nodes in crash, and partitions the nodes in
// partition. Clients that must see partitions but must not crash (a test
// waits for them) go in partition only.
func NemesisOf(w Weather, crash, partition []*Node) (stop func()) {
	if w.Link != (Link{}) {
		SetLinks(w.Link)
	}
	for _, n := range crash {
		n.SetDiskFaults(w.Disk)
	}
	done := simrt.MakeChan[struct{}](0)
	ended := simrt.MakeChan[struct{}](0)
	nem := &nemesis{w: w, nodes: crash, parts: partition, down: map[*Node]time.Time{}}
	simrt.Go(func() {
		defer simrt.Close(ended)
		nem.run(done)
	})
	stopped := false
	return func() {
		if stopped {
			return
		}
		stopped = true
		simrt.Close(done)
		simrt.Recv(ended)
	}
}

type nemesis struct {
	w           Weather
	nodes       []*Node             // the nodes it crashes
	parts       []*Node             // the nodes it partitions
	down        map[*Node]time.Time // crashed nodes and when they restart
	parted      bool
	nextPart    time.Time // the next partition (zero: never)
	healAt      time.Time
	nextCrash   time.Time
	maxDownNode int
}

func (m *nemesis) run(done *simrt.Chan[struct{}]) {
	now := simrt.Now()
	if m.w.PartitionEvery > 0 && len(m.parts) > 0 {
		m.nextPart = now.Add(around(m.w.PartitionEvery))
	}
	if m.w.CrashEvery > 0 && len(m.nodes) > 0 {
		m.nextCrash = now.Add(around(m.w.CrashEvery))
	}
	m.maxDownNode = (len(m.nodes) - 1) / 2
	if len(m.nodes) == 1 {
		m.maxDownNode = 1
	}
	for {
		at := m.next()
		var wake *simrt.Chan[time.Time]
		if !at.IsZero() {
			wake = simrt.After(simrt.Until(at))
		}
		// A nil wake channel blocks forever in its case, as in Go.
		if simrt.Select(false, simrt.OnRecv(done), simrt.OnRecv(wake)) == 0 {
			m.end()
			return
		}
		m.act(simrt.Now())
	}
}

// next returns the instant of the next action, zero when there is none.
func (m *nemesis) next() time.Time {
	var at time.Time
	early := func(t time.Time) {
		if !t.IsZero() && (at.IsZero() || t.Before(at)) {
			at = t
		}
	}
	if m.parted {
		early(m.healAt)
	} else {
		early(m.nextPart)
	}
	early(m.nextCrash)
	for _, t := range m.down {
		early(t)
	}
	return at
}

func (m *nemesis) act(now time.Time) {
	if m.parted && !now.Before(m.healAt) {
		m.parted = false
		Heal() // simnet records it
		m.nextPart = now.Add(around(m.w.PartitionEvery))
	} else if !m.parted && !m.nextPart.IsZero() && !now.Before(m.nextPart) {
		m.partition()
		m.parted = true
		m.healAt = now.Add(around(m.w.PartitionFor))
	}
	for _, n := range m.downSorted() {
		if !now.Before(m.down[n]) {
			delete(m.down, n)
			simrt.RecordFault("restart %s", n.name)
			n.Start()
		}
	}
	if !m.nextCrash.IsZero() && !now.Before(m.nextCrash) {
		m.nextCrash = now.Add(around(m.w.CrashEvery))
		if len(m.down) < m.maxDownNode {
			var up []*Node
			for _, n := range m.nodes {
				if n.Alive() {
					up = append(up, n)
				}
			}
			if len(up) > 0 {
				n := up[simrt.FaultUint64N(uint64(len(up)))]
				n.Crash()
				m.down[n] = now.Add(around(m.w.DownFor))
			}
		}
	}
}

// partition splits the nodes in two groups drawn from the fault stream;
// one node alone is isolated.
func (m *nemesis) partition() {
	if len(m.parts) == 1 {
		Isolate(m.parts[0])
		return
	}
	ns := append([]*Node(nil), m.parts...)
	for i := len(ns) - 1; i > 0; i-- {
		j := int(simrt.FaultUint64N(uint64(i + 1)))
		ns[i], ns[j] = ns[j], ns[i]
	}
	k := 1 + int(simrt.FaultUint64N(uint64(len(ns)-1)))
	Partition(ns[:k], ns[k:]) // simnet records it
}

// downSorted returns the crashed nodes in the order they were made.
func (m *nemesis) downSorted() []*Node {
	var ns []*Node
	for _, n := range m.nodes {
		if _, ok := m.down[n]; ok {
			ns = append(ns, n)
		}
	}
	return ns
}

// end heals the network and restarts the nodes the nemesis crashed.
func (m *nemesis) end() {
	if m.parted {
		Heal()
	}
	for _, n := range m.downSorted() {
		delete(m.down, n)
		simrt.RecordFault("restart %s", n.name)
		n.Start()
	}
}
