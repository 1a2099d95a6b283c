// Package sim is what a simulation test imports to build a small world of
// machines and break it: named nodes that run a main function, crash and
// restart with their disks as the crash left them; a network between them
// whose links have latency and loss and can be partitioned; disks that fail
// writes and syncs; fault points in user code (Buggify); and weather drawn
// per seed (Swarm) that a Nemesis plays against the nodes.
//
// Built with the sim tag (simgen's shadow tree), every call acts on the
// simulated run of the calling test, and every random choice comes from
// the run's seed, so a failing seed replays its faults exactly. Built
// without it, the package compiles to harmless stubs: Enabled reports
// false, nodes run their functions as plain goroutines on the real
// machine, and the fault calls do nothing (Buggify never fires). A test
// that needs faults to mean anything starts with
//
//	if !sim.Enabled() {
//		t.Skip("needs simgen's simulation: simgen test ./...")
//	}
//
// A test uses it like this:
//
//	a := sim.NewNode("a", func() { serve(":7000") })
//	b := sim.NewNode("b", func() { serve(":7000") })
//	a.Start()
//	b.Start()
//	sim.Partition([]*sim.Node{a}, []*sim.Node{b})
//	...
//	sim.Heal()
//	b.Restart()
//
// docs/simulation.md is the guide.
package sim

// This file holds the types both builds share.
//
// Invariants: plain values only; the simulated half (simulated.go) and the
// stubs (native.go) give them their meaning.

import (
	"fmt"
	"time"
)

// Link is one direction of a network link between two nodes. Every message
// is delayed by a latency drawn uniformly from [MinLatency, MaxLatency].
// Loss, Duplicate and Reorder are probabilities that apply to datagrams
// (UDP); streams (TCP) stay ordered and reliable while the link is up.
type Link struct {
	MinLatency, MaxLatency time.Duration
	Loss, Duplicate        float64
	Reorder                float64
}

// DiskFaults sets how often a node's disk fails: the probability that a
// Write (or WriteAt) fails with EIO, and that a Sync does.
type DiskFaults struct {
	WriteErrRate, SyncErrRate float64
}

// Range is a closed interval of probabilities or rates for Swarm.
type Range struct{ Min, Max float64 }

// DurationRange is a closed interval of durations for Swarm. A zero range
// means never (for the intervals between faults) or no time.
type DurationRange struct{ Min, Max time.Duration }

// SwarmConfig holds the ranges Swarm draws a run's weather from.
type SwarmConfig struct {
	// Latency bounds the maximum one-way latency of every link; the
	// minimum is a tenth of the maximum drawn.
	Latency DurationRange
	// Loss and Duplicate bound the datagram loss and duplication rates.
	Loss, Duplicate Range
	// PartitionEvery bounds the mean time between partitions, and
	// PartitionFor how long one lasts.
	PartitionEvery, PartitionFor DurationRange
	// CrashEvery bounds the mean time between crashes, and DownFor how
	// long a crashed node stays down before it restarts.
	CrashEvery, DownFor DurationRange
	// DiskWriteErr and DiskSyncErr bound the disks' EIO rates.
	DiskWriteErr, DiskSyncErr Range
}

// Weather is one run's fault parameters, drawn by Swarm.
type Weather struct {
	Link                         Link
	PartitionEvery, PartitionFor time.Duration
	CrashEvery, DownFor          time.Duration
	Disk                         DiskFaults
}

// String describes the weather in one line, for logs and reports.
func (w Weather) String() string {
	return fmt.Sprintf("latency %v-%v, loss %.3f, dup %.3f, partition every %v for %v, crash every %v down %v, disk EIO write %.3f sync %.3f",
		w.Link.MinLatency, w.Link.MaxLatency, w.Link.Loss, w.Link.Duplicate,
		w.PartitionEvery, w.PartitionFor, w.CrashEvery, w.DownFor,
		w.Disk.WriteErrRate, w.Disk.SyncErrRate)
}
