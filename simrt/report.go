package simrt

// This file writes the reports that explain a failed or leaky world:
// deadlocks, panics, fatal errors and leaked goroutines, each with every
// goroutine's state, stack and creation site in original source positions
// (rewritten files carry //line directives, so runtime positions already
// name the user's files).
//
// Invariants: reports list goroutines in id order and never include wall
// times or addresses, so one seed always yields the same report text (stack
// offsets aside).

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"
)

// failure is why a world stopped early.
type failure struct {
	kind   string // "deadlock", "panic", "fatal error", "nondeterminism"
	report string
	g      int // the goroutine that failed (panicked, hit a fatal error); 0: none alone
}

//go:norace
func timeDuration(ns int64) time.Duration { return time.Duration(ns) }

const simrtPkg = "simgen.dev/simgen/simrt"

// isRuntimeFrame reports whether a function belongs to the machinery a user
// does not need to see: the Go runtime, simrt itself, or package testing.
//
//go:norace
func isRuntimeFrame(fn string) bool {
	return strings.HasPrefix(fn, "runtime.") ||
		strings.HasPrefix(fn, "runtime/debug.") ||
		strings.HasPrefix(fn, simrtPkg+".") ||
		strings.HasPrefix(fn, simrtPkg+"/") ||
		strings.HasPrefix(fn, "testing.") ||
		strings.HasPrefix(fn, "iter.")
}

// frame is one parsed stack frame.
type frame struct {
	fn, pos string
}

// realStack returns runtime.Stack's dump, in a buffer grown until it fits.
//
//go:norace
func realStack(all bool) []byte {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, all)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

// goroutineStacks returns the stacks of every real goroutine by id, with the
// machinery's frames removed.
//
//go:norace
func goroutineStacks() map[int64][]frame {
	buf := realStack(true)
	out := make(map[int64][]frame)
	for _, block := range bytes.Split(buf, []byte("\n\n")) {
		lines := strings.Split(strings.TrimSpace(string(block)), "\n")
		if len(lines) == 0 || !strings.HasPrefix(lines[0], "goroutine ") {
			continue
		}
		idText := strings.TrimPrefix(lines[0], "goroutine ")
		idText = idText[:strings.IndexByte(idText+" ", ' ')]
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil {
			continue
		}
		out[id] = parseFrames(lines[1:])
	}
	return out
}

// parseFrames reads "function(args)\n\tfile:line +0x.." pairs.
//
//go:norace
func parseFrames(lines []string) []frame {
	var fs []frame
	for i := 0; i+1 < len(lines); i += 2 {
		fn := lines[i]
		if strings.HasPrefix(fn, "created by ") {
			break
		}
		if j := strings.LastIndexByte(fn, '('); j > 0 {
			fn = fn[:j]
		}
		pos := strings.TrimSpace(lines[i+1])
		if j := strings.LastIndex(pos, " +0x"); j > 0 {
			pos = pos[:j]
		}
		if isRuntimeFrame(fn) || fn == "panic" {
			continue
		}
		fs = append(fs, frame{fn, pos})
	}
	return fs
}

//go:norace
func writeFrames(b *strings.Builder, fs []frame) {
	if len(fs) == 0 {
		b.WriteString("\t(no frames outside the runtime)\n")
	}
	for _, f := range fs {
		fmt.Fprintf(b, "\t%s\n\t\t%s\n", f.fn, f.pos)
	}
}

// describe writes one goroutine's entry: header, stack and creation site.
//
//go:norace
func (w *world) describe(b *strings.Builder, x *g, stacks map[int64][]frame) {
	state := x.reason
	switch x.status {
	case gRunnable:
		state = "runnable"
	case gRunning:
		state = "running"
	}
	if state == "sleep" {
		state = fmt.Sprintf("sleep, until +%v", timeDuration(x.wakeTime-epochNanos))
	}
	name := ""
	if x == w.root {
		name = " (root)"
	}
	fmt.Fprintf(b, "goroutine %d%s [%s]:\n", x.id, name, state)
	if x.started || x == w.root {
		writeFrames(b, stacks[x.wk.goid])
	} else {
		b.WriteString("\t(not started yet)\n")
	}
	if x.createPC != 0 {
		fmt.Fprintf(b, "created at %s by goroutine %d\n", pcString(x.createPC), x.parent)
	}
	b.WriteString("\n")
}

// liveSorted returns the live goroutines in id order.
//
//go:norace
func (w *world) liveSorted() []*g {
	if raceEnabled && raceOffSimrt() { // -race: w.all is a map, touched on the simrt thread (racecoro.go)
		var gs []*g
		raceUpcall(func() { gs = w.liveSorted() })
		return gs
	}
	gs := make([]*g, 0, len(w.all))
	for _, x := range w.all {
		gs = append(gs, x)
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].id < gs[j].id })
	return gs
}

//go:norace
func (w *world) header(what string) string {
	return fmt.Sprintf("%s (seed %d, strategy %s, step %d, virtual time +%v)",
		what, w.seed, w.strat.name(), w.dec.n, timeDuration(w.now-epochNanos))
}

// timeLimit records that the virtual clock passed SIM_TIMELIMIT: with
// goroutines blocked for good, a ticker or a timer loop alone can keep a
// world's clock moving forever, a deadlock that never looks like one.
//
//go:norace
func (w *world) timeLimit() {
	if w.failure != nil {
		return
	}
	var b strings.Builder
	b.WriteString("simrt: " + w.header(fmt.Sprintf("virtual time limit: the clock passed +%v (SIM_TIMELIMIT); a deadlock kept alive by a ticker or a timer loop, or a test that needs a longer limit", timeDuration(w.limit-epochNanos))) + "\n\n")
	stacks := goroutineStacks()
	for _, x := range w.liveSorted() {
		w.describe(&b, x, stacks)
	}
	w.writeRecent(&b)
	w.failure = &failure{kind: "time limit", report: b.String()}
}

// deadlock records that no goroutine can run and no timer is pending.
//
//go:norace
func (w *world) deadlock() {
	w.deadlockWhy("deadlock: every simulated goroutine is blocked and no timer is pending")
}

// deadlockWhy records a deadlock described by what.
//
//go:norace
func (w *world) deadlockWhy(what string) {
	if w.failure != nil {
		return
	}
	var b strings.Builder
	b.WriteString("simrt: " + w.header(what) + "\n\n")
	stacks := goroutineStacks()
	for _, x := range w.liveSorted() {
		w.describe(&b, x, stacks)
	}
	w.writeRecent(&b)
	w.failure = &failure{kind: "deadlock", report: b.String()}
}

//go:norace
func (w *world) writeRecent(b *strings.Builder) {
	b.WriteString(w.recentText())
}

// panicked records a panic that a simulated goroutine did not recover.
//
//go:norace
func (w *world) panicked(x *g, r any) {
	if w.failure != nil {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "panic: %s\n\n", panicText(r))
	fmt.Fprintf(&b, "goroutine %d [running]:\n", x.id)
	writeFrames(&b, parseFrames(strings.Split(string(debug.Stack()), "\n")[1:]))
	if x.createPC != 0 {
		fmt.Fprintf(&b, "created at %s by goroutine %d\n", pcString(x.createPC), x.parent)
	}
	b.WriteString("\nsimrt: " + w.header("a simulated goroutine panicked") + "\n")
	w.writeRecent(&b)
	w.failure = &failure{kind: "panic", report: b.String(), g: x.id}
}

// panicText formats a panic value the way the Go runtime prints it.
//
//go:norace
func panicText(r any) string {
	switch v := r.(type) {
	case nil: // panic(nil) under panicnil=1
		return "nil"
	case error:
		return indentPanic(v.Error())
	case fmt.Stringer:
		return indentPanic(v.String())
	case string:
		return indentPanic(v)
	default:
		return fmt.Sprintf("%#v", r)
	}
}

// indentPanic indents the lines after the first of a panic's text by a
// tab, as the runtime's printindented does, so that they are not taken
// for the report's own lines.
//
//go:norace
func indentPanic(s string) string { return strings.ReplaceAll(s, "\n", "\n\t") }

// fatal is an unrecoverable error of the kind Go reports as "fatal error"
// (sync: unlock of unlocked mutex): it fails the world, or the process when
// no world runs.
//
//go:norace
func fatal(msg string) {
	w := cw
	if w == nil {
		fmt.Fprintf(os.Stderr, "fatal error: %s\n\n%s", msg, debug.Stack())
		os.Exit(2)
	}
	if w.failure == nil {
		var b strings.Builder
		fmt.Fprintf(&b, "fatal error: %s\n\ngoroutine %d [running]:\n", msg, cur.id)
		writeFrames(&b, parseFrames(strings.Split(string(debug.Stack()), "\n")[1:]))
		b.WriteString("\nsimrt: " + w.header("fatal error") + "\n")
		w.writeRecent(&b)
		w.failure = &failure{kind: "fatal error", report: b.String(), g: cur.id}
	}
	me := cur
	if me == w.root {
		w.unwind(me)
	}
	// Hand control to the root, which reports and ends the test.
	w.run(me, w.takeRoot())
}

// leaks describes the goroutines other than the root that are still alive,
// or returns "" when there are none. Goroutines of simulated machines
// (machine.go) are not leaks: a server's accept loop runs until its machine
// stops, and the machines stop with the test.
//
//go:norace
func (w *world) leaks() string {
	var gs []*g
	for _, x := range w.liveSorted() {
		if x != w.root && !x.daemon && x.node == Host {
			gs = append(gs, x)
		}
	}
	if len(gs) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "simrt: %d goroutine(s) still alive when the test ended (seed %d, virtual time +%v):\n\n",
		len(gs), w.seed, timeDuration(w.now-epochNanos))
	stacks := goroutineStacks()
	for _, x := range gs {
		w.describe(&b, x, stacks)
	}
	return b.String()
}
