package explore

import (
	"os"
	"os/exec"
	"testing"
)

// TestCrashAttribution: a process that fails without reporting a failing
// seed is taken to have failed at the seed after the last one it reported.
func TestCrashAttribution(t *testing.T) {
	t.Parallel()
	p := &pkgRun{tests: []string{"TestA", "TestB"}, order: map[string]int{"TestA": 0, "TestB": 1}}
	b := &block{start: 17, n: 16}
	// An *exec.ExitError: this test binary refusing an unknown flag.
	exit := exec.Command(os.Args[0], "-test.nosuchflag").Run()
	if _, ok := exit.(*exec.ExitError); !ok {
		t.Fatalf("want an exit error, got %v", exit)
	}
	for _, tc := range []struct {
		lines    int
		lastTest string
		lastSeed uint64
		seed     uint64
		test     string
	}{
		{0, "", 0, 17, "TestA"},
		{3, "TestA", 19, 20, "TestA"},
		{16, "TestA", 32, 17, "TestB"},
		{32, "TestB", 32, 17, ""},
	} {
		pr := &proc{p: p, b: b, lines: tc.lines, lastTest: tc.lastTest, lastSeed: tc.lastSeed}
		f, ok := pr.crashed(exit)
		if !ok || f.seed != tc.seed || f.test != tc.test || !f.crash {
			t.Errorf("after %d lines (%s %d): crash %+v, %v; want seed %d test %q", tc.lines, tc.lastTest, tc.lastSeed, f, ok, tc.seed, tc.test)
		}
	}
	if _, ok := (&proc{p: p, b: b, failed: true}).crashed(exit); ok {
		t.Error("a process that reported its failure counted as a crash")
	}
	if _, ok := (&proc{p: p, b: b}).crashed(nil); ok {
		t.Error("a process that passed counted as a crash")
	}
}
