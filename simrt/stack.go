package simrt

// This file holds runtime.Stack, whose dump of every goroutine would show
// the runtime's own helpers.
//
// Invariants: Stack(buf, true) writes what runtime.Stack writes, less the
// goroutines that only the simulation runs (idle workers parked in their
// coroutine, the watchdog, the ambient driver, the goroutines of crashed
// machines, which natively would be gone); a goroutine with any frame
// of the program's (a simulated goroutine, blocked or running) stays. A
// simulated goroutine of the running world reads as it would natively: its
// state is what it waits on, its top frame the program's, and its last
// line the go statement that created it, not the worker that carries it
// (leak checkers match those: goleak's IgnoreTopFunction, its
// "created by"). A simulated goroutine that has not started yet has no
// real goroutine, so unlike natively it is not in the dump until it first
// runs.

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
)

// Stack is runtime.Stack. With all set, the dump leaves out the
// simulation's own goroutines, so a leak checker (go.uber.org/goleak) that
// reads it sees the program's goroutines, as it does natively; simulated
// goroutines read as native ones in either form.
//
//go:norace
func Stack(buf []byte, all bool) int {
	dump := realStack(all)
	var sim map[int64]*g       // real goroutine id -> the simulated goroutine it carries
	var crashed map[int64]bool // real goroutines parked by a machine's crash (machine.go)
	if w := cw; w != nil && cur != nil && cur.w == w {
		raceUpcall(func() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
			sim = make(map[int64]*g, len(w.all))
			for _, x := range w.all {
				if x.wk != nil && (x.started || x.wk.root) {
					sim[x.wk.goid] = x
				}
			}
		})
		if w.m != nil && len(w.m.crashed) > 0 {
			crashed = map[int64]bool{}
			for _, x := range w.m.crashed {
				if x.wk != nil && x.started {
					crashed[x.wk.goid] = true
				}
			}
		}
	}
	var out []byte
	for i, block := range bytes.Split(dump, []byte("\n\n")) {
		if i > 0 && (internalGoroutine(block) || crashed[blockGoid(block)]) {
			continue // the first block is the caller's own goroutine
		}
		if x := sim[blockGoid(block)]; x != nil {
			block = nativeBlock(block, x)
		}
		if len(out) > 0 {
			out = append(out, "\n\n"...)
		}
		out = append(out, block...)
	}
	return copy(buf, out)
}

// simGoidBase numbers the simulated goroutines that workers carry in stack
// dumps: a worker's real id is reused by every goroutine it carries, and a
// leak checker that remembers ids (goleak.IgnoreCurrent) must not take a
// new goroutine for an old one. Natively, ids are never reused.
const simGoidBase = 1 << 40

var simGoids int64 // the last id given out, touched by the running goroutine

// dumpGoid is x's goroutine id in stack dumps: the real one for a root,
// which runs on the test's own goroutine, a fresh one for the rest.
//
//go:norace
func (x *g) dumpGoid() int64 {
	if x.wk != nil && x.wk.root {
		return x.wk.goid
	}
	if x.goid == 0 {
		simGoids++
		x.goid = simGoidBase + simGoids
	}
	return x.goid
}

// internalGoroutine reports whether a goroutine's block of a stack dump
// runs the simulation's code only: a simrt frame, and no frame outside
// simrt and the runtime's, iter's, time's and sync's own.
//
//go:norace
func internalGoroutine(block []byte) bool {
	lines := strings.Split(string(block), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "goroutine ") {
		return false
	}
	sim := false
	for _, l := range lines[1:] {
		if l == "" || l[0] == '\t' || strings.HasPrefix(l, "created by ") || strings.HasPrefix(l, "...") {
			continue // a file:line, the creator, an elision
		}
		switch {
		case strings.HasPrefix(l, "simgen.dev/simgen/simrt."):
			sim = true
		case strings.HasPrefix(l, "iter."), strings.HasPrefix(l, "runtime."),
			strings.HasPrefix(l, "time."), strings.HasPrefix(l, "sync."):
		default:
			return false
		}
	}
	return sim
}

// blockGoid returns the id in a block's "goroutine N [...]:" header, or 0.
//
//go:norace
func blockGoid(block []byte) int64 {
	rest, ok := bytes.CutPrefix(block, []byte("goroutine "))
	if !ok {
		return 0
	}
	var id int64
	for _, c := range rest {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + int64(c-'0')
	}
	return id
}

// nativeBlock rewrites the block of the real goroutine carrying x as Go
// would print x: its id and the state it waits in, without the
// simulation's frames, and, on a worker, with the go statement as its
// creator.
//
//go:norace
func nativeBlock(block []byte, x *g) []byte {
	lines := strings.Split(string(block), "\n")
	state := x.reason
	switch x.status {
	case gRunnable:
		state = "runnable"
	case gRunning:
		state = "running"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "goroutine %d [%s]:\n", x.dumpGoid(), state)
	top := true
	for i := 1; i < len(lines); i++ {
		fn := lines[i]
		pos := ""
		if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "\t") {
			pos = lines[i+1]
			i++
		}
		if strings.HasPrefix(fn, simrtPkg+".(*worker).") {
			break // the worker that carries x, and its coroutine
		}
		if strings.HasPrefix(fn, "created by ") {
			if x.wk.root {
				b.WriteString(fn + "\n" + pos + "\n")
			}
			break
		}
		if strings.HasPrefix(fn, simrtPkg+".") ||
			top && (strings.HasPrefix(fn, "iter.") || strings.HasPrefix(fn, "runtime.")) {
			continue // the simulation's frames
		}
		top = false
		b.WriteString(fn + "\n")
		if pos != "" {
			b.WriteString(pos + "\n")
		}
	}
	if !x.wk.root && x.createPC != 0 {
		f, _ := runtime.CallersFrames([]uintptr{x.createPC}).Next()
		b.WriteString("created by " + f.Function)
		var p *g
		raceUpcall(func() { p = x.w.all[x.parent] }) // -race: simrt's maps are touched on the simrt thread (racecoro.go)
		if p != nil && p.wk != nil {
			fmt.Fprintf(&b, " in goroutine %d", p.dumpGoid())
		}
		fmt.Fprintf(&b, "\n\t%s:%d +0x%x", f.File, f.Line, x.createPC-f.Entry)
	}
	return []byte(strings.TrimSuffix(b.String(), "\n"))
}
