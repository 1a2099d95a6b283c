package explore

// This file is simgen test -exhaustive: one go test process per run, in
// which every selected test enumerates its schedules in-process (simrt's
// SIM_STRATEGY=exhaustive, simrt/exhaustive.go) within a preemption bound,
// bounds 0, 1, ..., K in turn. simgen reads each test's progress from a
// SIM_PROGRESS file, shows it on a terminal, and ends with one line saying
// what was proven:
//
//	simgen: explored all N schedules (K preemptions): no failure
//
// Invariants:
//   - The count N is the sum over the tests that ran of the schedules each
//     explored within K (the last level's, not the lower levels' too); it
//     depends on the tests, the seed and the bound only.
//   - A failure says the bound it was found within, the smallest that has
//     one; a budget that runs out is never success: the last line says how
//     far the enumeration got and the largest bound it proved, and the exit
//     status is 3.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ExhaustOptions are simgen test's flags for bounded exhaustive
// exploration.
type ExhaustOptions struct {
	Preemptions int           // -preemptions: the preemption bound
	NoReduce    bool          // -dpor=false: enumerate without partial-order reduction
	Budget      time.Duration // -budget: stop the enumeration after it; 0: none
}

// exitBudget is simgen test -exhaustive's status when the budget ran out
// before every schedule was explored.
const exitBudget = 3

// exhaustTest is what one test reported of its enumeration.
type exhaustTest struct {
	name       string
	schedules  int // over every level
	depth      int
	estimate   int
	state      string // running, done, budget or fail
	level      int    // the bound under way (once done, the bound)
	levelRuns  int    // the schedules run at that level
	proven     int    // the largest bound whose schedules all passed; -1: none
	provenRuns int    // how many those were
}

// RunExhaustive runs go test once with exhaustive exploration switched on,
// with the build tags, go test's arguments rest and the shadow tree's
// overlay, then reports the schedules explored. It returns an ExitError
// with go test's status when a schedule failed, and with status 3 when the
// budget ran out first.
func RunExhaustive(o ExhaustOptions, tags string, rest []string, overlay string, stdin io.Reader, stdout, stderr io.Writer) error {
	tmp, err := os.MkdirTemp("", "simgen-exhaustive-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	prog := filepath.Join(tmp, "progress")
	args := []string{"test", "-tags", tags, "-overlay", overlay}
	if !hasFlag(rest, "timeout") {
		// An enumeration runs as long as its bound asks; -budget is the
		// way to bound it in time.
		args = append(args, "-timeout=0")
	}
	cmd := exec.Command("go", append(args, rest...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	env := append(os.Environ(),
		"SIM_STRATEGY=exhaustive",
		"SIM_PREEMPTIONS="+strconv.Itoa(o.Preemptions),
		"SIM_PROGRESS="+prog)
	if o.NoReduce {
		env = append(env, "SIM_DPOR=0")
	}
	if o.Budget > 0 {
		env = append(env, "SIM_BUDGET="+o.Budget.String())
	}
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tty := isTerminal(stderr)
	var runErr error
	for waiting := true; waiting; {
		select {
		case runErr = <-done:
			waiting = false
		case <-time.After(500 * time.Millisecond):
			if tty {
				if line := progressText(readExhaustProgress(prog), o.Preemptions); line != "" {
					fmt.Fprintf(stderr, "\r%s\033[K", line)
				}
			}
		}
	}
	if tty {
		fmt.Fprint(stderr, "\r\033[K")
	}
	tests := readExhaustProgress(prog)
	var ee *exec.ExitError
	if runErr != nil && !errors.As(runErr, &ee) {
		return runErr
	}
	line, status := exhaustSummary(tests, o.Preemptions, runErr != nil)
	switch {
	case line != "":
		fmt.Fprintln(stdout, line)
	case runErr != nil:
		return ExitError(ee.ExitCode())
	default:
		return fmt.Errorf("no simulated test ran: does -run select a test, and was the package generated?")
	}
	switch {
	case status == exitBudget:
		return ExitError(exitBudget)
	case runErr != nil:
		return ExitError(ee.ExitCode())
	}
	return nil
}

// exhaustSummary is the last line of simgen test -exhaustive, from what
// each test reported, with bound k asked for; failed says that go test
// failed. Its status is exitBudget when the budget ran out and no schedule
// failed; the line is "" when no test reported.
func exhaustSummary(tests []exhaustTest, k int, failed bool) (line string, status int) {
	if len(tests) == 0 {
		return "", 0
	}
	total, maxDepth, last := 0, 0, 0
	var budget, fails []exhaustTest
	for _, t := range tests {
		total += t.schedules
		last += t.levelRuns
		maxDepth = max(maxDepth, t.depth)
		switch t.state {
		case "budget":
			budget = append(budget, t)
		case "fail":
			fails = append(fails, t)
		}
	}
	switch {
	case len(budget) > 0 && len(fails) == 0:
		var names, proven []string
		for _, t := range budget {
			names = append(names, t.name)
			p := provenText(t)
			if len(budget) > 1 {
				p = t.name + ": " + p
			}
			proven = append(proven, p)
		}
		return fmt.Sprintf("simgen: budget spent after %d schedules (%d preemptions, depth up to %d): not all schedules explored in %s; %s",
			total, k, maxDepth, strings.Join(names, ", "), strings.Join(proven, "; ")), exitBudget
	case failed:
		var found []string
		for _, t := range fails {
			f := preemptions(t.level)
			if t.proven >= 0 {
				f += fmt.Sprintf("; all %d schedules within %s passed", t.provenRuns, preemptions(t.proven))
			}
			if len(fails) > 1 {
				f = t.name + ": " + f
			}
			found = append(found, f)
		}
		if len(found) == 0 {
			found = []string{preemptions(k)} // the failure was not a schedule's (a diverged enumeration)
		}
		return fmt.Sprintf("simgen: a schedule failed after %d schedules (%s); replay it with the line above", total, strings.Join(found, "; ")), 0
	}
	return fmt.Sprintf("simgen: explored all %d schedules (%d preemptions): no failure", last, k), 0
}

// provenText says what a test's enumeration stopped by the budget proved,
// in the words of simrt's own message (simrt/exhaustive.go, provenText).
func provenText(t exhaustTest) string {
	if t.proven < 0 {
		return fmt.Sprintf("no bound fully explored (%d schedules within 0 preemptions)", t.levelRuns)
	}
	return fmt.Sprintf("all %d schedules within %s passed, and %d within %d", t.provenRuns, preemptions(t.proven), t.levelRuns, t.proven+1)
}

// preemptions is "1 preemption" or "n preemptions".
func preemptions(n int) string {
	if n == 1 {
		return "1 preemption"
	}
	return strconv.Itoa(n) + " preemptions"
}

// progressText is the progress line shown on a terminal while tests are
// enumerated: the latest test's schedules so far, the bound under way of
// the k asked for, the depth of its longest schedule, and the choices
// known to be left at this bound; "" when no test has reported yet.
func progressText(tests []exhaustTest, k int) string {
	if len(tests) == 0 {
		return ""
	}
	t := tests[len(tests)-1]
	est := ""
	if t.estimate > 0 {
		est = fmt.Sprintf(", at least %d branches left", t.estimate)
	}
	return fmt.Sprintf("simgen: %s: %d schedules (within %d of %d preemptions), depth %d%s", t.name, t.schedules, t.level, k, t.depth, est)
}

// readExhaustProgress reads the last line of each test (of each process:
// two packages may have tests of one name) from the SIM_PROGRESS file, in
// the order the tests first appear.
func readExhaustProgress(path string) []exhaustTest {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var order []string
	last := map[string]exhaustTest{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 11 || fs[1] != "exhaustive" {
			continue
		}
		var t exhaustTest
		t.name, t.state = fs[0], fs[5]
		t.schedules, _ = strconv.Atoi(fs[2])
		t.depth, _ = strconv.Atoi(fs[3])
		t.estimate, _ = strconv.Atoi(fs[4])
		t.level, _ = strconv.Atoi(fs[7])
		t.levelRuns, _ = strconv.Atoi(fs[8])
		t.proven, _ = strconv.Atoi(fs[9])
		t.provenRuns, _ = strconv.Atoi(fs[10])
		key := fs[0] + " " + fs[6]
		if _, ok := last[key]; !ok {
			order = append(order, key)
		}
		last[key] = t
	}
	tests := make([]exhaustTest, len(order))
	for i, n := range order {
		tests[i] = last[n]
	}
	return tests
}

// isTerminal reports whether w is a terminal, where progress may be
// rewritten in place.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
