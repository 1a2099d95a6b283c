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
)

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
	}
	return "?"
}

// step is one recorded decision, kept when a log is requested.
type step struct {
	kind  evKind
	val   int
	n     int // number of choices
	g     int // goroutine running when the decision was made
	pc    uintptr
	hash  uint64
	vtime int64
	wait  string     // pick: what the goroutine that gave up control waited on
	tr    *stepTrace // tracing only: the operation behind the decision
}

// stepTrace is what a traced decision adds to its step. It is a pointer so
// that an untraced step stays small: every decision copies one into the ring.
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
	ring  [64]step // the last decisions, for failure reports
	rings int
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func (d *decisions) init(w *world) {
	d.w = w
	d.hash = fnvOffset
}

// mix folds one decision into the hash, a word at a time (a multiply-xorshift
// step in the style of wyhash): cheap enough to run at every decision.
func (d *decisions) mix(x uint64) {
	h := (d.hash ^ x) * 0x9E3779B97F4A7C15
	d.hash = h ^ (h >> 29) ^ fnvPrime
}

func (d *decisions) record(k evKind, val, n int) {
	d.n++
	d.mix(uint64(k)<<56 ^ uint64(n))
	d.mix(uint64(int64(val)))
	s := step{kind: k, val: val, n: n, hash: d.hash, vtime: d.w.now - epochNanos}
	if cur != nil {
		s.g = cur.id
		if k == evPick && cur.status == gBlocked {
			s.wait = cur.reason
		}
	}
	if t := d.w.trace; t != nil {
		t.decision(d.n, &s)
	}
	if d.keep {
		s.pc = userPC()
		d.log = append(d.log, s)
	}
	d.ring[d.rings%len(d.ring)] = s
	d.rings++
}

func (d *decisions) pick(id, n int)          { d.record(evPick, id, n) }
func (d *decisions) event(k evKind, val int) { d.record(k, val, 0) }

// format writes decision i for a report or a determinism check: its step,
// virtual time and goroutine, then the operation and position when they are
// known (tracing), what the goroutine waited on when it had blocked, and the
// decision itself.
func (d *decisions) format(i int, s step) string {
	var b strings.Builder
	fmt.Fprintf(&b, "step %d  +%s  g%d  ", i, fmtDuration(s.vtime), s.g)
	var op, pos string
	if s.tr != nil {
		op, pos = s.tr.op, s.tr.pos
	}
	switch {
	case op == "block":
		op = "block on " + s.wait
	case op == "" && s.wait != "":
		op = "blocked on " + s.wait
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
func (d *decisions) recent(max int) string {
	var b strings.Builder
	n := min(d.rings, len(d.ring), max)
	for i := d.rings - n; i < d.rings; i++ {
		b.WriteString("\t" + d.format(int(d.n)-(d.rings-1-i), d.ring[i%len(d.ring)]) + "\n")
	}
	return b.String()
}

// userPC returns the program counter of the innermost caller outside simrt.
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

func pcString(pc uintptr) string {
	f, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	if f.File == "" {
		return "?"
	}
	return fmt.Sprintf("%s:%d", f.File, f.Line)
}

func fmtDuration(ns int64) string {
	return fmt.Sprint(timeDuration(ns))
}

// reportDecisions is how many decisions a failure report ends with.
const reportDecisions = 40

// recentText is the end of every failure report: the last decisions, and
// how to see each one's operation and position when they are not shown.
func (w *world) recentText() string {
	var b strings.Builder
	b.WriteString("last decisions:\n")
	b.WriteString(w.dec.recent(reportDecisions))
	if w.trace == nil && w.dec.rings > 0 {
		b.WriteString("\t(replay with SIM_TRACE=1 for the operation and position of every decision, or use simgen trace for a timeline)\n")
	}
	return b.String()
}
