package simrt_test

// Harness and report tests. The scenarios that must fail live in
// TestHelper* functions, which skip unless SIMRT_HELPER=1; the TestHarness*
// tests run them in a subprocess (this test binary, re-executed with
// -test.run) and check its output and exit status. Report positions are
// checked against the lines of the MARK comments in this file.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
)

// helper skips a scenario unless a TestHarness test runs it.
func helper(t *testing.T) {
	if os.Getenv("SIMRT_HELPER") != "1" {
		t.Skip("a scenario that fails on purpose; TestHarness* run it in a subprocess")
	}
}

// result is a subprocess run of helper tests.
type result struct {
	out  string
	code int
	wall time.Duration
}

// runHelper runs the helper tests matching pattern in a subprocess with the
// extra environment env (SIM_* variables of this process are dropped).
func runHelper(t *testing.T, pattern string, env ...string) result {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run="+pattern, "-test.v", "-test.count=1", "-test.timeout=60s")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SIM_") && !strings.HasPrefix(kv, "SIMRT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "SIMRT_HELPER=1")
	cmd.Env = append(cmd.Env, env...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	r := result{out: string(out), wall: time.Since(start)}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", pattern, err)
	}
	return r
}

// mark returns "harness_test.go:N" for the line holding "// MARK name".
func mark(t *testing.T, name string) string {
	t.Helper()
	src, err := os.ReadFile("harness_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(src), "\n") {
		if strings.HasSuffix(line, "// MARK "+name) {
			return fmt.Sprintf("harness_test.go:%d", i+1)
		}
	}
	t.Fatalf("no MARK %s in harness_test.go", name)
	return ""
}

func (r result) must(t *testing.T, wantCode int, wants ...string) {
	t.Helper()
	ok := true
	if r.code != wantCode {
		t.Errorf("exit status %d, want %d", r.code, wantCode)
		ok = false
	}
	for _, w := range wants {
		if !strings.Contains(r.out, w) {
			t.Errorf("output lacks %q", w)
			ok = false
		}
	}
	if !ok {
		t.Logf("output:\n%s", r.out)
	}
}

func (r result) mustNot(t *testing.T, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(r.out, b) {
			t.Errorf("output contains %q:\n%s", b, r.out)
		}
	}
}

// entry returns the report's entry for the goroutine whose header holds
// state ("goroutine 3 [chan send]:"), up to the next entry.
func (r result) entry(t *testing.T, state string) string {
	t.Helper()
	re := regexp.MustCompile(`goroutine \d+( \(root\))? \[` + regexp.QuoteMeta(state) + `\]:`)
	loc := re.FindStringIndex(r.out)
	if loc == nil {
		t.Errorf("no goroutine in state [%s] in:\n%s", state, r.out)
		return ""
	}
	rest := r.out[loc[1]:]
	if i := regexp.MustCompile(`\n\s*(goroutine \d+|last decisions:|--- )`).FindStringIndex(rest); i != nil {
		rest = rest[:i[0]]
	}
	return rest
}

// replayRE matches a replay line and captures the seed.
func replayRE(test string) *regexp.Regexp {
	return regexp.MustCompile(`simrt: replay with: SIM_SEED=(\d+) .*go test -tags sim -overlay \S+ -run '` + regexp.QuoteMeta(test) + `' \S+`)
}

// ---- deadlock ----

func TestHelperDeadlock(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		a, b := simrt.MakeChan[int](0), simrt.MakeChan[int](0)
		c, d := simrt.MakeChan[int](0), simrt.MakeChan[int](0)
		var mu simrt.Mutex
		mu.Lock()
		simrt.Go(func() { // MARK go-send
			simrt.Send(a, 1) // MARK send
		})
		simrt.Go(func() { // MARK go-recv
			simrt.Recv(b) // MARK recv
		})
		simrt.Go(func() { // MARK go-select
			simrt.Select(false, simrt.OnRecv(c), simrt.OnSend(d, 2), simrt.OnRecv[int](nil)) // MARK select
		})
		simrt.Go(func() { // MARK go-lock
			mu.Lock() // MARK lock
		})
		var wg simrt.WaitGroup
		wg.Add(1)
		wg.Wait() // MARK wait
		fmt.Println("after deadlock")
	})
}

func TestHarnessDeadlockReport(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperDeadlock$")
	r.must(t, 1, "deadlock", "--- FAIL: TestHelperDeadlock")
	r.mustNot(t, "after deadlock")
	if !replayRE("^TestHelperDeadlock$").MatchString(r.out) {
		t.Errorf("no replay line in:\n%s", r.out)
	}
	for _, c := range []struct{ state, at, created string }{
		{"chan send", "send", "go-send"},
		{"chan receive", "recv", "go-recv"},
		{"select", "select", "go-select"},
		{"sync.Mutex.Lock", "lock", "go-lock"},
		{"sync.WaitGroup.Wait", "wait", ""},
	} {
		e := r.entry(t, c.state)
		if !strings.Contains(e, mark(t, c.at)+"\n") {
			t.Errorf("[%s] entry lacks the blocked statement %s:\n%s", c.state, mark(t, c.at), e)
		}
		if c.created != "" && !regexp.MustCompile(regexp.QuoteMeta(mark(t, c.created))+` by goroutine 1\b`).MatchString(e) {
			t.Errorf("[%s] entry lacks the creation site %s:\n%s", c.state, mark(t, c.created), e)
		}
	}
	if e := r.entry(t, "sync.WaitGroup.Wait"); !strings.Contains(r.out, "(root) [sync.WaitGroup.Wait]") {
		t.Errorf("the root is not marked as such: %s", e)
	}
}

// TestHarnessReportNotAttributedToRuntime: the report is not prefixed with
// a file:line of Go's runtime (the deferred call that prints it runs under
// runtime.Goexit), which would send a reader to runtime/panic.go.
func TestHarnessReportNotAttributedToRuntime(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperDeadlock$")
	if m := regexp.MustCompile(`(?m)^\s+(panic|proc|asm_\w+)\.go:\d+: simrt: deadlock`).FindString(r.out); m != "" {
		t.Errorf("the deadlock report is attributed to the Go runtime: %q", strings.TrimSpace(m))
	}
}

func TestHelperEmptySelect(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		for {
			simrt.Select(false) // MARK empty-select
		}
	})
}

func TestHarnessEmptySelectDeadlocks(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperEmptySelect$")
	r.must(t, 1, "deadlock", "[select (no cases)]", mark(t, "empty-select"), "SIM_SEED=")
}

// ---- panics ----

func TestHelperPanic(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		c := simrt.MakeChan[int](0)
		simrt.Go(func() { // MARK go-panic
			simrt.Sleep(time.Second)
			panic(fmt.Sprintf("boom-%d", 42)) // MARK panic
		})
		simrt.Recv(c)
		fmt.Println("after panic")
	})
}

func TestHarnessPanicInGoroutine(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperPanic$")
	r.must(t, 1, "panic: boom-42", mark(t, "panic")+"\n", "created at ", mark(t, "go-panic")+" by goroutine 1", "--- FAIL: TestHelperPanic")
	r.mustNot(t, "after panic")
	if !replayRE("^TestHelperPanic$").MatchString(r.out) {
		t.Errorf("no replay line in:\n%s", r.out)
	}
}

func TestHarnessReplayNamesStrategy(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperPanic$", "SIM_SEED=77", "SIM_STRATEGY=pct:3")
	r.must(t, 1, "panic: boom-42", "simrt: replay with: SIM_SEED=77 SIM_STRATEGY=pct:3 go test", "strategy pct:3:10000")
}

var pkgCh = simrt.MakeChan[int](0)

func TestHelperPanicLeavesWaiter(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		simrt.Go(func() { simrt.Recv(pkgCh) })
		simrt.Go(func() { simrt.Send(pkgCh, 1); simrt.Send(pkgCh, 2) })
		simrt.Sleep(time.Hour)
		simrt.Go(func() { panic("first test fails") })
		simrt.Sleep(time.Hour)
	})
}

func TestHelperFreshAfter(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		if n := simrt.NumGoroutine(); n != 1 {
			t.Errorf("fresh world has %d goroutines", n)
		}
		if !simrt.Now().Equal(simrt.Epoch) {
			t.Errorf("fresh world starts at %v", simrt.Now())
		}
		if simrt.Select(true, simrt.OnSend(pkgCh, 1)) != -1 {
			t.Error("a receiver from the failed world is still queued on pkgCh")
		}
		if simrt.Select(true, simrt.OnRecv(pkgCh)) != -1 {
			t.Error("a sender from the failed world is still queued on pkgCh")
		}
		fmt.Println("fresh world checked")
	})
}

func TestHarnessFreshWorldAfterFailure(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelper(PanicLeavesWaiter|FreshAfter)$")
	r.must(t, 1, "panic: first test fails", "--- FAIL: TestHelperPanicLeavesWaiter", "fresh world checked", "--- PASS: TestHelperFreshAfter")
}

// ---- recover does not swallow the runtime's aborts ----

func TestHelperRecoverDeadlock(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		defer func() {
			if r := recover(); r != nil {
				fmt.Println("root recovered", r)
			}
		}()
		c := simrt.MakeChan[int](0)
		simrt.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					fmt.Println("goroutine recovered", r)
				}
			}()
			simrt.Recv(c)
			fmt.Println("goroutine went on")
		})
		simrt.Recv(c)
		fmt.Println("root went on")
	})
}

func TestHarnessRecoverDoesNotSwallowDeadlock(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperRecoverDeadlock$")
	r.must(t, 1, "deadlock", "--- FAIL: TestHelperRecoverDeadlock")
	r.mustNot(t, "recovered", "went on")
}

// ---- t.Fatal, t.FailNow, t.Skip from the root, natively and simulated ----

func TestHelperRootExit(t *testing.T) {
	helper(t)
	body := func(t *testing.T) {
		defer fmt.Println("deferred ran")
		switch os.Getenv("SIMRT_KIND") {
		case "fatal":
			t.Fatal("fatal-message")
		case "failnow":
			t.FailNow()
		case "skip":
			t.Skip("skip-message")
		case "error":
			t.Error("error-message")
		}
		fmt.Println("after the call")
	}
	if os.Getenv("SIMRT_NATIVE") == "1" {
		body(t)
		return
	}
	simrt.Test(t, func(t *testing.T) {
		simrt.Sleep(time.Second)
		body(t)
	})
}

func TestHarnessRootExitLikeNative(t *testing.T) {
	t.Parallel()
	summary := regexp.MustCompile(`(?m)^--- (PASS|FAIL|SKIP): TestHelperRootExit|fatal-message|skip-message|error-message|deferred ran|after the call`)
	for _, kind := range []string{"fatal", "failnow", "skip", "error"} {
		native := runHelper(t, "^TestHelperRootExit$", "SIMRT_KIND="+kind, "SIMRT_NATIVE=1")
		sim := runHelper(t, "^TestHelperRootExit$", "SIMRT_KIND="+kind)
		nk := strings.Join(summary.FindAllString(native.out, -1), ", ")
		sk := strings.Join(summary.FindAllString(sim.out, -1), ", ")
		if nk != sk || native.code != sim.code {
			t.Errorf("%s: native (exit %d) %q; simulated (exit %d) %q", kind, native.code, nk, sim.code, sk)
		}
		if kind != "skip" && !replayRE("^TestHelperRootExit$").MatchString(sim.out) {
			t.Errorf("%s: no replay line:\n%s", kind, sim.out)
		}
		if kind == "skip" && strings.Contains(sim.out, "SIM_SEED=") {
			t.Errorf("skip printed a replay line:\n%s", sim.out)
		}
	}
}

func TestHelperErrorInGoroutine(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		done := simrt.MakeChan[int](0)
		simrt.Go(func() {
			t.Errorf("error-from-goroutine %d", 7)
			simrt.Send(done, 1)
		})
		simrt.Recv(done)
		fmt.Println("root continued")
	})
}

func TestHarnessErrorFromGoroutineFails(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperErrorInGoroutine$")
	r.must(t, 1, "error-from-goroutine 7", "root continued", "--- FAIL: TestHelperErrorInGoroutine")
	if !replayRE("^TestHelperErrorInGoroutine$").MatchString(r.out) {
		t.Errorf("no replay line in:\n%s", r.out)
	}
}

// ---- cleanups and subtests ----

func TestHarnessCleanupRunsInWorld(t *testing.T) {
	var log []string
	simrt.Test(t, func(t *testing.T) {
		c := simrt.MakeChan[int](0)
		simrt.Go(func() { simrt.Send(c, 5) })
		simrt.Cleanup(t, func() {
			// Simulated operations work here: the world is still up.
			simrt.Sleep(time.Second)
			log = append(log, fmt.Sprintf("first registered, ran last at +%v", since()))
		})
		simrt.Cleanup(t, func() {
			log = append(log, fmt.Sprintf("second got %d", simrt.Recv(c)))
		})
		log = append(log, "body")
	})
	if got := strings.Join(log, "; "); got != "body; second got 5; first registered, ran last at +1s" {
		t.Errorf("cleanups: %s", got)
	}
}

func TestHarnessSubtestsShareWorld(t *testing.T) {
	var got []string
	simrt.Test(t, func(t *testing.T) {
		c := simrt.MakeChan[string](0)
		simrt.Go(func() {
			simrt.Send(c, "from parent's goroutine")
			simrt.Send(c, "second")
		})
		simrt.Run(t, "a", func(t *testing.T) {
			got = append(got, simrt.Recv(c))
			simrt.Sleep(time.Second)
			simrt.Cleanup(t, func() { got = append(got, "a cleanup") })
		})
		simrt.Run(t, "b", func(t *testing.T) {
			got = append(got, fmt.Sprintf("b at +%v", since()))
		})
		got = append(got, simrt.Recv(c))
	})
	if s := strings.Join(got, "; "); s != "from parent's goroutine; a cleanup; b at +1s; second" {
		t.Errorf("subtests: %s", s)
	}
}

func TestHelperSubtestDeadlock(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		simrt.Run(t, "sub", func(t *testing.T) {
			simrt.Recv(simrt.MakeChan[int](0)) // MARK sub-recv
		})
		fmt.Println("parent went on")
	})
}

func TestHarnessSubtestFailureReplay(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperSubtestDeadlock$")
	r.must(t, 1, "deadlock", mark(t, "sub-recv"), "--- FAIL: TestHelperSubtestDeadlock/sub")
	r.mustNot(t, "parent went on")
	if !replayRE("^TestHelperSubtestDeadlock$/^sub$").MatchString(r.out) {
		t.Errorf("no replay line for the subtest in:\n%s", r.out)
	}
}

// ---- SIM_SEEDS and replay ----

// TestHelperSeeds fails for about one seed in 24: when four racing
// goroutines finish in reverse order.
func TestHelperSeeds(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		fmt.Println("helper-run")
		c := simrt.MakeChan[int](4)
		for i := 0; i < 4; i++ {
			simrt.Go(func() {
				simrt.Gosched()
				simrt.Send(c, i)
			})
		}
		order := ""
		for i := 0; i < 4; i++ {
			order += fmt.Sprint(simrt.Recv(c))
		}
		if order == "3210" {
			t.Errorf("reverse order %s", order)
		}
	})
}

func TestHarnessSeedsStopsAtFirstFailure(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperSeeds$", "SIM_SEED=1000", "SIM_SEEDS=500")
	r.must(t, 1, "reverse order 3210")
	m := replayRE("^TestHelperSeeds$").FindAllStringSubmatch(r.out, -1)
	if len(m) != 1 {
		t.Fatalf("want one replay line, got %d:\n%s", len(m), r.out)
	}
	var seed int
	fmt.Sscan(m[0][1], &seed)
	runs := strings.Count(r.out, "helper-run")
	if runs != seed-1000+1 || runs < 2 {
		t.Errorf("failing seed %d after %d runs from seed 1000: did not stop at the first failure", seed, runs)
	}
	// The seed replays: alone it fails the same way; the one before passes.
	again := runHelper(t, "^TestHelperSeeds$", fmt.Sprintf("SIM_SEED=%d", seed))
	again.must(t, 1, "reverse order 3210", fmt.Sprintf("SIM_SEED=%d ", seed))
	before := runHelper(t, "^TestHelperSeeds$", fmt.Sprintf("SIM_SEED=%d", seed-1))
	before.must(t, 0, "--- PASS: TestHelperSeeds")
}

func TestHarnessBadConfig(t *testing.T) {
	t.Parallel()
	for _, env := range []string{"SIM_SEED=x", "SIM_SEEDS=0", "SIM_STRATEGY=fifo", "SIM_LEAKS=maybe", "SIM_WATCHDOG=-1s"} {
		r := runHelper(t, "^TestHelperFreshAfter$", env)
		name := env[:strings.IndexByte(env, '=')]
		r.must(t, 1, "simrt: "+name)
	}
}

// ---- SIM_CHECK_DETERMINISM ----

var helperRuns int

func TestHelperNondeterministic(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		helperRuns++
		c := simrt.MakeChan[int](1)
		if helperRuns%2 == 0 {
			simrt.Go(func() { simrt.Send(c, 1) }) // MARK diverge-2
		}
		simrt.Sleep(time.Second) // MARK diverge-1
	})
}

func TestHelperDeterministic(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		fmt.Println("racy order", racy())
		ctx, cancel := simrt.WithTimeout(context.Background(), time.Second)
		defer cancel()
		simrt.Recv(simrt.NativeRecv(ctx.Done()))
	})
}

// A sync.Once singleton and a protobuf-like lazily filled cache (a map
// under a Mutex behind an atomic fast path, as protobuf's message metadata):
// the first run of the process fills them, with scheduling points later
// runs never make.
var (
	warmOnce   simrt.Once
	warmValue  int
	warmMu     simrt.Mutex
	warmReady  atomic.Bool
	warmCache  map[string]int
	warmFilled int
)

func warmSingleton() int {
	warmOnce.Do(func() {
		warmMu.Lock()
		warmValue = 42
		warmMu.Unlock()
	})
	return warmValue
}

func warmLookup(k string) int {
	if warmReady.Load() {
		return warmCache[k]
	}
	warmMu.Lock()
	defer warmMu.Unlock()
	if warmCache == nil {
		warmCache = map[string]int{}
		for _, k := range []string{"a", "b", "c"} {
			warmMu.Unlock()
			simrt.Gosched()
			warmMu.Lock()
			warmCache[k] = len(k)
			warmFilled++
		}
		warmReady.Store(true)
	}
	return warmCache[k]
}

func TestHelperWarmUp(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		var wg simrt.WaitGroup
		for i := 0; i < 3; i++ {
			wg.Add(1)
			simrt.Go(func() {
				defer wg.Done()
				if warmSingleton() != 42 || warmLookup("b") != 1 {
					t.Error("wrong value")
				}
			})
		}
		wg.Wait()
	})
}

func TestHarnessCheckDeterminismWarmUp(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperWarmUp$", "SIM_CHECK_DETERMINISM=1", "SIM_SEEDS=4", "SIM_SEED=1")
	r.must(t, 0, "--- PASS: TestHelperWarmUp", "seed 1: the first run took another path than the two after it")
	r.mustNot(t, "seed 2: the first run")
}

func TestHarnessCheckDeterminism(t *testing.T) {
	t.Parallel()
	ok := runHelper(t, "^TestHelperDeterministic$", "SIM_CHECK_DETERMINISM=1", "SIM_SEEDS=5")
	ok.must(t, 0, "--- PASS: TestHelperDeterministic")
	if n := strings.Count(ok.out, "racy order"); n != 10 {
		t.Errorf("5 seeds checked: %d runs, want 10", n)
	}
	bad := runHelper(t, "^TestHelperNondeterministic$", "SIM_CHECK_DETERMINISM=1")
	bad.must(t, 1, "nondeterminism", "diverged at step", "run 1:", "run 2:", mark(t, "diverge-1"), mark(t, "diverge-2"),
		"A third run diverged from the second too", "SIM_SEED=", "SIM_CHECK_DETERMINISM=1 go test")
	// Without the check, the same test passes.
	runHelper(t, "^TestHelperNondeterministic$").must(t, 0, "--- PASS")
}

// ---- replay lines of failures that depend on earlier runs ----

var dependsState int

func TestHelperDependsA(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) { dependsState++ })
}

func TestHelperDependsB(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		if dependsState > 0 {
			t.Error("state left by an earlier test")
		}
	})
}

func TestHelperDependsC(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) { t.Error("fails alone too") })
}

func TestHarnessReplayDependsOnEarlierRuns(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperDepends(A|B)$", "SIM_SEED=5")
	r.must(t, 1, "simrt: passes when run alone: this failure depends on the 1 simulated run(s) before it",
		"simrt: replay with: SIM_SEED=5 go test -tags sim -overlay ")
	m := regexp.MustCompile(`simrt: replay with: SIM_SEED=5 go test .* -run '(\^\(TestHelperDependsA\|TestHelperDependsB\)\$)'`).FindStringSubmatch(r.out)
	if m == nil {
		t.Fatalf("no line replaying both tests in:\n%s", r.out)
	}
	// That line reproduces the failure; the test's own line alone passes.
	runHelper(t, m[1], "SIM_SEED=5").must(t, 1, "state left by an earlier test")
	runHelper(t, "^TestHelperDependsB$", "SIM_SEED=5").must(t, 0)

	// Fresh seeds: the earlier tests cannot be replayed, and it says so.
	runHelper(t, "^TestHelperDepends(A|B)$").must(t, 1, "passes when run alone", "ran under fresh seeds")

	// A failure that does not depend on them keeps its plain line.
	c := runHelper(t, "^TestHelperDepends(A|C)$", "SIM_SEED=5")
	c.must(t, 1, "fails alone too", "simrt: replay with: SIM_SEED=5 go test -tags sim -overlay ")
	c.mustNot(t, "passes when run alone")
}

// ---- SIM_LEAKS ----

func TestHelperLeak(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		c := simrt.MakeChan[int](0)
		simrt.Go(func() { // MARK go-leak-recv
			simrt.Recv(c) // MARK leak-recv
		})
		simrt.Go(func() { // MARK go-leak-sleep
			simrt.Sleep(time.Hour) // MARK leak-sleep
		})
		simrt.Gosched()
	})
}

func TestHarnessLeaks(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperLeak$")
	r.must(t, 0, "--- PASS: TestHelperLeak", "2 goroutine(s) still alive", "SIM_LEAKS=fail")
	for _, c := range []struct{ state, at, created string }{
		{"chan receive", "leak-recv", "go-leak-recv"},
		{"sleep, until +1h0m0s", "leak-sleep", "go-leak-sleep"},
	} {
		e := r.entry(t, c.state)
		if !strings.Contains(e, mark(t, c.at)+"\n") || !strings.Contains(e, mark(t, c.created)+" by goroutine 1") {
			t.Errorf("[%s] entry lacks %s or %s:\n%s", c.state, mark(t, c.at), mark(t, c.created), e)
		}
	}
	fail := runHelper(t, "^TestHelperLeak$", "SIM_LEAKS=fail")
	fail.must(t, 1, "--- FAIL: TestHelperLeak", "still alive", "(SIM_LEAKS=fail)", mark(t, "leak-recv"))
	if !replayRE("^TestHelperLeak$").MatchString(fail.out) {
		t.Errorf("no replay line in:\n%s", fail.out)
	}
}

// ---- watchdog ----

func TestHelperWatchdog(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		real := make(chan int)
		simrt.Go(func() {
			<-real // MARK real-recv
		})
		simrt.Sleep(time.Second)
		fmt.Println("root went on")
	})
}

func TestHarnessWatchdog(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperWatchdog$", "SIM_WATCHDOG=1s")
	if r.code == 0 {
		t.Errorf("exit status 0")
	}
	r.must(t, r.code, "watchdog", "1s of wall time", mark(t, "real-recv"), "SIM_SEED=")
	r.mustNot(t, "root went on")
	if r.wall > 15*time.Second {
		t.Errorf("the watchdog took %v", r.wall)
	}
}

// ---- SIM_STRATEGY through the environment ----

func TestHarnessStrategyFromEnvDeterministic(t *testing.T) {
	t.Parallel()
	order := regexp.MustCompile(`racy order (\d+)`)
	orders := map[string]bool{}
	for _, strategy := range []string{"random", "pct", "pct:3"} {
		for seed := 1; seed <= 3; seed++ {
			env := []string{fmt.Sprintf("SIM_SEED=%d", seed), "SIM_STRATEGY=" + strategy}
			a, b := runHelper(t, "^TestHelperDeterministic$", env...), runHelper(t, "^TestHelperDeterministic$", env...)
			a.must(t, 0, "--- PASS")
			ma, mb := order.FindStringSubmatch(a.out), order.FindStringSubmatch(b.out)
			if ma == nil || mb == nil || ma[1] != mb[1] {
				t.Errorf("%v: %v then %v", env, ma, mb)
				continue
			}
			orders[ma[1]] = true
		}
	}
	if len(orders) < 3 {
		t.Errorf("9 strategy and seed pairs gave only %d orders: %v", len(orders), orders)
	}
}
