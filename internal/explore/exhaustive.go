package explore

// This file is simgen test -exhaustive: one go test process per run, in
// which every selected test enumerates its schedules in-process (simrt's
// SIM_STRATEGY=exhaustive, simrt/exhaustive.go) within a preemption bound.
// simgen reads each test's progress from a SIM_PROGRESS file, shows it on a
// terminal, and ends with one line saying what was proven:
//
//	simgen: explored all N schedules (K preemptions): no failure
//
// Invariants:
//   - The count N is the sum over the tests that ran of the schedules each
//     explored; it depends on the tests, the seed and the bound only.
//   - A budget that runs out is never success: the last line says how far
//     the enumeration got, and the exit status is 3.

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
	name      string
	schedules int
	depth     int
	estimate  int
	state     string // running, done, budget or fail
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
	k := o.Preemptions
	total, maxDepth := 0, 0
	var budget, failed []string
	for _, t := range tests {
		total += t.schedules
		maxDepth = max(maxDepth, t.depth)
		switch t.state {
		case "budget":
			budget = append(budget, t.name)
		case "fail":
			failed = append(failed, t.name)
		}
	}
	var ee *exec.ExitError
	if runErr != nil && !errors.As(runErr, &ee) {
		return runErr
	}
	switch {
	case len(budget) > 0 && len(failed) == 0:
		fmt.Fprintf(stdout, "simgen: budget spent after %d schedules (%d preemptions, depth up to %d): not all schedules explored in %s\n",
			total, k, maxDepth, strings.Join(budget, ", "))
		return ExitError(exitBudget)
	case runErr != nil:
		if len(tests) == 0 {
			return ExitError(ee.ExitCode())
		}
		fmt.Fprintf(stdout, "simgen: a schedule failed after %d schedules (%d preemptions); replay it with the line above\n", total, k)
		return ExitError(ee.ExitCode())
	case len(tests) == 0:
		return fmt.Errorf("no simulated test ran: does -run select a test, and was the package generated?")
	}
	fmt.Fprintf(stdout, "simgen: explored all %d schedules (%d preemptions): no failure\n", total, k)
	return nil
}

// progressText is the progress line shown on a terminal while tests are
// enumerated: the latest test's schedules so far, within bound k, the
// depth of its longest schedule, and the choices known to be left; "" when
// no test has reported yet.
func progressText(tests []exhaustTest, k int) string {
	if len(tests) == 0 {
		return ""
	}
	t := tests[len(tests)-1]
	est := ""
	if t.estimate > 0 {
		est = fmt.Sprintf(", at least %d branches left", t.estimate)
	}
	return fmt.Sprintf("simgen: %s: %d schedules (%d preemptions), depth %d%s", t.name, t.schedules, k, t.depth, est)
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
		if len(fs) != 7 || fs[1] != "exhaustive" {
			continue
		}
		var t exhaustTest
		t.name, t.state = fs[0], fs[5]
		t.schedules, _ = strconv.Atoi(fs[2])
		t.depth, _ = strconv.Atoi(fs[3])
		t.estimate, _ = strconv.Atoi(fs[4])
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
