package simos

// This file is what a crash does to a node's disk, and the fault knobs:
// file content changes with their undo records, Sync, the crash hook, and
// SetFaults.
//
// Unsynced changes are kept as undo records rather than as a second copy
// of the file: a write remembers the bytes it overwrote and the size
// before it, a truncation the tail it cut. Sync drops the records (O(1)),
// an append costs no copy, and a crash rolls the newest records back,
// wholly or in part, to the state it chose.
//
// Invariants:
//   - Undoing a file's records newest first, each wholly, gives its content
//     at the last Sync. Undoing record k only from byte m on, after undoing
//     every newer record, gives the content with records 0..k-1 and the
//     first m bytes of record k.
//   - The fault stream is drawn from only when a rate is above zero or a
//     crash meets unsynced data, in an order that depends on the run alone.

import (
	"fmt"
	"sort"
	"syscall"

	"simgen.dev/simgen/simrt"
)

// undo is one unsynced change to a file: a write of n bytes at off, or a
// truncation to off (n < 0).
type undo struct {
	off     int64
	n       int64  // bytes written; -1 for a truncation
	oldSize int64  // the size before the change
	before  []byte // the old bytes the change overwrote (write) or cut (truncation), from off
}

// resize sets n's length to size, zero-filling any growth.
//
//go:norace
func resize(n *inode, size int64) {
	cur := int64(len(n.data))
	switch {
	case size <= cur:
		n.data = n.data[:size]
	case size <= int64(cap(n.data)):
		n.data = n.data[:size]
		clear(n.data[cur:])
	default:
		n.data = simrt.AppendBytes(n.data, make([]byte, size-cur))
	}
}

// writeAt writes b at off (the data is loaded) and keeps its undo record
// unless the write is durable at once.
//
//go:norace
func (d *disk) writeAt(n *inode, b []byte, off int64, durable bool) {
	old := int64(len(n.data))
	end := off + int64(len(b))
	if !durable {
		u := undo{off: off, n: int64(len(b)), oldSize: old}
		if off < old {
			u.before = simrt.AppendBytes(nil, n.data[off:min(end, old)])
		}
		d.logUndo(n, u)
	}
	if end > old {
		resize(n, end)
	}
	simrt.CopyBytes(n.data[off:], b)
	touch(n)
}

// truncate sets n's size (the data is loaded).
//
//go:norace
func (d *disk) truncate(n *inode, size int64, durable bool) {
	old := int64(len(n.data))
	if size == old {
		touch(n)
		return
	}
	if !durable {
		u := undo{off: size, n: -1, oldSize: old}
		if size < old {
			u.before = simrt.AppendBytes(nil, n.data[size:])
		}
		d.logUndo(n, u)
	}
	resize(n, size)
	touch(n)
}

//go:norace
func (d *disk) logUndo(n *inode, u undo) {
	if n.nlink == 0 {
		return // gone at a crash anyway
	}
	n.undo = append(n.undo, u)
	mset(d.dirty, n, struct{}{})
}

// rollback undoes u wholly (keep < 0) or keeps its first keep bytes.
//
//go:norace
func rollback(n *inode, u undo, keep int64) {
	if keep < 0 || u.n < 0 {
		resize(n, u.oldSize)
		simrt.CopyBytes(n.data[u.off:], u.before)
		return
	}
	if keep < int64(len(u.before)) {
		simrt.CopyBytes(n.data[u.off+keep:], u.before[keep:])
	}
	resize(n, max(u.oldSize, u.off+keep))
}

// sync makes n's content durable.
//
//go:norace
func (d *disk) sync(n *inode) {
	n.undo = nil
	mdel(d.dirty, n)
}

// durableWrites reports whether writes on this disk need no undo record.
//
//go:norace
func (d *disk) durableWrites() bool { return d.faults().NoCrashLoss }

// faults returns the node's injected disk faults.
//
//go:norace
func (d *disk) faults() Faults {
	f, _ := mget(d.ds.faults, d.node)
	return f
}

// crash is the disk's part of a power cut: open files are gone, and each
// file with unsynced changes keeps all, none or a torn prefix of them.
//
//go:norace
func (d *disk) crash() {
	for _, f := range mkeys(d.open) {
		f.closed = true
		if f.osf != nil {
			forget(f.osf)
			f.osf.Close() // a device: the real file is closed
		}
	}
	d.open = map[*File]struct{}{}
	d.cwd = d.home
	if len(d.dirty) == 0 {
		return
	}
	type victim struct {
		path string
		n    *inode
	}
	var vs []victim
	for _, n := range mkeys(d.dirty) {
		if p := d.pathOf(n); p != "" {
			vs = append(vs, victim{p, n})
		} else {
			n.undo = nil
		}
	}
	d.dirty = map[*inode]struct{}{}
	sort.Slice(vs, func(i, j int) bool { return vs[i].path < vs[j].path })
	keepAll := d.durableWrites()
	disk := "disk " + simrt.NodeName(d.node)
	for _, v := range vs {
		n, us := v.n, v.n.undo
		n.undo = nil
		writes, bytes := len(us), int64(0)
		for _, u := range us {
			if u.n > 0 {
				bytes += u.n
			}
		}
		outcome := uint64(0)
		if !keepAll {
			outcome = simrt.FaultUint64N(3)
		}
		switch outcome {
		case 0:
			simrt.RecordFault("%s: crash: %s kept %s (%d bytes)", disk, v.path, plural(writes, "unsynced write"), bytes)
		case 1:
			for i := len(us) - 1; i >= 0; i-- {
				rollback(n, us[i], -1)
			}
			simrt.RecordFault("%s: crash: %s lost %s (%d bytes)", disk, v.path, plural(writes, "unsynced write"), bytes)
		case 2:
			k := int(simrt.FaultUint64N(uint64(len(us))))
			for i := len(us) - 1; i > k; i-- {
				rollback(n, us[i], -1)
			}
			u := us[k]
			lost := int64(0)
			for _, w := range us[k+1:] {
				if w.n > 0 {
					lost += w.n
				}
			}
			if u.n >= 2 {
				m := 1 + int64(simrt.FaultUint64N(uint64(u.n-1)))
				rollback(n, u, m)
				simrt.RecordFault("%s: crash: %s kept %d of %d unsynced writes, torn at byte %d (%d bytes lost)",
					disk, v.path, k, writes, u.off+m, lost+u.n-m)
			} else {
				rollback(n, u, -1)
				if u.n > 0 {
					lost += u.n
				}
				simrt.RecordFault("%s: crash: %s kept %d of %d unsynced writes (%d bytes lost)",
					disk, v.path, k, writes, lost)
			}
		}
	}
}

//go:norace
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Faults are the error rates and crash behaviour of a node's disk.
type Faults struct {
	// WriteErrRate is the probability that a File.Write or File.WriteAt
	// (and so WriteString, ReadFrom, WriteFile...) fails with EIO,
	// writing nothing: &fs.PathError{Op: "write", Path: name, Err: syscall.EIO}.
	WriteErrRate float64
	// SyncErrRate is the probability that a File.Sync fails with EIO
	// (Op "sync"), making nothing durable: the writes stay unsynced.
	SyncErrRate float64
	// NoCrashLoss makes every write durable at once, as on a disk with a
	// battery-backed cache: a crash loses nothing that was written.
	NoCrashLoss bool
}

// disks is a run's simulated disks and their faults.
type disks struct {
	byNode map[simrt.NodeID]*disk
	faults map[simrt.NodeID]Faults
}

type disksKey struct{}

// theDisks returns the running world's disks, made (and the crash hook
// registered) on first use in the run.
//
//go:norace
func theDisks() *disks {
	return simrt.WorldLocal(disksKey{}, func() any {
		ds := &disks{byNode: map[simrt.NodeID]*disk{}, faults: map[simrt.NodeID]Faults{}}
		simrt.OnCrash(ds.crash)
		return ds
	}).(*disks)
}

//go:norace
func (ds *disks) disk(id simrt.NodeID) *disk {
	d, _ := mget(ds.byNode, id)
	if d == nil {
		d = newDisk(ds, id)
		mset(ds.byNode, id, d)
	}
	return d
}

//go:norace
func (ds *disks) crash(id simrt.NodeID) {
	if d, _ := mget(ds.byNode, id); d != nil {
		d.crash()
	}
}

// current returns the disk of the running goroutine's node: nil for the
// host and outside a run, where the real file system serves.
//
//go:norace
func current() *disk {
	id := simrt.CurrentNode()
	if id == simrt.Host {
		return nil
	}
	return theDisks().disk(id)
}

// nodeDisk returns node's disk, for the control API.
//
//go:norace
func nodeDisk(node simrt.NodeID, what string) *disk {
	if !simrt.Simulated() {
		panic("simos: " + what + " outside a simulated run")
	}
	if node == simrt.Host {
		panic("simos: " + what + " on the host: the host's disk is the real file system")
	}
	simrt.NodeName(node) // panics on a node the run does not have
	return theDisks().disk(node)
}

// SetFaults sets node's disk faults for the rest of the run. It panics
// outside a run and for the host, whose disk is the real one.
//
//go:norace
func SetFaults(node simrt.NodeID, f Faults) {
	nodeDisk(node, "SetFaults")
	mset(theDisks().faults, node, f)
}

// FaultsOf returns node's disk faults (zero outside a run and for the host).
//
//go:norace
func FaultsOf(node simrt.NodeID) Faults {
	if !simrt.Simulated() || node == simrt.Host {
		return Faults{}
	}
	f, _ := mget(theDisks().faults, node)
	return f
}

// inject reports whether a fault of the given rate fires now, recording
// it when it does.
//
//go:norace
func (d *disk) inject(rate float64, op, name string) bool {
	if rate <= 0 || simrt.FaultFloat64() >= rate {
		return false
	}
	simrt.RecordFault("disk %s: %s %s: injected %v", simrt.NodeName(d.node), op, name, syscall.EIO)
	return true
}
