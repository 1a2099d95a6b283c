package explore

import (
	"os"
	"path/filepath"
	"testing"
)

// TestExhaustProgressLine checks the line simgen test -exhaustive shows on
// a terminal, from a SIM_PROGRESS file as simrt writes it (simrt's
// exhaustProgress: test, "exhaustive", schedules, depth, estimate, state,
// pid): the latest test's latest line, with the bound. docs/usage.md
// quotes the line it wants.
func TestExhaustProgressLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress")
	if got := progressText(readExhaustProgress(path), 2); got != "" {
		t.Errorf("no progress file: %q, want nothing shown", got)
	}
	lines := "TestA exhaustive 64 12 30 running 100\n" +
		"seed line that is not exhaustive\n" +
		"TestA exhaustive 980 14 0 done 100\n" +
		"TestFixed exhaustive 128 40 7 running 101\n" +
		"TestFixed exhaustive 1920 41 5 running 101\n"
	if err := os.WriteFile(path, []byte(lines), 0o666); err != nil {
		t.Fatal(err)
	}
	tests := readExhaustProgress(path)
	if len(tests) != 2 || tests[0].schedules != 980 || tests[0].state != "done" {
		t.Fatalf("readExhaustProgress: %+v, want TestA done after 980 then TestFixed", tests)
	}
	want := "simgen: TestFixed: 1920 schedules (2 preemptions), depth 41, at least 5 branches left"
	if got := progressText(tests, 2); got != want {
		t.Errorf("progress line:\n got %q\nwant %q", got, want)
	}
	want = "simgen: TestA: 980 schedules (3 preemptions), depth 14"
	if got := progressText(tests[:1], 3); got != want {
		t.Errorf("progress line without an estimate:\n got %q\nwant %q", got, want)
	}
}
