package simnet

// This file holds a run's network: the links between nodes, which nodes
// reach which (Partition, Cut, Connect, Heal), each node's stack of
// listeners and sockets, and what a crash does to them. It is the control
// API that package sim calls.
//
// Invariants:
//   - All state lives in the run's world-local *network (simrt.WorldLocal),
//     made on first use in a run; a new run starts with a fresh one. It is
//     touched only by the running simulated goroutine or by a callback of
//     the clock, one at a time, so it needs no lock.
//   - Nothing iterates a map: lists that are walked (stacks, held flows,
//     listeners, sockets) are slices in creation order, so the order of
//     effects depends on the seed only.
//   - Every random draw (latency, loss, duplication, reordering) comes from
//     simrt's fault stream, and only when the link asks for it: a link
//     without loss draws no loss, so the scheduler's and the program's
//     streams never move with the network's configuration.

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"simgen.dev/simgen/simrt"
)

// Link is one direction of a link between two nodes. Each message (a
// stream segment or a datagram) takes a latency drawn from the run's
// fault stream uniformly in [MinLatency, MaxLatency]. Loss, Duplicate and
// Reorder are probabilities in [0, 1]: for datagrams, of being dropped,
// sent twice, and held back past later ones; for streams, Loss delays a
// segment by TCP's retransmission timeouts instead of dropping it, and
// Duplicate and Reorder do nothing (TCP hides them).
type Link struct {
	MinLatency, MaxLatency time.Duration
	Loss, Duplicate        float64
	Reorder                float64
}

// The default link between two different nodes (DefaultLink until
// SetDefaultLink): 100µs to 1ms, no loss. A node's link to itself
// (loopback) takes LoopbackMinLatency to LoopbackMaxLatency each way, as
// a loopback round trip takes some tens of microseconds natively, so that
// code measuring one sees it take time; under SIM_TIME=exact it is the zero
// Link. SetLink sets either.
const (
	DefaultMinLatency  = 100 * time.Microsecond
	DefaultMaxLatency  = time.Millisecond
	LoopbackMinLatency = 5 * time.Microsecond
	LoopbackMaxLatency = 25 * time.Microsecond
)

// hostAddr is the address by which nodes reach the host (the test's own
// goroutines): outside 10.0.0.0/16, where node addresses are.
var hostAddr = netip.AddrFrom4([4]byte{10, 255, 255, 254})

//go:norace
func (l Link) check(fn string) {
	if l.MinLatency < 0 || l.MaxLatency < 0 {
		panic(fmt.Sprintf("simnet: %s: negative latency in %+v", fn, l))
	}
	if l.MaxLatency < l.MinLatency {
		panic(fmt.Sprintf("simnet: %s: MaxLatency %v below MinLatency %v", fn, l.MaxLatency, l.MinLatency))
	}
	for _, p := range []float64{l.Loss, l.Duplicate, l.Reorder} {
		if !(p >= 0 && p <= 1) {
			panic(fmt.Sprintf("simnet: %s: rate %v outside [0, 1] in %+v", fn, p, l))
		}
	}
}

// latency draws one message's latency.
//
//go:norace
func (l Link) latency() time.Duration {
	if l.MaxLatency <= l.MinLatency {
		return l.MinLatency
	}
	return l.MinLatency + time.Duration(simrt.FaultUint64N(uint64(l.MaxLatency-l.MinLatency)+1))
}

// pair is an unordered pair of nodes, smaller first.
type pair [2]simrt.NodeID

//go:norace
func pairOf(a, b simrt.NodeID) pair {
	if a > b {
		a, b = b, a
	}
	return pair{a, b}
}

// network is one run's network.
type network struct {
	def    Link
	links  map[[2]simrt.NodeID]Link  // per direction, set by SetLink
	group  map[simrt.NodeID]int      // partition group (from 1) of the nodes Partition named
	pairs  map[pair]bool             // Cut (false) and Connect (true), over the partition
	stacks []*stack                  // by node id, grown on demand
	held   []*flow                   // flows that may hold segments for a link that is down
	paths  map[[2]simrt.NodeID]*path // datagrams on their way, per direction
	alias  map[string]netip.Addr
	loop   Link // a node's link to itself unless SetLink sets it
}

type netKey struct{}

// current returns the running world's network, nil outside a run.
//
//go:norace
func current() *network {
	if !simrt.Simulated() {
		return nil
	}
	return simrt.WorldLocal(netKey{}, newNetwork).(*network)
}

// mustCurrent is current for the control API, which has no meaning
// outside a run.
//
//go:norace
func mustCurrent(fn string) *network {
	nw := current()
	if nw == nil {
		panic("simnet: " + fn + " outside a simulated run")
	}
	return nw
}

//go:norace
func newNetwork() any {
	nw := &network{
		def:   Link{MinLatency: DefaultMinLatency, MaxLatency: DefaultMaxLatency},
		links: map[[2]simrt.NodeID]Link{},
		pairs: map[pair]bool{},
		paths: map[[2]simrt.NodeID]*path{},
		alias: map[string]netip.Addr{},
	}
	if !simrt.TimeExact() {
		nw.loop = Link{MinLatency: LoopbackMinLatency, MaxLatency: LoopbackMaxLatency}
	}
	simrt.OnCrash(nw.crash)
	return nw
}

// SetDefaultLink sets the link between every two different nodes that
// SetLink did not set. It panics outside a simulated run.
//
//go:norace
func SetDefaultLink(l Link) {
	l.check("SetDefaultLink")
	mustCurrent("SetDefaultLink").def = l
}

// DefaultLink returns the link between different nodes that SetLink did
// not set: 100µs to 1ms and no loss, unless SetDefaultLink changed it.
//
//go:norace
func DefaultLink() Link {
	if nw := current(); nw != nil {
		return nw.def
	}
	return Link{MinLatency: DefaultMinLatency, MaxLatency: DefaultMaxLatency}
}

// SetLink sets the link from one node to another, one direction. from ==
// to sets the node's loopback. It panics outside a simulated run.
//
//go:norace
func SetLink(from, to simrt.NodeID, l Link) {
	l.check("SetLink")
	mset(mustCurrent("SetLink").links, [2]simrt.NodeID{from, to}, l)
}

// LinkOf returns the link from one node to another.
//
//go:norace
func LinkOf(from, to simrt.NodeID) Link {
	nw := current()
	if nw == nil {
		if from == to {
			return Link{}
		}
		return DefaultLink()
	}
	return nw.link(from, to)
}

//go:norace
func (nw *network) link(from, to simrt.NodeID) Link {
	if l, ok := mget(nw.links, [2]simrt.NodeID{from, to}); ok {
		return l
	}
	if from == to {
		return nw.loop
	}
	return nw.def
}

// Partition splits the network into groups: nodes in different groups
// cannot reach each other; nodes named in no group (the host among them,
// unless named) stay reachable from all. It replaces the previous
// partition; cuts and connections made by Cut and Connect stay over it.
// It panics outside a simulated run.
//
//go:norace
func Partition(groups ...[]simrt.NodeID) {
	nw := mustCurrent("Partition")
	group := map[simrt.NodeID]int{}
	var desc []string
	for i, g := range groups {
		var names []string
		for _, id := range g {
			mset(group, id, i+1)
			names = append(names, simrt.NodeName(id))
		}
		sort.Strings(names)
		desc = append(desc, "["+strings.Join(names, " ")+"]")
	}
	nw.group = group
	simrt.RecordFault("net: partition %s", strings.Join(desc, " | "))
	nw.changed()
}

// Heal ends the partition and every Cut and Connect: all nodes reach all.
// Segments held for links that were down are sent. It panics outside a
// simulated run.
//
//go:norace
func Heal() {
	nw := mustCurrent("Heal")
	nw.group = nil
	nw.pairs = map[pair]bool{}
	simrt.RecordFault("net: heal")
	nw.changed()
}

// Cut takes down the link between a and b, both ways, until Connect or
// Heal. It panics outside a simulated run.
//
//go:norace
func Cut(a, b simrt.NodeID) {
	nw := mustCurrent("Cut")
	if a == b {
		return
	}
	mset(nw.pairs, pairOf(a, b), false)
	simrt.RecordFault("net: cut %s <-> %s", simrt.NodeName(a), simrt.NodeName(b))
}

// Connect brings up the link between a and b, both ways, whatever Cut or
// the partition said, until Cut or Heal. It panics outside a simulated
// run.
//
//go:norace
func Connect(a, b simrt.NodeID) {
	nw := mustCurrent("Connect")
	if a == b {
		return
	}
	mset(nw.pairs, pairOf(a, b), true)
	simrt.RecordFault("net: connect %s <-> %s", simrt.NodeName(a), simrt.NodeName(b))
	nw.changed()
}

// Reachable reports whether messages from one node get to another now.
// A node always reaches itself; whether the other is up does not matter
// here.
//
//go:norace
func Reachable(from, to simrt.NodeID) bool {
	nw := current()
	if nw == nil {
		return true
	}
	return nw.reachable(from, to)
}

//go:norace
func (nw *network) reachable(a, b simrt.NodeID) bool {
	if a == b {
		return true
	}
	if v, ok := mget(nw.pairs, pairOf(a, b)); ok {
		return v
	}
	ga, _ := mget(nw.group, a)
	gb, _ := mget(nw.group, b)
	return ga == 0 || gb == 0 || ga == gb
}

// changed sends what links that came back up were holding, in the order
// the flows started holding.
//
//go:norace
func (nw *network) changed() {
	keep := nw.held[:0]
	for _, f := range nw.held {
		switch {
		case !f.held || len(f.q) == 0:
			f.held, f.listed = false, false
		case nw.reachable(f.src.node, f.dst.node):
			f.listed = false
			f.release()
		default:
			keep = append(keep, f)
		}
	}
	for i := len(keep); i < len(nw.held); i++ {
		nw.held[i] = nil
	}
	nw.held = keep
}

// Alias makes name resolve to node id's address (10.255.255.254 for the host)
// for the rest of the run, as an /etc/hosts line would. It panics outside
// a simulated run.
//
//go:norace
func Alias(name string, id simrt.NodeID) {
	nw := mustCurrent("Alias")
	mset(nw.alias, strings.TrimSuffix(name, "."), NodeAddr(id))
}

// NodeAddr returns the address by which other nodes reach node id: its
// 10.0.x.y, or 10.255.255.254 for the host.
//
//go:norace
func NodeAddr(id simrt.NodeID) netip.Addr {
	if id == simrt.Host {
		return hostAddr
	}
	return netip.AddrFrom4(simrt.NodeIP(id))
}

// stack is one node's sockets.
type stack struct {
	id        simrt.NodeID
	listeners []*listener    // open TCP listeners, in the order made
	eps       []*endpoint    // open TCP endpoints (dialing, established, queued)
	udps      []*udpSock     // open UDP sockets
	tcpPorts  map[uint16]int // local ports held by endpoints that own one
	nextTCP   uint16         // next ephemeral port to try
	nextUDP   uint16
}

// The ephemeral port range (Linux's ip_local_port_range).
const (
	portLo = 32768
	portHi = 60999
)

//go:norace
func (nw *network) stack(id simrt.NodeID) *stack {
	for int(id) >= len(nw.stacks) {
		nw.stacks = append(nw.stacks, nil)
	}
	s := nw.stacks[id]
	if s == nil {
		s = &stack{id: id, tcpPorts: map[uint16]int{}, nextTCP: portLo, nextUDP: portLo}
		nw.stacks[id] = s
	}
	return s
}

// ephemeral returns the next free port of the range, starting at *next.
//
//go:norace
func ephemeral(next *uint16, used func(uint16) bool) (uint16, bool) {
	for i := 0; i <= portHi-portLo; i++ {
		p := *next
		if *next++; *next > portHi {
			*next = portLo
		}
		if !used(p) {
			return p, true
		}
	}
	return 0, false
}

// tcpPortUsed reports whether port is held on the node, by a listener or
// an endpoint.
//
//go:norace
func (s *stack) tcpPortUsed(port uint16) bool {
	if n, _ := mget(s.tcpPorts, port); n > 0 {
		return true
	}
	for _, l := range s.listeners {
		if l.addr.Port() == port {
			return true
		}
	}
	return false
}

// removeEndpoint forgets e (closed, or crashed) and releases its port.
//
//go:norace
func (s *stack) removeEndpoint(e *endpoint) {
	for i, x := range s.eps {
		if x == e {
			s.eps = without(s.eps, i)
			break
		}
	}
	if e.ownsPort {
		e.ownsPort = false
		port := e.laddr.Port()
		if n, _ := mget(s.tcpPorts, port); n <= 1 {
			mdel(s.tcpPorts, port)
		} else {
			mset(s.tcpPorts, port, n-1)
		}
	}
}

// crash is the OnCrash hook: the node's listeners and sockets vanish at
// once, and the peers of its connections learn it by a reset.
//
//go:norace
func (nw *network) crash(id simrt.NodeID) {
	if int(id) >= len(nw.stacks) || nw.stacks[id] == nil {
		return
	}
	s := nw.stacks[id]
	ls, eps, udps := s.listeners, s.eps, s.udps
	s.listeners, s.eps, s.udps = nil, nil, nil
	s.tcpPorts = map[uint16]int{}
	for _, l := range ls {
		l.closed = true
		l.q = nil
		l.ev.Notify()
	}
	for _, e := range eps {
		e.ownsPort = false
		e.vanish()
	}
	for _, u := range udps {
		u.closed = true
		u.q = nil
		u.rdEv.Notify()
	}
}

// nowNanos is the virtual clock in Unix nanoseconds.
//
//go:norace
func nowNanos() int64 { return simrt.Now().UnixNano() }
