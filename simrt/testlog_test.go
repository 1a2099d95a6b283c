package simrt_test

// Late reports: a goroutine that logs or fails through its test after the
// test's body returned panics with package testing's text, at its line. The
// failing scenarios are TestHelperLate* functions, run in a subprocess by
// the TestLate* tests (harness_test.go's helper and runHelper).

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"simgen.dev/simgen/simrt"
)

// lateMark returns "testlog_test.go:N" for the line holding "// MARK name".
func lateMark(t *testing.T, name string) string {
	t.Helper()
	src, err := os.ReadFile("testlog_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(src), "\n") {
		if strings.HasSuffix(line, "// MARK "+name) {
			return fmt.Sprintf("testlog_test.go:%d", i+1)
		}
	}
	t.Fatalf("no MARK %s in testlog_test.go", name)
	return ""
}

// waitEnd returns once ended is set, which a test body does as its last
// statement: no scheduling point follows it before the body returns, so
// the caller runs on only once the test has completed, on every seed.
func waitEnd(ended *atomic.Bool) {
	for !ended.Load() {
		simrt.Gosched()
	}
}

func TestHelperLateLog(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		var ended atomic.Bool
		simrt.Go(func() {
			waitEnd(&ended)
			simrt.TBLogf(t, "late %d\nsecond line", 7) // MARK late-log
		})
		ended.Store(true)
	})
}

func TestLateLogPanics(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperLateLog$")
	r.must(t, 1, "panic: Log in goroutine after TestHelperLateLog has completed: late 7\n", "\t    second line\n",
		lateMark(t, "late-log")+"\n", "--- FAIL: TestHelperLateLog")
	if !replayRE("^TestHelperLateLog$").MatchString(r.out) {
		t.Errorf("no replay line in:\n%s", r.out)
	}
}

func TestHelperLateError(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		var ended atomic.Bool
		simrt.Go(func() {
			waitEnd(&ended)
			check(t, 3)
		})
		ended.Store(true)
	})
}

// check is a helper of the kind tests share, taking a testing.TB.
func check(tb testing.TB, got int) {
	tb.Helper()
	if got != 1 {
		simrt.TBErrorf(tb, "got %d, want 1", got) // MARK late-error
	}
}

func TestLateErrorPanics(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperLateError$")
	// Errorf logs before it fails: with no test left running, the log panics.
	r.must(t, 1, "panic: Log in goroutine after TestHelperLateError has completed: got 3, want 1\n", lateMark(t, "late-error")+"\n")
}

func TestHelperLateFailNow(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		var ended atomic.Bool
		simrt.Go(func() {
			waitEnd(&ended)
			simrt.TBFailFunc(t, "FailNow")() // MARK late-failnow
		})
		ended.Store(true)
	})
}

func TestLateFailNowPanics(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperLateFailNow$")
	r.must(t, 1, "panic: Fail in goroutine after TestHelperLateFailNow has completed\n", lateMark(t, "late-failnow")+"\n")
}

func TestHelperLateSubtest(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		c := simrt.MakeChan[bool](0)
		var ended atomic.Bool
		simrt.Run(t, "sub", func(t *testing.T) {
			simrt.Go(func() {
				simrt.Recv(c)
				simrt.TBLog(t, "to the parent") // MARK sub-to-parent
				simrt.Send(c, true)
				waitEnd(&ended)
				simrt.TBLog(t, "after both") // MARK sub-after-both
			})
		})
		simrt.Send(c, true)
		simrt.Recv(c)
		ended.Store(true)
	})
}

func TestLateSubtest(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperLateSubtest$")
	// While the parent runs, the ended subtest's line goes to the parent's
	// output, as natively; once the parent has ended too, it panics.
	r.must(t, 1, "=== NAME  TestHelperLateSubtest\n    "+lateMark(t, "sub-to-parent")+": to the parent\n",
		"panic: Log in goroutine after TestHelperLateSubtest/sub has completed: after both\n", lateMark(t, "sub-after-both")+"\n")
}

// TestLateNotLate: calls before the test completed, in its cleanups too,
// go to the methods, and the lines they print are the callers'.
func TestLateNotLate(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperNotLate$")
	r.must(t, 0, "    "+lateMark(t, "in-time")+": in time 1\n", "    "+lateMark(t, "in-cleanup")+": in a cleanup\n",
		"    "+lateMark(t, "via-value")+": via a value\n", "--- PASS: TestHelperNotLate")
	r.mustNot(t, "testlog.go")
}

func TestHelperNotLate(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		done := simrt.MakeChan[bool](0)
		simrt.Go(func() {
			simrt.TBLogf(t, "in time %d", 1) // MARK in-time
			simrt.Send(done, true)
		})
		simrt.Recv(done)
		logf := simrt.TBFormatFunc(t, "Logf")
		logf("via a value") // MARK via-value
		simrt.Go(func() {
			simrt.Recv(done)
			simrt.TBLog(t, "in a cleanup") // MARK in-cleanup
			simrt.Send(done, true)
		})
		simrt.Cleanup(t, func() {
			simrt.Send(done, true)
			simrt.Recv(done)
		})
	})
}
