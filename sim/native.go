//go:build !sim

package sim

// This file is the package without the sim tag: harmless stubs.
//
// Invariants: nothing here fails, blocks or injects a fault; nodes are
// plain goroutines on the real machine, started at most once.

import "sync"

// Enabled reports whether the test runs under simgen's simulation.
func Enabled() bool { return false }

// Node is a simulated machine. Without the sim tag it is a name and a
// function run as a plain goroutine.
type Node struct {
	name    string
	main    func()
	mu      sync.Mutex
	started bool
}

// NewNode makes a node named name whose main function is main. It does
// not start it.
func NewNode(name string, main func()) *Node { return &Node{name: name, main: main} }

// Name returns the node's name.
func (n *Node) Name() string { return n.name }

// Addr returns the node's IP address; without the sim tag, 127.0.0.1.
func (n *Node) Addr() string { return "127.0.0.1" }

// Start runs the node's main function, once.
func (n *Node) Start() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.started || n.main == nil {
		n.started = true
		return
	}
	n.started = true
	go n.main()
}

// Go runs fn as a goroutine.
func (n *Node) Go(fn func()) { go fn() }

// Crash does nothing without the sim tag.
func (n *Node) Crash() {}

// Restart does nothing without the sim tag.
func (n *Node) Restart() {}

// Alive reports whether Start was called.
func (n *Node) Alive() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.started
}

// Boots returns 1 once the node started, 0 before.
func (n *Node) Boots() int {
	if n.Alive() {
		return 1
	}
	return 0
}

// SetDiskFaults does nothing without the sim tag.
func (n *Node) SetDiskFaults(DiskFaults) {}

// SetLink does nothing without the sim tag.
func SetLink(from, to *Node, l Link) {}

// SetLinks does nothing without the sim tag.
func SetLinks(l Link) {}

// Partition does nothing without the sim tag.
func Partition(groups ...[]*Node) {}

// Isolate does nothing without the sim tag.
func Isolate(n *Node) {}

// Heal does nothing without the sim tag.
func Heal() {}

// Buggify never fires without the sim tag.
func Buggify() bool { return false }

// BuggifyWith never fires without the sim tag.
func BuggifyWith(p float64) bool { return false }

// Faultf does nothing without the sim tag.
func Faultf(format string, args ...any) {}

// Swarm returns calm weather without the sim tag.
func Swarm(c SwarmConfig) Weather { return Weather{} }

// Nemesis does nothing without the sim tag; stop does nothing either.
func Nemesis(w Weather, nodes ...*Node) (stop func()) { return func() {} }

// NemesisOf does nothing without the sim tag; stop does nothing either.
func NemesisOf(w Weather, crash, partition []*Node) (stop func()) { return func() {} }
