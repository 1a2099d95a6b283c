package simrt_test

// Report tests: panic and fatal-error texts against what native Go prints,
// and report text stable for a seed. Scenarios run in subprocesses
// (runHelper, harness_test.go); positions are MARK lines of this file.

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"simgen.dev/simgen/simrt"
)

// rmark is mark for this file.
func rmark(t *testing.T, name string) string {
	t.Helper()
	src, err := os.ReadFile("report_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(src), "\n") {
		if strings.HasSuffix(line, "// MARK "+name) {
			return fmt.Sprintf("report_test.go:%d", i+1)
		}
	}
	t.Fatalf("no MARK %s in report_test.go", name)
	return ""
}

func TestHelperReportPanic(t *testing.T) {
	helper(t)
	body := func(spawn func(func()), wait func()) {
		switch os.Getenv("SIMRT_KIND") {
		case "index":
			spawn(func() {
				xs := []int{1, 2, 3}
				i := 5
				fmt.Println(xs[i]) // MARK index
			})
		case "error":
			spawn(func() {
				panic(fmt.Errorf("wrapped: %w", os.ErrNotExist)) // MARK error
			})
		case "root":
			panic("root-boom") // MARK root
		case "unlock":
			spawn(func() {
				var mu simrt.Mutex
				mu.Unlock() // MARK unlock
			})
		}
		wait()
	}
	if os.Getenv("SIMRT_NATIVE") == "1" {
		body(func(f func()) { go f() }, func() { select {} })
		return
	}
	simrt.Test(t, func(t *testing.T) {
		body(simrt.Go, func() { simrt.Recv(simrt.MakeChan[int](0)) })
	})
}

// TestReportPanicTextLikeNative: the first line of a panic report is the
// line native Go prints, and the report names the panicking line.
func TestReportPanicTextLikeNative(t *testing.T) {
	t.Parallel()
	first := regexp.MustCompile(`(?m)(?:^\s*|: )(panic: .*)$`)
	for _, kind := range []string{"index", "error", "root"} {
		native := runHelper(t, "^TestHelperReportPanic$", "SIMRT_KIND="+kind, "SIMRT_NATIVE=1")
		sim := runHelper(t, "^TestHelperReportPanic$", "SIMRT_KIND="+kind)
		nl, sl := "", ""
		if m := first.FindStringSubmatch(native.out); m != nil {
			nl = strings.TrimSpace(m[1])
		}
		if m := first.FindStringSubmatch(sim.out); m != nil {
			sl = strings.TrimSpace(m[1])
		}
		// The testing package appends " [recovered]" natively for a panic in
		// the test's own goroutine; the value is what must match.
		nl = strings.TrimSuffix(strings.ReplaceAll(nl, " [recovered, repanicked]", ""), " [recovered]")
		if nl == "" || nl != sl {
			t.Errorf("%s: native %q, simulated %q", kind, nl, sl)
		}
		sim.must(t, 1, rmark(t, kind)+"\n")
		// The stack starts at the panicking function: no frames of the
		// machinery that captured it.
		if m := regexp.MustCompile(`goroutine \d+ \[running\]:\n\s*(\S+)`).FindStringSubmatch(sim.out); m == nil || !strings.Contains(m[1], "TestHelperReportPanic") {
			t.Errorf("%s: the panic's stack does not start at the panicking function:\n%s", kind, sim.out)
		}
		if !replayRE("^TestHelperReportPanic$").MatchString(sim.out) {
			t.Errorf("%s: no replay line:\n%s", kind, sim.out)
		}
	}
}

func TestReportFatalErrorLikeNative(t *testing.T) {
	t.Parallel()
	native := runHelper(t, "^TestHelperReportPanic$", "SIMRT_KIND=unlock", "SIMRT_NATIVE=1")
	native.must(t, 2, "fatal error: sync: unlock of unlocked mutex")
	sim := runHelper(t, "^TestHelperReportPanic$", "SIMRT_KIND=unlock")
	sim.must(t, 1, "fatal error: sync: unlock of unlocked mutex", rmark(t, "unlock")+"\n", "--- FAIL: TestHelperReportPanic", "SIM_SEED=")
}

// TestReportSameSeedSameText: a seed's report is the same text every time.
func TestReportSameSeedSameText(t *testing.T) {
	t.Parallel()
	strip := regexp.MustCompile(`\(\d+\.\d+s\)`)
	a := runHelper(t, "^TestHelperDeadlock$", "SIM_SEED=12345")
	b := runHelper(t, "^TestHelperDeadlock$", "SIM_SEED=12345")
	a.must(t, 1, "deadlock", "seed 12345", "SIM_SEED=12345 ")
	if x, y := strip.ReplaceAllString(a.out, ""), strip.ReplaceAllString(b.out, ""); x != y {
		t.Errorf("two runs of seed 12345 reported differently:\n%s\n----\n%s", x, y)
	}
	c := runHelper(t, "^TestHelperDeadlock$", "SIM_SEED=12346")
	if strip.ReplaceAllString(a.out, "") == strip.ReplaceAllString(c.out, "") {
		t.Error("seeds 12345 and 12346 gave the same report")
	}
}

// TestReportDeadlockInsideTimers: a deadlock found only after the clock
// ran out of timers says how far virtual time got.
func TestHelperReportLateDeadlock(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		c := simrt.MakeChan[int](0)
		simrt.Go(func() {
			simrt.Sleep(90 * 60e9)
			simrt.Send(c, 1) // MARK late-send
		})
		simrt.Recv(c)
		simrt.Recv(c) // MARK late-recv
	})
}

func TestReportLateDeadlock(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperReportLateDeadlock$")
	r.must(t, 1, "deadlock", "virtual time +1h30m0s", "(root) [chan receive]", rmark(t, "late-recv")+"\n")
	r.mustNot(t, rmark(t, "late-send")+"\n")
}
