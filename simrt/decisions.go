package simrt

// This file records the decision stream of a world: every goroutine picked,
// select case taken, timer order and clock jump. Its running hash is the
// world's fingerprint; SIM_CHECK_DETERMINISM compares two runs of one seed
// step by step, and failure reports show the last decisions.
//
// Each decision in the ring carries its goroutine and, when that goroutine
// had blocked, what it waited on (g.reason, free to copy). The operation and
// user position of each decision are filled in only while tracing
// (trace.go says why: a position costs a runtime.Callers).
//
// Invariants: decisions are recorded in the order they are made, by the
// running goroutine only; the hash depends only on (kind, value, choices)
// of each decision, never on addresses, positions or wall time.

import (
	"fmt"
	"runtime"
	"strings"
)

type evKind uint8

const (
	evPick evKind = iota + 1
	evSelect
	evClock
	evTimer
	evExit
	evSpawn
	evNativeWait
	evRand
	evCrash
)

//go:norace
func (k evKind) String() string {
	switch k {
	case evPick:
		return "run"
	case evSelect:
		return "select case"
	case evClock:
		return "clock"
	case evTimer:
		return "timer"
	case evExit:
		return "exit"
	case evSpawn:
		return "spawn"
	case evNativeWait:
		return "native wait"
	case evRand:
		return "random"
	case evCrash:
		return "crash node"
	}
	return "?"
}

// step is one recorded decision, kept when a log is requested.
type step struct {
	kind    evKind
	blocked bool // a pick made as the goroutine blocked: waits holds on what
	val     int
	n       int // number of choices
	g       int // goroutine running when the decision was made
	pc      uintptr
	hash    uint64
	vtime   int64
}

// stepTrace is what a traced decision adds to its step.
type stepTrace struct {
	op  string // the operation ("chan send", "block", "clock", ...)
	pos string // its user position
}

type decisions struct {
	w     *world
	n     int64
	hash  uint64
	log   []step // every step, when keep is set (determinism check)
	keep  bool
	slow  bool           // keep, or the world is traced: record calls recordSlow
	ring  [ringSize]step // the last decisions, for failure reports
	rings int
	// Beside the ring, so that a step stays free of pointers (every
	// decision copies one; a pointer field would make that a write-barrier
	// copy): what the goroutine that gave up control waited on, for picks
	// made after a block, and while tracing the operation behind each
	// decision.
	waits  [ringSize]string
	traced [ringSize]*stepTrace
}

const ringSize = 64

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

//go:norace
func (d *decisions) init(w *world) {
	d.w = w
	d.hash = fnvOffset
}

// mix folds one decision into the hash, a word at a time (a multiply-xorshift
// step in the style of wyhash): cheap enough to run at every decision.
//
//go:norace
func (d *decisions) mix(x uint64) {
	h := (d.hash ^ x) * 0x9E3779B97F4A7C15
	d.hash = h ^ (h >> 29) ^ fnvPrime
}

//go:norace
func (d *decisions) record(k evKind, val, n int) {
	d.n++
	d.mix(uint64(k)<<56 ^ uint64(n))
	d.mix(uint64(int64(val)))
	s := step{kind: k, val: val, n: n, hash: d.hash, vtime: d.w.now - epochNanos}
	i := d.rings % ringSize
	if cur != nil {
		s.g = cur.id
		if cur.status == gBlocked {
			// A pick as cur blocks (or a clock or timer decision on the
			// way to it): keep what it waits on, for reports.
			s.blocked = true
			d.waits[i] = cur.reason
		}
	}
	d.ring[i] = s
	d.rings++
	if d.w.xr != nil {
		d.w.xr.event(k) // exhaustive.go: state changes the reduction must see
	}
	if d.slow {
		d.recordSlow(i)
	}
}

// recordSlow is the part of record for a run that keeps its log
// (determinism check) or is traced.
//
//go:norace
func (d *decisions) recordSlow(i int) {
	s := &d.ring[i]
	if d.keep {
		s.pc = userPC()
		d.log = append(d.log, *s)
	}
	if t := d.w.trace; t != nil {
		d.traced[i] = t.decision(d.n, s, d.wait(i))
	}
}

// wait returns what the goroutine of ring entry i waited on, if it blocked.
//
//go:norace
func (d *decisions) wait(i int) string {
	if d.ring[i].blocked {
		return d.waits[i]
	}
	return ""
}

//go:norace
func (d *decisions) pick(id, n int) { d.record(evPick, id, n) }

//go:norace
func (d *decisions) event(k evKind, val int) { d.record(k, val, 0) }

// format writes decision i of the log (determinism.go), whose steps carry
// a position of their own (pc).
//
//go:norace
func (d *decisions) format(i int, s step) string { return d.formatWith(i, s, "", nil) }

// formatWith writes decision i for a report or a determinism check: its step,
// virtual time and goroutine, then the operation and position when they are
// known (tracing), what the goroutine waited on when it had blocked, and the
// decision itself.
//
// wait and tr come from beside the ring (see decisions); both may be empty.
//
//go:norace
func (d *decisions) formatWith(i int, s step, wait string, tr *stepTrace) string {
	var b strings.Builder
	fmt.Fprintf(&b, "step %d  +%s  g%d  ", i, fmtDuration(s.vtime), s.g)
	var op, pos string
	if tr != nil {
		op, pos = tr.op, tr.pos
	}
	switch {
	case op == "block":
		op = "block on " + wait
	case op == "" && wait != "":
		op = "blocked on " + wait
	}
	if op != "" && s.kind == evPick {
		b.WriteString(op)
		if pos != "" {
			b.WriteString(" at " + pos)
		}
		b.WriteString(" -> ")
	}
	switch s.kind {
	case evPick:
		fmt.Fprintf(&b, "run goroutine %d (of %d runnable)", s.val, s.n)
	case evClock:
		b.WriteString("clock +" + fmtDuration(int64(s.val)))
	case evSelect:
		fmt.Fprintf(&b, "select case %d", s.val)
	case evTimer:
		fmt.Fprintf(&b, "timer order (%d due together)", s.val)
	default:
		fmt.Fprintf(&b, "%s %d", s.kind, s.val)
	}
	switch {
	case s.kind != evPick && pos != "":
		b.WriteString(" at " + pos)
	case pos == "" && s.pc != 0:
		b.WriteString(" at " + pcString(s.pc))
	}
	return b.String()
}

// recent formats the last decisions, oldest first.
//
//go:norace
func (d *decisions) recent(max int) string {
	var b strings.Builder
	n := min(d.rings, len(d.ring), max)
	for i := d.rings - n; i < d.rings; i++ {
		j := i % ringSize
		b.WriteString("\t" + d.formatWith(int(d.n)-(d.rings-1-i), d.ring[j], d.wait(j), d.traced[j]) + "\n")
	}
	return b.String()
}

// userPC returns the program counter of the innermost caller outside simrt.
//
//go:norace
func userPC() uintptr {
	var pcs [32]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if !isRuntimeFrame(f.Function) {
			return f.PC
		}
		if !more {
			return 0
		}
	}
}

//go:norace
func pcString(pc uintptr) string {
	f, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	if f.File == "" {
		return "?"
	}
	return fmt.Sprintf("%s:%d", f.File, f.Line)
}

//go:norace
func fmtDuration(ns int64) string {
	return fmt.Sprint(timeDuration(ns))
}

// reportDecisions is how many decisions a failure report ends with.
const reportDecisions = 40

// recentText is the end of every failure report: the last decisions, and
// how to see each one's operation and position when they are not shown.
//
//go:norace
func (w *world) recentText() string {
	var b strings.Builder
	b.WriteString("last decisions:\n")
	b.WriteString(w.dec.recent(reportDecisions))
	if w.trace == nil && w.dec.rings > 0 {
		b.WriteString("\t(replay with SIM_TRACE=1 for the operation and position of every decision, or use simgen trace for a timeline)\n")
	}
	return b.String()
}
