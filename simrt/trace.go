package simrt

// This file explains a run to a person: SIM_TRACE.
//
//	SIM_TRACE=1          print every scheduling decision, and the operation
//	                     and user position behind it, to standard error
//	SIM_TRACE=json:PATH  write every event of the run to PATH, one JSON
//	                     object a line (the input of `simgen trace`)
//
// A tracer watches a world through a handful of hooks, each guarded by a
// nil check of w.trace so that a run without SIM_TRACE pays one predictable
// branch and nothing else: point (sched.go) names the operation a goroutine
// is about to perform, block (sched.go) what it waits on, wakeUp (sched.go,
// which every primitive calls to wake a blocked goroutine) who woke whom,
// fire (time.go) which timer fired, and decisions.record (through
// recordSlow, behind one flag) every decision. The operation is not passed in by the primitives: the
// tracer reads it off the stack, from the outermost simrt function below the
// first user frame (simrt.Send is "chan send", (*Mutex).Lock is "lock"), so
// a primitive needs no hook of its own and a new one is traced as its
// function name. Positions are the first frame outside simrt, the Go runtime
// and package testing, with inlined frames expanded (runtime.CallersFrames);
// rewritten files carry //line directives, so they name the user's source.
//
// Why positions only when tracing: runtime.Callers costs about 150 ns here
// even for one PC, and a ping-pong round trip (BenchmarkPingPong, about
// 340 ns simulated against 230 ns native) makes six decisions: capturing a
// PC per decision would more than triple it. So failure reports show,
// without SIM_TRACE, each decision with its goroutine and what a blocked
// goroutine waited on (g.reason, a string that is there anyway), and with
// SIM_TRACE the operation and position of each; the report says how to get
// them. Untraced, the hooks and that string cost about 3% of the round
// trip's instructions (2600 to 2680, counted under valgrind): 340 to 345 ns.
//
// Event stream (JSON field names; one object a line):
//
//	i         event index in the run, from 0
//	step      decisions made so far; a decision event is that decision
//	t         virtual time, nanoseconds since Epoch
//	g         the goroutine the event belongs to (0: the clock)
//	op        "start", an operation ("chan send", "lock", ...), "block",
//	          "wake", "spawn", "exit", "select case", "clock",
//	          "timer fire", "timer order", "random", "native wait",
//	          "run", "failure", "end"
//	decision  true for the scheduler's decisions
//	pos       user file:line of the operation
//	wait      block: what the goroutine waits on (g.reason)
//	run, of   the goroutine the scheduler chose to run, of how many
//	by        wake: the goroutine that woke g (absent: via, a timer or a
//	          native channel)
//	target    spawn: the new goroutine; timer fire: the goroutine it wakes;
//	          failure: the goroutine that failed (panic, fatal error), if one
//	case      select case: the index chosen, -1 for default
//	advance   clock: how far the clock jumped, nanoseconds
//	kind      failure: deadlock, panic, fatal error, leak, test failed
//	report    failure: the report text, with the replay line
//
// Invariants:
//   - Events are written in the order they happen, by the running goroutine
//     only; a run's events begin with "start" and end with "end".
//   - An operation's event is held back (pending) until the decision it
//     leads to, and written as one event with that decision, so each step
//     reads "g1 chan send at f.go:12 -> run g2"; anything else written first
//     flushes it.
//   - With w.trace nil no hook does any work and no event exists.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// traceConfig is SIM_TRACE parsed.
type traceConfig struct {
	text bool   // SIM_TRACE=1: lines on standard error
	path string // SIM_TRACE=json:PATH
}

//go:norace
func (c traceConfig) on() bool { return c.text || c.path != "" }

// parseTrace parses SIM_TRACE: "", 0 or false (off), 1 or true (text), or
// json:PATH.
//
//go:norace
func parseTrace(s string) (traceConfig, error) {
	if p, ok := strings.CutPrefix(s, "json:"); ok {
		if p == "" {
			return traceConfig{}, fmt.Errorf("SIM_TRACE=%q: json: needs a file path", s)
		}
		return traceConfig{path: p}, nil
	}
	switch strings.ToLower(s) {
	case "", "0", "false", "no", "off":
		return traceConfig{}, nil
	case "1", "true", "yes", "on":
		return traceConfig{text: true}, nil
	}
	return traceConfig{}, fmt.Errorf("SIM_TRACE=%q: want 1 (text on standard error) or json:PATH", s)
}

// traceEvent is one event of the stream (see the file comment).
type traceEvent struct {
	I        int    `json:"i"`
	Step     int64  `json:"step"`
	T        int64  `json:"t"`
	G        int    `json:"g"`
	Op       string `json:"op"`
	Decision bool   `json:"decision,omitempty"`
	Pos      string `json:"pos,omitempty"`
	Wait     string `json:"wait,omitempty"`
	Run      int    `json:"run,omitempty"`
	Of       int    `json:"of,omitempty"`
	By       int    `json:"by,omitempty"`
	Via      string `json:"via,omitempty"`
	Target   int    `json:"target,omitempty"`
	Case     *int   `json:"case,omitempty"`
	Advance  int64  `json:"advance,omitempty"`
	Val      int    `json:"val,omitempty"`
	Kind     string `json:"kind,omitempty"`
	Report   string `json:"report,omitempty"`
	// start only
	Test     string `json:"test,omitempty"`
	Seed     uint64 `json:"seed,omitempty"`
	Strategy string `json:"strategy,omitempty"`
}

// tracer follows one run of a world.
type tracer struct {
	w       *world
	text    io.Writer // nil unless SIM_TRACE=1
	json    *bufio.Writer
	cwd     string
	n       int            // events written
	pend    traceEvent     // an operation waiting for its decision
	hasPend bool           // pend is set
	lastPos map[int]string // each goroutine's last operation position
	firing  bool           // a timer is firing: wakes now come from it
}

// The JSON file is opened (and truncated) once per process; each run in
// the process appends its events, starting with its own "start".
var (
	traceFileMu  sync.Mutex
	traceFile    *os.File
	traceFileBuf *bufio.Writer
	traceFileErr error
)

//go:norace
func openTraceFile(path string) (*bufio.Writer, error) {
	traceFileMu.Lock()
	defer traceFileMu.Unlock()
	if traceFile == nil && traceFileErr == nil {
		traceFile, traceFileErr = os.Create(path)
		if traceFileErr == nil {
			traceFileBuf = bufio.NewWriterSize(traceFile, 1<<16)
		}
	}
	return traceFileBuf, traceFileErr
}

// startTrace arms tracing for the run s is about to make, as SIM_TRACE
// asks. It is a no-op without SIM_TRACE.
//
//go:norace
func (w *world) startTrace(s *session) {
	c := s.c.trace
	w.dec.slow = w.dec.keep
	if !c.on() {
		return
	}
	t := &tracer{w: w, lastPos: make(map[int]string)}
	t.cwd, _ = os.Getwd()
	if c.text {
		t.text = os.Stderr
	}
	if c.path != "" {
		buf, err := openTraceFile(c.path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "simrt: SIM_TRACE: %v\n", err)
		}
		t.json = buf
	}
	w.trace = t
	w.dec.slow = true
	t.emit(traceEvent{Op: "start", Test: s.name, Seed: s.seed, Strategy: w.strat.name()})
}

// endTrace writes the run's outcome and closes its stream: the failure
// report (a world failure, a leak under SIM_LEAKS=fail, or a test that
// failed by itself), then "end". It is called before teardown, so that the
// goroutines a leak report names are still there, and is idempotent.
//
//go:norace
func (w *world) endTrace(s *session) {
	t := w.trace
	if t == nil {
		return
	}
	t.flush()
	var kind, report string
	failed := 0
	switch {
	case w.failure != nil:
		kind, report, failed = w.failure.kind, w.failure.report, w.failure.g
	case s != nil && s.t != nil && s.t.Failed():
		kind = "test failed"
		if s.c.leaksFail {
			if l := w.leaks(); l != "" {
				kind, report = "leak", l+w.recentText()
			}
		}
	}
	if kind != "" {
		if s != nil {
			report = strings.TrimRight(report, "\n") + "\n" + s.replay()
		}
		t.emit(traceEvent{Op: "failure", Kind: kind, Report: report, Target: failed})
	}
	t.emit(traceEvent{Op: "end"})
	if t.json != nil {
		traceFileMu.Lock()
		if err := t.json.Flush(); err != nil {
			fmt.Fprintf(os.Stderr, "simrt: SIM_TRACE: %v\n", err)
		}
		traceFileMu.Unlock()
	}
	w.trace = nil
	w.dec.slow = w.dec.keep
}

// emit stamps an event with the step and the clock, and writes it.
// Decision events carry their own step.
//
//go:norace
func (t *tracer) emit(e traceEvent) {
	if !e.Decision {
		e.Step = t.w.dec.n
	}
	e.T = t.w.now - epochNanos
	t.write(e)
}

// stamped returns e stamped now, for an operation held back (pending):
// the clock may move before it is written.
//
//go:norace
func (t *tracer) stamped(e traceEvent) traceEvent {
	e.Step = t.w.dec.n
	e.T = t.w.now - epochNanos
	return e
}

// write numbers an event and writes it.
//
//go:norace
func (t *tracer) write(e traceEvent) {
	e.I = t.n
	t.n++
	raceUpcall(func() { t.out(e) }) // -race: the writers' buffers are touched on the simrt thread (racecoro.go)
}

// out writes e to the text and JSON traces.
//
//go:norace
func (t *tracer) out(e traceEvent) {
	if t.text != nil && e.Op != "start" && e.Op != "end" {
		fmt.Fprintln(t.text, e.line(t.cwd))
	}
	if t.json != nil {
		b, err := json.Marshal(e)
		if err == nil {
			t.json.Write(b)
			t.json.WriteByte('\n')
		}
	}
}

// setPos and posOf set and read a goroutine's last operation position.
//
//go:norace
func (t *tracer) setPos(id int, pos string) {
	raceUpcall(func() { t.lastPos[id] = pos }) // -race: simrt's maps are touched on the simrt thread (racecoro.go)
}

//go:norace
func (t *tracer) posOf(id int) (pos string) {
	raceUpcall(func() { pos = t.lastPos[id] }) // -race: simrt's maps are touched on the simrt thread (racecoro.go)
	return pos
}

// flush writes a pending operation on its own.
//
//go:norace
func (t *tracer) flush() {
	if t.hasPend {
		t.hasPend = false
		t.write(t.pend)
	}
}

// point is the hook at a scheduling point: me is about to perform the
// operation on its stack.
//
//go:norace
func (t *tracer) point(me *g) {
	t.flush()
	op, pos := callerOp()
	t.setPos(me.id, pos)
	t.pend = t.stamped(traceEvent{G: me.id, Op: op, Pos: pos})
	t.hasPend = true
}

// block is the hook where me blocks on reason.
//
//go:norace
func (t *tracer) block(me *g, reason string) {
	t.flush()
	_, pos := callerOp()
	if pos == "" {
		pos = t.posOf(me.id)
	}
	t.setPos(me.id, pos)
	t.pend = t.stamped(traceEvent{G: me.id, Op: "block", Wait: reason, Pos: pos})
	t.hasPend = true
}

// wake is the hook where x becomes runnable; it records a wake when x was
// blocked. The waker is the running goroutine; when none runs (the
// scheduler is looking for one), a timer or a native channel woke x.
//
//go:norace
func (t *tracer) wake(x *g) {
	if x.status != gBlocked {
		return // a new goroutine, or one back from a scheduling point
	}
	t.flush()
	e := traceEvent{G: x.id, Op: "wake", Wait: x.reason}
	if c := cur; c != nil && c.status == gRunning && c.w == t.w {
		// The waker's own position: a primitive may wake before its
		// scheduling point (Unlock), so lastPos can be stale.
		_, e.Pos = callerOp()
		e.By = c.id
	} else if t.firing {
		e.Via = "timer"
	} else {
		e.Via = "native"
	}
	t.emit(e)
}

// fault is the hook where a fault is injected (machine.go).
//
//go:norace
func (t *tracer) fault(what string) {
	t.flush()
	t.emit(traceEvent{G: idOf(cur), Op: "fault", Wait: what})
}

// timerFire is the hook where the clock fires tm.
//
//go:norace
func (t *tracer) timerFire(tm *timer) {
	t.flush()
	t.firing = true
	e := traceEvent{Op: "timer fire"}
	switch tm.kind {
	case tkSleep:
		e.Wait = "sleep"
		e.Target = tm.g.id
		e.Pos = t.posOf(tm.g.id)
	case tkChan:
		e.Wait = "timer channel"
	case tkFunc:
		e.Wait = "AfterFunc"
		if tm.pc != 0 {
			e.Pos = pcString(tm.pc)
		}
	default:
		e.Wait = "internal"
	}
	t.emit(e)
}

// decision is called by decisions.record for every decision i: it writes
// the decision, merged with the operation that led to it, and returns the
// operation and position for the ring. wait is what the goroutine that
// gave up control waited on, for a pick after a block.
//
//go:norace
func (t *tracer) decision(i int64, s *step, wait string) *stepTrace {
	e := traceEvent{Step: i, G: s.g, Decision: true}
	switch s.kind {
	case evPick:
		t.firing = false
		if t.hasPend && t.pend.G == s.g {
			e.Op, e.Pos, e.Wait = t.pend.Op, t.pend.Pos, t.pend.Wait
			t.hasPend = false
		} else {
			e.Op, e.Wait = "run", wait
		}
		e.Run, e.Of = s.val, s.n
	case evSelect:
		e.Op = "select case"
		c := s.val
		e.Case = &c
		e.Pos = t.posOf(s.g)
	case evClock:
		e.Op, e.G, e.Advance = "clock", 0, int64(s.val)
	case evTimer:
		e.Op, e.G, e.Of = "timer order", 0, s.val
	case evSpawn:
		e.Op, e.Target = "spawn", s.val
		var x *g
		raceUpcall(func() { x = t.w.all[s.val] }) // -race: simrt's maps are touched on the simrt thread (racecoro.go)
		if x != nil && x.createPC != 0 {
			e.Pos = pcString(x.createPC)
		}
	case evExit:
		e.Op = "exit"
	case evNativeWait:
		e.Op = "native wait"
	case evRand:
		e.Op, e.Val = "random", s.val
	default:
		e.Op, e.Val = s.kind.String(), s.val
	}
	tr := &stepTrace{pos: e.Pos}
	if e.Op != "run" {
		tr.op = e.Op
	}
	if s.kind != evPick {
		t.flush()
	}
	t.emit(e)
	return tr
}

// line formats an event for SIM_TRACE=1: decisions start with their step
// number, other events are indented under the step they followed.
//
//go:norace
func (e *traceEvent) line(cwd string) string {
	var b strings.Builder
	if e.Decision {
		fmt.Fprintf(&b, "step %-6d", e.Step)
	} else {
		b.WriteString(strings.Repeat(" ", 11))
	}
	fmt.Fprintf(&b, "+%-10s g%-4d ", fmtDuration(e.T), e.G)
	switch e.Op {
	case "block":
		b.WriteString("block on " + e.Wait)
	case "wake":
		if e.By != 0 {
			fmt.Fprintf(&b, "woken by g%d", e.By)
		} else {
			b.WriteString("woken by a " + e.Via)
		}
	case "select case":
		fmt.Fprintf(&b, "select case %d", *e.Case)
		if *e.Case < 0 {
			b.WriteString(" (default)")
		}
	case "clock":
		b.WriteString("clock +" + fmtDuration(e.Advance))
	case "timer fire":
		b.WriteString("timer fire (" + e.Wait)
		if e.Target != 0 {
			fmt.Fprintf(&b, " of g%d", e.Target)
		}
		b.WriteString(")")
	case "timer order":
		fmt.Fprintf(&b, "timer order of %d due together", e.Of)
	case "spawn":
		fmt.Fprintf(&b, "spawn g%d", e.Target)
	case "random":
		fmt.Fprintf(&b, "random %d", e.Val)
	case "failure":
		b.WriteString("failure: " + e.Kind)
	case "fault":
		b.WriteString("fault: " + e.Wait)
	case "run":
		if e.Wait != "" {
			b.WriteString("blocked on " + e.Wait + "  -> ")
		}
	default:
		b.WriteString(e.Op)
	}
	if e.Pos != "" {
		b.WriteString("  " + shortPos(cwd, e.Pos))
	}
	if e.Run != 0 {
		if e.Op != "run" {
			b.WriteString("  -> ")
		}
		fmt.Fprintf(&b, "run g%d (of %d runnable)", e.Run, e.Of)
	}
	return b.String()
}

// shortPos shortens a position below dir to a relative one, as the go
// command prints positions.
//
//go:norace
func shortPos(dir, pos string) string {
	if dir == "" {
		return pos
	}
	if rel, err := filepath.Rel(dir, pos); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return pos
}

// callerOp reads the operation and the user position off the caller's
// stack. The position is the first frame outside simrt, the Go runtime and
// package testing. The operation is named after the outermost exported
// simrt function below it, up to the first closure of simrt (whose caller
// is the machinery, not the user: the deferred Done in WaitGroup.Go).
//
//go:norace
func callerOp() (op, pos string) {
	var pcs [48]uintptr
	n := runtime.Callers(2, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	api := ""
	frozen := false
	for {
		f, more := frames.Next()
		fn := f.Function
		if strings.HasPrefix(fn, simrtPkg+".") || strings.HasPrefix(fn, simrtPkg+"/") {
			if !frozen && exportedName(fn) {
				api = fn
			}
			if strings.Contains(fn, ".func") {
				frozen = true
			}
		} else if !isRuntimeFrame(fn) && f.File != "" {
			pos = fmt.Sprintf("%s:%d", f.File, f.Line)
			break
		}
		if !more {
			break
		}
	}
	return opName(api), pos
}

// exportedName reports whether a simrt function name is an exported
// function or a method of an exported type: an entry point of user code.
//
//go:norace
func exportedName(fn string) bool {
	rest := fn[strings.LastIndexByte(fn, '/')+1:]
	if i := strings.IndexByte(rest, '.'); i >= 0 {
		rest = rest[i+1:]
	}
	rest = strings.TrimPrefix(rest, "(*")
	return rest != "" && rest[0] >= 'A' && rest[0] <= 'Z'
}

// opNames names simrt's entry points as a trace shows their operation;
// others show as their function name (Map.Load, atomic AddInt64).
var opNames = map[string]string{
	"Send": "chan send", "Recv": "chan recv", "Recv2": "chan recv", "Close": "chan close",
	"Select":     "select",
	"Mutex.Lock": "lock", "Mutex.Unlock": "unlock", "Mutex.TryLock": "trylock",
	"RWMutex.Lock": "lock", "RWMutex.Unlock": "unlock", "RWMutex.TryLock": "trylock",
	"RWMutex.RLock": "rlock", "RWMutex.RUnlock": "runlock", "RWMutex.TryRLock": "tryrlock",
	"WaitGroup.Add": "wg add", "WaitGroup.Done": "wg done", "WaitGroup.Wait": "wait", "WaitGroup.Go": "go",
	"Cond.Wait": "cond wait", "Cond.Signal": "cond signal", "Cond.Broadcast": "cond broadcast",
	"Once.Do": "once", "Go": "go", "Spawn.Go": "go", "Gosched": "gosched", "Sleep": "sleep",
	"NewTimer": "timer start", "After": "timer start", "AfterFunc": "timer start",
	"NewTicker": "ticker start", "Tick": "ticker start",
	"Timer.Stop": "timer stop", "Timer.Reset": "timer reset",
	"Ticker.Stop": "ticker stop", "Ticker.Reset": "ticker reset",
}

// opName turns a simrt function name into an operation name.
//
//go:norace
func opName(fn string) string {
	if fn == "" {
		return "point"
	}
	sub := ""
	rest := strings.TrimPrefix(fn, simrtPkg)
	if strings.HasPrefix(rest, "/") {
		// A subpackage: simrt/simatomic.AddInt64.
		rest = rest[1:]
		if i := strings.IndexByte(rest, '.'); i >= 0 {
			sub, rest = rest[:i], rest[i:]
		}
	}
	rest = strings.TrimPrefix(rest, ".")
	// Methods: (*Mutex).Lock; generics: Send[...]; closures: Go.func1.
	rest = strings.NewReplacer("(*", "", ")", "", "[...]", "").Replace(rest)
	if i := strings.Index(rest, ".func"); i >= 0 {
		rest = rest[:i]
	}
	if sub == "simatomic" {
		return "atomic " + rest
	}
	if sub != "" {
		return sub + " " + rest
	}
	if name, ok := opNames[rest]; ok {
		return name
	}
	return rest
}

// idOf is x's id, or 0 for none.
//
//go:norace
func idOf(x *g) int {
	if x == nil {
		return 0
	}
	return x.id
}
