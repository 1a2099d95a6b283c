package simrt

// This file is the harness: the entry points that rewritten tests,
// benchmarks, examples and main call, and the SIM_* environment contract.
//
//	SIM_SEED=N              run seed N (unset: a fresh seed, printed on failure)
//	SIM_SEEDS=K             run each test under K seeds, N, N+1, ..., stopping
//	                        at the first failure
//	SIM_STRATEGY=S          portfolio (default), random, pct, pct:D, pct:D:K,
//	                        exhaustive (exhaustive.go: enumerate schedules)
//	SIM_SCHEDULE=S          replay one schedule of exhaustive exploration
//	SIM_PREEMPTIONS=K       the preemption bound of exhaustive (default 2)
//	SIM_DPOR=0              exhaustive without partial-order reduction
//	SIM_BUDGET=D|N          stop an exhaustive exploration after D or N schedules
//	SIM_CHECK_DETERMINISM=1 run each seed twice and compare decision streams
//	                        (three times when the first run differs: a
//	                        first run that warms package state is no fault)
//	SIM_LEAKS=fail          fail a test that ends with goroutines still alive
//	SIM_TRACE=1             print every scheduling decision to stderr
//	SIM_TRACE=json:PATH     write every event of the run to PATH (trace.go)
//	SIM_WATCHDOG=D          wall-clock limit for a goroutine that does not
//	                        yield (default 5s)
//	SIM_TIMELIMIT=D         virtual-time limit of a run (default 1000h): past
//	                        it, the run fails with a report, since only a
//	                        timer loop can have kept it going
//	SIM_KEPT=off|only       skip the kept seeds (testdata/simgen, kept.go),
//	                        or run only them; by default they run first
//	                        when SIM_SEED is unset
//	SIM_TIME=exact          computation costs no virtual time (slip.go);
//	                        the default, slip, draws a cost per step from
//	                        the seed, so timers fire mid-computation
//	SIM_LIVELOCK=N          scheduling points in a row without a goroutine
//	                        blocking, starting, ending or changing an
//	                        atomic's value before the clock
//	                        moves to a pending timer, or, with none or a
//	                        second time, the run fails as a livelock
//	                        (default 16777216; 16 times as many for a
//	                        goroutine that runs alone)
//	SIM_REPLAY_CHECK=off    do not rerun a failure that followed other runs
//	                        alone to check its replay line (replaycheck.go)
//	SIM_RACE=off            under -race, make every scheduler handoff a
//	                        happens-before edge again (race.go)
//	SIM_BUGGIFY=on|off      read by package sim: every Buggify site on, or
//	                        none
//
// The one table of these variables is package simenv; SIM_PROGRESS and
// SIM_PROGRESS_SYNC there are internal, set by simgen test for its child
// processes (progress.go).
//
// Invariants:
//   - A test's body runs as the root goroutine of a fresh world per seed, on
//     the test's own goroutine, so t.FailNow, t.Skip and friends work as in
//     a native test; worlds never run concurrently (worldMu).
//   - Every failure (deadlock, panic, nondeterminism, t.Error) prints a
//     replay line (package replay) with SIM_SEED=<n>, every setting of
//     replay.Settings this process runs under, and the test's -run pattern.

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"simgen.dev/simgen/simrt/replay"
)

type config struct {
	seed      uint64
	seedSet   bool
	seeds     int
	check     bool
	leaksFail bool
	stratName string
	strategy  func() strategy
	trace     traceConfig
	watchdog  time.Duration
	timeLimit time.Duration
	time      timeConfig    // SIM_TIME, SIM_LIVELOCK (slip.go)
	exhaust   bool          // SIM_STRATEGY=exhaustive: enumerate, not sample (exhaustive.go)
	exh       exhaustConfig // its knobs, and SIM_SCHEDULE
	err       error
}

var (
	cfgOnce sync.Once
	cfg     config
)

//go:norace
func loadConfig() *config {
	cfgOnce.Do(func() { cfg = parseConfig(os.Getenv) })
	return &cfg
}

//go:norace
func parseConfig(getenv func(string) string) config {
	c := config{seeds: 1, watchdog: 5 * time.Second}
	fail := func(format string, args ...any) {
		if c.err == nil {
			c.err = fmt.Errorf(format, args...)
		}
	}
	if s := getenv("SIM_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			fail("SIM_SEED=%q: want a non-negative integer", s)
		}
		c.seed, c.seedSet = n, true
	}
	if s := getenv("SIM_SEEDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			fail("SIM_SEEDS=%q: want a positive integer", s)
		} else {
			c.seeds = n
		}
	}
	c.stratName = getenv("SIM_STRATEGY")
	st, err := parseStrategy(c.stratName)
	if err != nil && !exhaustName(c.stratName) {
		fail("%v", err)
		st, _ = parseStrategy("")
	}
	c.strategy = st
	if err := c.parseExhaustive(getenv); err != nil {
		fail("%v", err)
	}
	c.check = truthy(getenv("SIM_CHECK_DETERMINISM"))
	switch s := getenv("SIM_LEAKS"); s {
	case "", "report":
	case "fail":
		c.leaksFail = true
	default:
		fail("SIM_LEAKS=%q: want report or fail", s)
	}
	if c.trace, err = parseTrace(getenv("SIM_TRACE")); err != nil {
		fail("%v", err)
	}
	c.timeLimit = 1000 * time.Hour
	if s := getenv("SIM_TIMELIMIT"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			fail("SIM_TIMELIMIT=%q: want a positive duration such as 2000h", s)
		} else {
			c.timeLimit = d
		}
	}
	// issue 13: SIM_TIME and SIM_LIVELOCK (slip.go).
	switch s := getenv("SIM_TIME"); s {
	case "", "slip":
	case "exact":
		c.time.exact = true
	default:
		fail("SIM_TIME=%q: want slip (the default) or exact", s)
	}
	c.time.livelock = defaultLivelock
	if s := getenv("SIM_LIVELOCK"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			fail("SIM_LIVELOCK=%q: want a positive number of scheduling points such as 100000000", s)
		} else {
			c.time.livelock = n
		}
	}
	if s := getenv("SIM_WATCHDOG"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			fail("SIM_WATCHDOG=%q: want a positive duration such as 10s", s)
		} else {
			c.watchdog = d
		}
	}
	return c
}

//go:norace
func truthy(s string) bool {
	switch strings.ToLower(s) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// firstSeed is SIM_SEED, or a fresh random seed.
//
//go:norace
func (c *config) firstSeed() uint64 {
	if c.seedSet {
		return c.seed
	}
	return uint64(rand.Uint32())
}

// session runs one test (or benchmark) under one or more seeds.
type session struct {
	t       tbLike
	name    string // top-level test name, for -run
	c       *config
	w       *world     // the world while a run is armed
	x       *explorer  // the enumeration under SIM_STRATEGY=exhaustive
	last    *runResult // the last run's outcome
	seed    uint64
	logged  bool   // w.failure was reported
	example string // the Example function being run, if any
	before  int    // simulated runs this process made before the current seed's (replaycheck.go)
}

// Test runs a test body under the simulation: once per seed, each time as
// the root goroutine of a fresh world. Rewritten tests call it.
//
//go:norace
func Test(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	s := &session{t: t, name: t.Name(), c: loadConfig()}
	if s.c.err != nil {
		t.Fatalf("simrt: %v", s.c.err)
	}
	races := raceErrors() // -race: a seed with a report fails (race.go)
	defer func() {
		t.Helper()
		s.done()
		if t.Failed() {
			seedDone(s.name, s.seed, false, true)
			if s.x != nil && !s.x.reported {
				exhaustProgress(s.name, s.x, true, endFailed) // exhaustive.go
			}
		}
	}()
	if s.c.exhaust {
		s.exhaustive(t, func() { body(t) })
		return
	}
	if s.runKept(t, body) { // kept.go: regression seeds first
		return
	}
	first := s.c.firstSeed()
	noteTest(s.name)
	for i := 0; i < s.c.seeds; i++ {
		s.seed = first + uint64(i)
		s.before = runsBegun
		r := s.runOnce(s.seed, s.c.check, func() { body(t) })
		if raceErrors() > races {
			t.Fail() // testing adds "race detected during execution of test"
			return
		}
		if r.failure != nil || t.Failed() {
			return
		}
		if s.c.check {
			r2 := s.runOnce(s.seed, true, func() { body(t) })
			if r2.failure != nil || t.Failed() {
				return
			}
			if d := compareRuns(r, r2); d != "" {
				// The first run may be the process's first pass through
				// lazily initialized package state (a sync.Once singleton,
				// protobuf's message metadata), which later runs skip. A
				// third run tells that warm-up, which a fresh process
				// replays alike every time, from nondeterminism.
				r3 := s.runOnce(s.seed, true, func() { body(t) })
				if r3.failure != nil || t.Failed() {
					return
				}
				if compareRuns(r2, r3) != "" {
					t.Errorf("%sA third run diverged from the second too, so this is not the process warming up on its first run.", d)
					return
				}
				t.Logf("simrt: seed %d: the first run took another path than the two after it, which agree: package state initialized on first use (a sync.Once, a lazily filled cache) warming up, not nondeterminism", s.seed)
			}
		}
		seedDone(s.name, s.seed, true, i == s.c.seeds-1)
	}
}

// Benchmark runs a benchmark body as the root of a world (seed SIM_SEED,
// or 2), once per call the testing package makes with a new b.N.
//
//go:norace
func Benchmark(b *testing.B, body func(b *testing.B)) {
	b.Helper()
	s := &session{t: b, name: b.Name(), c: loadConfig()}
	if s.c.err != nil {
		b.Fatalf("simrt: %v", s.c.err)
	}
	defer func() {
		b.Helper()
		s.done()
	}()
	// Seed 2: under the default portfolio an even seed runs the random
	// strategy, which interleaves as a loaded machine would.
	s.seed = 2
	if s.c.seedSet {
		s.seed = s.c.seed
	}
	s.runOnce(s.seed, false, func() { body(b) })
}

// Main runs a program's main function (or an example's body) as the root of
// a world seeded by SIM_SEED or afresh. A failure prints its report and the
// replay line and exits with status 2, as a Go fatal error does.
//
//go:norace
func Main(body func()) {
	c := loadConfig()
	if c.err != nil {
		fmt.Fprintf(os.Stderr, "simrt: %v\n", c.err)
		os.Exit(2)
	}
	s := &session{c: c, seed: c.firstSeed()}
	if r := s.runOnce(s.seed, false, body); r.failure != nil {
		s.exitFailure()
	}
}

// Example runs an Example function's body as the root of a world, as Main
// does; its replay line runs that example with go test.
//
//go:norace
func Example(name string, body func()) {
	c := loadConfig()
	if c.err != nil {
		fmt.Fprintf(os.Stderr, "simrt: %v\n", c.err)
		os.Exit(2)
	}
	s := &session{c: c, seed: c.firstSeed(), example: name}
	if r := s.runOnce(s.seed, false, body); r.failure != nil {
		s.exitFailure()
	}
}

//go:norace
func (s *session) exitFailure() {
	f := s.w.failure
	if f == nil && s.last != nil {
		f = s.last.failure
	}
	faults := ""
	if s.last != nil {
		faults = s.last.faults
	}
	version := ""
	if simgenVersion != "" {
		version = "simrt: simgen " + simgenVersion + "\n"
	}
	fmt.Fprintf(os.Stderr, "%s\n%s%s%s\n", f.report, faults, version, s.replay())
	os.Exit(2)
}

// runResult is what is left of a run once the world is disarmed.
type runResult struct {
	seed    uint64
	failure *failure
	dec     decisions
	faults  string // the injected faults (machine.go), "" when none
}

// runOnce runs body as the root goroutine of the world, armed for seed.
//
//go:norace
func (s *session) runOnce(seed uint64, keep bool, body func()) (res *runResult) {
	if s.t != nil {
		s.t.Helper()
	}
	worldMu.Lock()
	if s.t != nil {
		runsBegun++
	}
	w := processWorld()
	saved := w.arm(seed, s.strategy())
	w.limit = 0
	if s.c.timeLimit > 0 {
		w.limit = epochNanos + int64(s.c.timeLimit)
	}
	w.armTime(seed, s.c.time) // issue 13
	if w.xr != nil {
		// Exhaustive exploration moves the clock as a choice of its own
		// (exhaustive.go), not by slip.
		w.cost = 0
	}
	w.tb = s.t
	w.session = s
	w.dec.keep = keep
	w.startTrace(s)
	s.w = w
	root := w.root
	root.wk = &worker{goid: curGoid(), g: root, root: true}
	cw, cur = w, root
	watch(w, s.c.watchdog)
	completed := false
	defer func() {
		if !completed {
			if r := recover(); r != nil || panicking() {
				w.panicked(root, r)
			}
		}
		res = &runResult{seed: seed, failure: w.failure, dec: w.dec, faults: w.m.faultText()}
		s.last = res
		w.endTrace(s)
		w.teardown()
		unwatch()
		w.disarm(saved)
		cw, cur = nil, nil
		worldMu.Unlock()
	}()
	w.runBody(root, s.t, body)
	if w.xr != nil && w.failure == nil {
		w.xr.bodyEnded()
	}
	if s.t != nil {
		w.settle()
	}
	if w.failure == nil && s.t != nil {
		if l := w.leaks(); l != "" {
			if s.c.leaksFail {
				s.t.Errorf("%s%s(SIM_LEAKS=fail)", l, w.recentText())
			} else {
				s.t.Logf("%s(set SIM_LEAKS=fail to fail the test)", l)
			}
		}
	}
	completed = true
	return nil // set by the deferred call
}

// settleSteps bounds how long the goroutines left when a test's body ends
// may run before the leak check.
const settleSteps = 100000

// settle lets the goroutines still runnable when the root's body ended run
// until each blocks or ends, without moving the clock, as they would go on
// running natively; what is left is then reported as leaked.
//
//go:norace
func (w *world) settle() {
	if w.failure != nil || len(w.runq) == 0 {
		return
	}
	root := w.root
	w.settling = true
	w.settleAt = w.dec.n + settleSteps
	defer func() { w.settling = false }()
	for len(w.runq) > 0 && w.failure == nil && w.dec.n <= w.settleAt {
		root.status = gBlocked
		root.reason = "test ended"
		next := w.pickNext()
		if next == root {
			break
		}
		w.run(root, next)
	}
	root.status = gRunning
}

// rootAbort ends the root goroutine of a failed world: in a test through
// t.FailNow (the report is printed on the way out, by session.done), in a
// program by printing the report and exiting.
//
//go:norace
func (w *world) rootAbort() {
	if w.tb != nil {
		w.tb.FailNow()
	}
	w.endTrace(w.session)
	w.session.exitFailure()
}

// done reports the outcome of a session: the failure report, if the world
// failed, and the replay line for any failure.
//
//go:norace
func (s *session) done() {
	s.t.Helper()
	var f *failure
	if s.last != nil {
		f = s.last.failure
	} else if s.w != nil {
		f = s.w.failure
	}
	if f != nil && !s.logged {
		// Not Errorf: this runs in a deferred call on the way out of
		// t.FailNow, and the testing package would prefix the report with
		// the runtime's frame (panic.go:NNN).
		s.logged = true
		s.t.Fail()
		logPlain(s.t, f.report)
	}
	if s.t.Failed() {
		if s.last != nil && s.last.faults != "" {
			logPlain(s.t, strings.TrimRight(s.last.faults, "\n"))
		}
		if simgenVersion != "" {
			// A seed names a run only under the runtime that ran it.
			logPlain(s.t, "simrt: simgen "+simgenVersion)
		}
		if l := s.foundText(); l != "" {
			logPlain(s.t, l) // exhaustive.go: the bound it was found within
		}
		if lines := s.checkReplay(); lines != nil {
			for _, l := range lines {
				logPlain(s.t, l)
			}
			return
		}
		logPlain(s.t, s.replay())
	}
}

// logPlain writes a line to the test's output without a file:line prefix
// where the testing package allows it (Go 1.25+), since the prefix would
// name the runtime's frame that ran the deferred report.
//
//go:norace
func logPlain(t tbLike, line string) {
	if o, ok := t.(interface{ Output() io.Writer }); ok {
		fmt.Fprintln(o.Output(), line)
		return
	}
	t.Logf("%s", line)
}

// replay is the line that reruns this failure, with every setting of the
// process that changes a run (replay.Settings).
//
//go:norace
func (s *session) replay() string {
	ov, pkg := replayPaths()
	l := replay.Line{Seed: s.seed, Getenv: s.replayEnv(), Command: "run", Tags: buildTags, Overlay: ov, Package: pkg}
	name := s.name
	if name == "" {
		name = s.example
	}
	if name != "" {
		l.Command = "test"
		l.Run = replay.RunPattern(name)
	}
	if raceEnabled && raceOn {
		l.Flags = append(l.Flags, "-race") // a race replays only under the detector (race.go)
	}
	return "simrt: replay with: " + l.String()
}

// overlayPath, moduleDir and buildTags are set by the shadow tree's
// generated file, so that replay lines name the overlay, the tags and the
// package as the user would type them.
var (
	overlayPath   string
	moduleDir     string
	buildTags     = "sim"
	simgenVersion string // "devel, runtime 1a2b3c4d5e6f"; "" outside a shadow tree
)

// replayPaths returns the overlay file and the package argument for a
// replay line, relative to the module root when possible.
//
//go:norace
func replayPaths() (overlay, pkg string) {
	wd, _ := os.Getwd()
	mod := moduleDir
	if mod == "" {
		// Find the nearest enclosing go.mod.
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				mod = d
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	overlay = overlayPath
	if overlay == "" {
		overlay = filepath.Join(mod, ".simbuild", "overlay.json")
	}
	if rel, err := filepath.Rel(mod, overlay); err == nil && !strings.HasPrefix(rel, "..") {
		overlay = rel
	}
	pkg = "."
	if rel, err := filepath.Rel(mod, wd); err == nil && !strings.HasPrefix(rel, "..") {
		pkg = "./" + filepath.ToSlash(rel)
		if rel == "." {
			pkg = "."
		}
	}
	return overlay, pkg
}

// Run is t.Run (or b.Run) inside a simulation: the subtest's body runs as
// the calling simulated goroutine, carried by the subtest's own goroutine
// while the caller waits in t.Run.
//
//go:norace
func Run[T interface {
	Run(string, func(T)) bool
}](t T, name string, f func(T)) bool {
	w := cw
	if w == nil {
		return t.Run(name, f)
	}
	me := cur
	if me != w.root {
		panic("simrt: t.Run called from a goroutine other than the test's own is not supported in a simulation")
	}
	parent := me.wk
	return t.Run(name, func(st T) {
		if tb, ok := any(t).(testing.TB); ok {
			raceUpcall(func() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
				if w.tbParent == nil {
					w.tbParent = make(map[any]any)
				}
				w.tbParent[st] = tb
			})
		}
		wk := &worker{goid: curGoid(), g: me, root: parent.root}
		me.wk = wk
		completed := false
		defer func() {
			if !completed {
				if r := recover(); r != nil || panicking() {
					w.panicked(me, r)
				}
			}
			me.wk = parent
			if tb, ok := any(st).(tbLike); ok && w.failure != nil && me == w.root {
				// The subtest's failure ends the world: report it here, in
				// the subtest; the parent unwinds when t.Run returns.
				tb.Helper()
				if s := w.session; s != nil && !s.logged {
					s.logged = true
					tb.Errorf("%s", w.failure.report)
					tb.Logf("%s", s.replayFor(tb.Name()))
				}
			}
		}()
		var tb any
		if x, ok := any(st).(tbLike); ok {
			tb = x
		}
		w.runBody(me, tb, func() { f(st) })
		completed = true
	}) && w.failure == nil
}

// replayFor is the replay line for a subtest.
//
//go:norace
func (s *session) replayFor(name string) string {
	saved := s.name
	s.name = name
	defer func() { s.name = saved }()
	return s.replay()
}

// Cleanup is t.Cleanup inside a simulation: f runs as a simulated goroutine
// (the root) when the test's body returns, before the world ends.
//
//go:norace
func Cleanup(t testing.TB, f func()) {
	w := cw
	if w == nil {
		t.Cleanup(f)
		return
	}
	raceUpcall(func() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
		if w.cleanups == nil {
			w.cleanups = make(map[any][]func())
		}
		w.cleanups[t] = append(w.cleanups[t], f)
	})
}

// runBody runs a test's body as x, then cancels t's context and runs its
// cleanups. A body that ends with runtime.Goexit (t.FailNow, t.SkipNow)
// still gets them, as package testing runs cleanups after FailNow; a world
// that failed (whose root unwinds with Goexit too) runs none, since nothing
// may run in it any more. A panic is recorded as the world's failure here,
// where the panicking frames are still on the stack; a cleanup that ends
// with Goexit or panics leaves through the caller's deferred calls.
//
//go:norace
func (w *world) runBody(x *g, t any, body func()) {
	returned := false
	defer func() {
		if returned {
			return
		}
		if r := recover(); r != nil || panicking() {
			w.panicked(x, r)
			return
		}
		if w.failure == nil && t != nil {
			w.runCleanups(t)
		}
	}()
	body()
	returned = true
	w.runCleanups(t)
}

// testContext is the simulated t.Context() of one test of a run.
type testContext struct {
	ctx    context.Context // nil until the test asks for it
	cancel context.CancelFunc
	ended  bool // its cleanups have begun: the context is canceled
}

// TestContext is t.Context() (also b.Context(), f.Context()) inside a
// simulation: a simulated context, one per test and run, canceled just
// before the test's cleanups run, as package testing cancels its own. The
// native one is canceled only when the test function returns, after the
// simulated cleanups have run: a cleanup that waits for a goroutine to see
// the cancellation would wait for good.
//
//go:norace
func TestContext(t testing.TB) context.Context {
	w := cw
	if w == nil {
		return t.(interface{ Context() context.Context }).Context()
	}
	var c testContext
	raceUpcall(func() { c = w.testCtx[t] }) // -race: simrt's maps are touched on the simrt thread (racecoro.go)
	if c.ctx != nil {
		return c.ctx
	}
	c.ctx, c.cancel = WithCancel(context.Background())
	if c.ended {
		// Asked for only after its cleanups began (by a goroutine that ran
		// late): canceled already, as natively.
		c.cancel()
	}
	raceUpcall(func() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
		if w.testCtx == nil {
			w.testCtx = make(map[any]testContext)
		}
		w.testCtx[t] = c
	})
	return c.ctx
}

// endTestContext cancels t's context, or marks it to be born canceled.
//
//go:norace
func (w *world) endTestContext(t any) {
	var c testContext
	raceUpcall(func() { c = w.testCtx[t] }) // -race: simrt's maps are touched on the simrt thread (racecoro.go)
	if c.ended {
		return
	}
	c.ended = true
	if c.cancel != nil {
		c.cancel()
	}
	raceUpcall(func() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
		if w.testCtx == nil {
			w.testCtx = make(map[any]testContext)
		}
		w.testCtx[t] = c
	})
}

// runCleanups cancels t's context and runs the cleanups registered for t,
// last first.
//
//go:norace
func (w *world) runCleanups(t any) {
	if t != nil {
		w.endTestContext(t)
	}
	for {
		var f func()
		raceUpcall(func() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
			if fs := w.cleanups[t]; len(fs) > 0 {
				f = fs[len(fs)-1]
				w.cleanups[t] = fs[:len(fs)-1]
			}
		})
		if f == nil {
			return
		}
		f()
	}
}

// Parallel is t.Parallel inside a simulation. Simulated tests run one at a
// time (worlds never overlap), so it does nothing.
//
//go:norace
func Parallel(t testing.TB) {
	if cw == nil {
		if p, ok := t.(interface{ Parallel() }); ok {
			p.Parallel()
		}
	}
}

// teardown ends every goroutine of the run still alive (daemons stay),
// running their deferred calls, and withdraws them from channels, locks and
// timers that may outlive the run.
//
//go:norace
func (w *world) teardown() {
	w.tearing = true
	root := w.root
	for _, x := range w.liveSorted() {
		if x == root || x.daemon {
			continue
		}
		if x.status == gRunnable {
			w.unready(x)
		}
		x.withdraw()
		if !x.started {
			// Its worker never ran it: give the worker back to the pool.
			raceUpcall(func() { delete(w.all, x.id) }) // -race: simrt's maps are touched on the simrt thread (racecoro.go)
			x.wk.g = nil
			if len(idle) < maxIdle {
				idle = append(idle, x.wk)
			} else {
				raceDropWorker(x.wk)
			}
			continue
		}
		x.abort = true
		x.status = gRunning
		cur = x
		stopWorker(x.wk)
		raceUpcall(func() { delete(w.all, x.id) }) // -race: simrt's maps are touched on the simrt thread (racecoro.go)
	}
	if w.m != nil {
		for _, x := range w.m.crashed {
			if !x.started {
				x.wk.g = nil
				if len(idle) < maxIdle {
					idle = append(idle, x.wk)
				} else {
					raceDropWorker(x.wk)
				}
				continue
			}
			x.abort = true
			x.status = gRunning
			cur = x
			stopWorker(x.wk)
		}
		w.m.crashed = nil
	}
	for _, wk := range w.dead {
		stopWorker(wk)
	}
	cur = root
	w.dead = nil
	var keep []*timer
	raceUpcall(func() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
		for _, b := range w.timers.buckets {
			for _, t := range b.ts {
				if t.daemon {
					keep = append(keep, t)
				}
			}
		}
	})
	sortTimers(keep)
	w.timers = timers{}
	for _, t := range keep {
		w.addTimer(t)
	}
	var pollers []*selWait
	for _, p := range w.pollers {
		if p.g.daemon {
			pollers = append(pollers, p)
		}
	}
	w.pollers = pollers
	w.watchers = nil
	w.twins = nil
	raceJoinRun(w)
	reapEnded() // -race: ended workers park until here (racecoro.go)
}

// stopWorker ends a worker coroutine. Its goroutine unwinds with
// runtime.Goexit, which iter.Pull passes on to the caller of stop, so stop
// runs on a goroutine of its own that may end that way.
//
//go:norace
func stopWorker(wk *worker) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		wk.stop()
	}()
	<-done
}
