package explore

import (
	"os"
	"path/filepath"
	"testing"
)

// TestExhaustProgressLine checks the line simgen test -exhaustive shows on
// a terminal, from a SIM_PROGRESS file as simrt writes it (simrt's
// exhaustProgress: test, "exhaustive", schedules, depth, estimate, state,
// pid, level, the level's schedules, the bound proven and its schedules):
// the latest test's latest line, with the bound under way and the bound
// asked for. docs/usage.md quotes the line it wants.
func TestExhaustProgressLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress")
	if got := progressText(readExhaustProgress(path), 2); got != "" {
		t.Errorf("no progress file: %q, want nothing shown", got)
	}
	lines := "TestA exhaustive 64 12 30 running 100 0 64 -1 0\n" +
		"seed line that is not exhaustive\n" +
		"TestA exhaustive 64 12 30 running 100\n" + // an older simrt's line
		"TestA exhaustive 980 14 0 done 100 3 900 3 900\n" +
		"TestFixed exhaustive 128 40 7 running 101 0 128 -1 0\n" +
		"TestFixed exhaustive 1920 41 5 running 101 1 1120 0 800\n"
	if err := os.WriteFile(path, []byte(lines), 0o666); err != nil {
		t.Fatal(err)
	}
	tests := readExhaustProgress(path)
	if len(tests) != 2 || tests[0].schedules != 980 || tests[0].state != "done" || tests[1].level != 1 || tests[1].provenRuns != 800 {
		t.Fatalf("readExhaustProgress: %+v, want TestA done after 980 then TestFixed within 1", tests)
	}
	want := "simgen: TestFixed: 1920 schedules (within 1 of 2 preemptions), depth 41, at least 5 branches left"
	if got := progressText(tests, 2); got != want {
		t.Errorf("progress line:\n got %q\nwant %q", got, want)
	}
	want = "simgen: TestA: 980 schedules (within 3 of 3 preemptions), depth 14"
	if got := progressText(tests[:1], 3); got != want {
		t.Errorf("progress line without an estimate:\n got %q\nwant %q", got, want)
	}
}

// TestExhaustSummary checks simgen test -exhaustive's last line for each
// way an enumeration ends, as docs/usage.md quotes them: the count of a
// completed enumeration is its last level's, a failure says the bound it
// was found within, a budget what it proved.
func TestExhaustSummary(t *testing.T) {
	done := exhaustTest{name: "TestA", schedules: 5035, state: "done", level: 2, levelRuns: 4739, proven: 2, provenRuns: 4739}
	found := exhaustTest{name: "TestB", schedules: 2087, state: "fail", level: 2, levelRuns: 1779, proven: 1, provenRuns: 302}
	first := exhaustTest{name: "TestC", schedules: 3, state: "fail", level: 0, levelRuns: 3, proven: -1}
	spent := exhaustTest{name: "TestD", schedules: 50000, depth: 60, state: "budget", level: 1, levelRuns: 42000, proven: 0, provenRuns: 8000}
	none := exhaustTest{name: "TestE", schedules: 100, depth: 9, state: "budget", level: 0, levelRuns: 100, proven: -1}
	for _, c := range []struct {
		tests  []exhaustTest
		failed bool
		want   string
		status int
	}{
		{[]exhaustTest{done}, false, "simgen: explored all 4739 schedules (2 preemptions): no failure", 0},
		{[]exhaustTest{done, done}, false, "simgen: explored all 9478 schedules (2 preemptions): no failure", 0},
		{[]exhaustTest{found}, true, "simgen: a schedule failed after 2087 schedules (2 preemptions; all 302 schedules within 1 preemption passed); replay it with the line above", 0},
		{[]exhaustTest{first}, true, "simgen: a schedule failed after 3 schedules (0 preemptions); replay it with the line above", 0},
		{[]exhaustTest{done, found, first}, true, "simgen: a schedule failed after 7125 schedules (TestB: 2 preemptions; all 302 schedules within 1 preemption passed; TestC: 0 preemptions); replay it with the line above", 0},
		{[]exhaustTest{spent}, true, "simgen: budget spent after 50000 schedules (2 preemptions, depth up to 60): not all schedules explored in TestD; all 8000 schedules within 0 preemptions passed, and 42000 within 1", exitBudget},
		{[]exhaustTest{spent, none}, true, "simgen: budget spent after 50100 schedules (2 preemptions, depth up to 60): not all schedules explored in TestD, TestE; TestD: all 8000 schedules within 0 preemptions passed, and 42000 within 1; TestE: no bound fully explored (100 schedules within 0 preemptions)", exitBudget},
		{nil, true, "", 0},
	} {
		line, status := exhaustSummary(c.tests, 2, c.failed)
		if line != c.want || status != c.status {
			t.Errorf("exhaustSummary(%+v):\n got %q (status %d)\nwant %q (status %d)", c.tests, line, status, c.want, c.status)
		}
	}
}
