package simrt

// This file holds testing's reporting methods (Log, Logf, Error, Errorf,
// Fatal, Fatalf, Skip, Skipf, Fail, FailNow, Output) inside a simulation.
//
// Natively, a goroutine that logs or reports through a test after the test
// function returned makes package testing panic. Under simulation the test's
// body returns inside the real test function: the goroutines it left run
// while the world settles (harness.go), and their calls would reach a
// *testing.T that is still live and succeed. The rewritten calls come here,
// where the world knows that the body ended, and panic as testing does.
//
// Package testing's two texts, for a test X whose function returned:
//   - c.log, behind Log, Logf, Error, Errorf, Fatal, Fatalf, Skip and Skipf,
//     sends the line to the nearest test still running, and panics
//     "Log in goroutine after X has completed: <line>" when none is: X ran
//     last in the binary (as with go test -run X), or while the binary ends.
//   - Fail, behind Error, Errorf, Fatal, Fatalf and FailNow too, panics
//     "Fail in goroutine after X has completed" at once; Fail first marks
//     the parents failed, so the name is that of the outermost test that has
//     completed below one still running.
//
// Under simulation the world is all the binary there is: a late call is
// given the native outcome that shows the bug, the Log panic for the
// methods that log (as when X ran last), the Fail panic naming the
// top-level test for Fail and FailNow (as when tests still run after X;
// with none running, testing names the root, whose name is empty).
//
// Invariants:
//   - A call is late only while the world settles (w.settling): the root's
//     body, its subtests' bodies and every cleanup have returned, as
//     testing's done is set only after the cleanups. A call at any other
//     time, or on a testing.TB that is not a *testing.T, B or F of this
//     world's test (a user's type implementing TB), goes to the method.
//   - A subtest's body ends before its parent's (simrt.Parallel runs
//     nothing in parallel), so while the world settles every test of the
//     world has completed; a late call on a subtest is late on its parents
//     too, as natively when the binary ran nothing after the top-level test.
//   - Each wrapper calls Helper on tb and on every test above it first, so
//     that a line the method does print names the user's call, not this
//     file: testing prints the line of an ended subtest in its nearest
//     running parent's output, skipping the parent's helpers. The parents
//     are in w.tbParent, filled by Run.

import (
	"fmt"
	"strings"
	"testing"
)

// lateTest reports whether tb is a test of the running world whose body
// has ended, and returns the world's top-level test name.
//
//go:norace
func lateTest(tb testing.TB) (top string, late bool) {
	w := cw
	if w == nil || !w.settling || w.tb == nil {
		return "", false
	}
	switch tb.(type) {
	case *testing.T, *testing.B, *testing.F:
	default:
		return "", false
	}
	top = w.tb.Name()
	name := tb.Name()
	return top, name == top || strings.HasPrefix(name, top+"/")
}

// lineage returns tb and the tests above it in the running world, nearest
// first.
//
//go:norace
func lineage(tb testing.TB) []testing.TB {
	out := []testing.TB{tb}
	w := cw
	if w == nil || any(tb) == any(w.tb) {
		return out
	}
	switch tb.(type) {
	case *testing.T, *testing.B:
	default:
		return out
	}
	raceUpcall(func() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
		for p := w.tbParent[tb]; p != nil; p = w.tbParent[p] {
			out = append(out, p.(testing.TB))
		}
	})
	return out
}

// logAfter is the panic value of testing's c.log for a completed test: the
// line as log formats it (continuation lines indented, one final newline).
//
//go:norace
func logAfter(tb testing.TB, line string) string {
	line = strings.TrimSuffix(line, "\n")
	line = strings.ReplaceAll(line, "\n", "\n    ")
	return "Log in goroutine after " + tb.Name() + " has completed: " + line + "\n"
}

// lateLog reports whether a call through tb that logs must panic as
// testing's c.log does: a goroutine of the world logs after its test
// completed.
//
//go:norace
func lateLog(tb testing.TB) bool {
	_, late := lateTest(tb)
	return late
}

// checkFail panics as testing's Fail does when a goroutine of the world
// fails tb after its test completed.
//
//go:norace
func checkFail(tb testing.TB) {
	if top, late := lateTest(tb); late {
		panic("Fail in goroutine after " + top + " has completed")
	}
}

// TBLog is tb.Log in a rewritten package.
//
//go:norace
func TBLog(tb testing.TB, args ...any) {
	for _, x := range lineage(tb) {
		x.Helper()
	}
	if lateLog(tb) {
		panic(logAfter(tb, fmt.Sprintln(args...)))
	}
	tb.Log(args...)
}

// TBLogf is tb.Logf in a rewritten package.
//
//go:norace
func TBLogf(tb testing.TB, format string, args ...any) {
	for _, x := range lineage(tb) {
		x.Helper()
	}
	if lateLog(tb) {
		panic(logAfter(tb, fmt.Sprintf(format, args...)))
	}
	tb.Logf(format, args...)
}

// TBError is tb.Error in a rewritten package.
//
//go:norace
func TBError(tb testing.TB, args ...any) {
	for _, x := range lineage(tb) {
		x.Helper()
	}
	if lateLog(tb) {
		panic(logAfter(tb, fmt.Sprintln(args...)))
	}
	tb.Error(args...)
}

// TBErrorf is tb.Errorf in a rewritten package.
//
//go:norace
func TBErrorf(tb testing.TB, format string, args ...any) {
	for _, x := range lineage(tb) {
		x.Helper()
	}
	if lateLog(tb) {
		panic(logAfter(tb, fmt.Sprintf(format, args...)))
	}
	tb.Errorf(format, args...)
}

// TBFatal is tb.Fatal in a rewritten package.
//
//go:norace
func TBFatal(tb testing.TB, args ...any) {
	for _, x := range lineage(tb) {
		x.Helper()
	}
	if lateLog(tb) {
		panic(logAfter(tb, fmt.Sprintln(args...)))
	}
	tb.Fatal(args...)
}

// TBFatalf is tb.Fatalf in a rewritten package.
//
//go:norace
func TBFatalf(tb testing.TB, format string, args ...any) {
	for _, x := range lineage(tb) {
		x.Helper()
	}
	if lateLog(tb) {
		panic(logAfter(tb, fmt.Sprintf(format, args...)))
	}
	tb.Fatalf(format, args...)
}

// TBSkip is tb.Skip in a rewritten package.
//
//go:norace
func TBSkip(tb testing.TB, args ...any) {
	for _, x := range lineage(tb) {
		x.Helper()
	}
	if lateLog(tb) {
		panic(logAfter(tb, fmt.Sprintln(args...)))
	}
	tb.Skip(args...)
}

// TBSkipf is tb.Skipf in a rewritten package.
//
//go:norace
func TBSkipf(tb testing.TB, format string, args ...any) {
	for _, x := range lineage(tb) {
		x.Helper()
	}
	if lateLog(tb) {
		panic(logAfter(tb, fmt.Sprintf(format, args...)))
	}
	tb.Skipf(format, args...)
}

// TBFail is tb.Fail in a rewritten package.
//
//go:norace
func TBFail(tb testing.TB) {
	checkFail(tb)
	tb.Fail()
}

// TBFailNow is tb.FailNow in a rewritten package.
//
//go:norace
func TBFailNow(tb testing.TB) {
	checkFail(tb)
	tb.FailNow()
}

// tbValue is a method value of testing's reporting methods. Its methods,
// not closures, carry the calls: a closure made in an inlined TBArgsFunc
// would be named after the user's function, and show in reports as theirs.
type tbValue struct {
	tb     testing.TB
	method string
}

//go:norace
func (v tbValue) args(args ...any) {
	for _, x := range lineage(v.tb) {
		x.Helper()
	}
	switch v.method {
	case "Log":
		TBLog(v.tb, args...)
	case "Error":
		TBError(v.tb, args...)
	case "Fatal":
		TBFatal(v.tb, args...)
	case "Skip":
		TBSkip(v.tb, args...)
	}
}

//go:norace
func (v tbValue) format(format string, args ...any) {
	for _, x := range lineage(v.tb) {
		x.Helper()
	}
	switch v.method {
	case "Logf":
		TBLogf(v.tb, format, args...)
	case "Errorf":
		TBErrorf(v.tb, format, args...)
	case "Fatalf":
		TBFatalf(v.tb, format, args...)
	case "Skipf":
		TBSkipf(v.tb, format, args...)
	}
}

//go:norace
func (v tbValue) fail() {
	if v.method == "FailNow" {
		TBFailNow(v.tb)
		return
	}
	TBFail(v.tb)
}

// TBArgsFunc is the method value tb.Log, tb.Error, tb.Fatal or tb.Skip
// (method) in a rewritten package: tb is evaluated once, where the value is.
//
//go:norace
func TBArgsFunc(tb testing.TB, method string) func(args ...any) {
	switch method {
	case "Log", "Error", "Fatal", "Skip":
		return tbValue{tb, method}.args
	}
	panic("simrt: TBArgsFunc of " + method)
}

// TBFormatFunc is the method value tb.Logf, tb.Errorf, tb.Fatalf or
// tb.Skipf (method) in a rewritten package.
//
//go:norace
func TBFormatFunc(tb testing.TB, method string) func(format string, args ...any) {
	switch method {
	case "Logf", "Errorf", "Fatalf", "Skipf":
		return tbValue{tb, method}.format
	}
	panic("simrt: TBFormatFunc of " + method)
}

// TBFailFunc is the method value tb.Fail or tb.FailNow (method) in a
// rewritten package.
//
//go:norace
func TBFailFunc(tb testing.TB, method string) func() {
	switch method {
	case "Fail", "FailNow":
		return tbValue{tb, method}.fail
	}
	panic("simrt: TBFailFunc of " + method)
}
