package simrt

// This file keeps the in-process replay line honest. A seed replays
// exactly in a fresh process, but a failure seen after other simulated runs
// in the same process may depend on them: package state they left behind,
// or caches they warmed (a test run alone can take more contended
// decisions than the same test after another that warmed protobuf's
// metadata). So when a test fails after other runs in its process, simrt
// runs the printed line's test alone in a child process, as the line would,
// and says so when it passes there: the failure depends on what ran before
// it, and the line printed instead replays the whole run up to it.
//
// Invariants:
//   - The child runs what the printed line runs: this test binary with
//     -test.run set to the test's pattern and the seed, with the same SIM_*
//     settings, and nothing of go test's other flags (the line has none).
//   - It is skipped where someone else checks (simgen test's exploration
//     reruns a failing seed alone itself, SIM_PROGRESS), in the child
//     (SIM_REPLAY_CHECK=off, which a user may set too), and for the first run
//     of a process, whose line a fresh process replays by construction.
//   - testsRun and runsBegun are touched only under worldMu or by the
//     test's own goroutine between runs: tests run one at a time.

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"simgen.dev/simgen/simrt/replay"
)

var (
	// runsBegun counts the simulated test runs begun in this process.
	runsBegun int
	// testsRun are the top-level tests that began a simulated run in this
	// process, in order, each once.
	testsRun []string
)

// noteTest records that test begins its runs, and returns how many runs
// this process made before.
func noteTest(test string) int {
	top, _, _ := strings.Cut(test, "/")
	if n := len(testsRun); n == 0 || testsRun[n-1] != top {
		testsRun = append(testsRun, top)
	}
	return runsBegun
}

// replayCheckTimeout bounds the child's run.
const replayCheckTimeout = 5 * time.Minute

// checkReplay runs the failing seed of s's test alone in a child process,
// when this process ran other simulated runs before it, and returns the
// lines to print in place of the plain replay line; nil: the plain line
// stands.
func (s *session) checkReplay() []string {
	if s.before == 0 || s.name == "" || s.t == nil {
		return nil
	}
	if os.Getenv("SIM_PROGRESS") != "" || strings.EqualFold(os.Getenv("SIM_REPLAY_CHECK"), "off") {
		return nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	pattern := replay.RunPattern(s.name)
	cmd := exec.Command(exe, "-test.run="+pattern, "-test.count=1", "-test.timeout="+replayCheckTimeout.String())
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "SIM_SEED", "SIM_SEEDS", "SIM_TRACE", "SIM_PROGRESS", "SIM_PROGRESS_SYNC", "SIM_REPLAY_CHECK":
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, "SIM_SEED="+strconv.FormatUint(s.seed, 10), "SIM_REPLAY_CHECK=off")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err == nil || !errors.As(err, &ee) {
		if err != nil {
			return nil // the check itself could not run: say nothing
		}
	} else if strings.Contains(string(out), "--- FAIL: "+s.name) {
		return nil // it fails alone: the plain line reproduces it
	}
	ov, pkg := replayPaths()
	alone := replay.Line{Seed: s.seed, Getenv: os.Getenv, Tags: buildTags, Overlay: ov, Run: pattern, Package: pkg}
	lines := []string{
		"simrt: " + alone.String(),
		"simrt: passes when run alone: this failure depends on the " + strconv.Itoa(s.before) + " simulated run(s) before it in this process (package state they left, or caches they warmed).",
	}
	if !s.c.seedSet {
		return append(lines, "simrt: the tests before it ran under fresh seeds, so the run cannot be replayed: run the package with SIM_SEED=N (every test then starts at seed N), or explore with simgen test -seeds, which prints a line that replays such a failure.")
	}
	block := replay.Line{Seed: s.c.seed, Seeds: s.c.seeds, Getenv: os.Getenv, Tags: buildTags, Overlay: ov,
		Run: "^(" + strings.Join(quoteNames(testsRun), "|") + ")$", Package: pkg}
	return append(lines, "simrt: replay with: "+block.String())
}

// quoteNames quotes test names for a regular expression.
func quoteNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.TrimSuffix(strings.TrimPrefix(replay.RunPattern(n), "^"), "$")
	}
	return out
}
