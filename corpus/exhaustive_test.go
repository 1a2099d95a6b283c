package corpus

// This file measures simgen test -exhaustive on the corpus: for each bug of
// testdata/bugs, the schedules run until the first failing one within
// exhaustCorpusBound preemptions; for each bug of testdata/deepbugs (bugs
// that need two or three preemptions at exact steps of a loop), the
// smallest bound that finds it, and that the portfolio misses it in
// deepSeeds seeds. Every failing schedule is replayed alone with
// SIM_SCHEDULE and must fail the same way; every fixed twin must complete
// its enumeration within the same bound without failure.
//
// The measurements are written to corpus/exhaustive.tsv with -update and
// compared with it otherwise: enumeration is deterministic, so the counts
// are the same on every machine and every run. TestCorpus renders the file
// into docs/bugs.md. A plain go test measures testdata/deepbugs only (the
// whole corpus adds minutes); SIMGEN_EXHAUSTIVE_CORPUS=1 measures and
// compares every row, as -update does.

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	exhaustCorpusBound = 2                // the preemption bound for testdata/bugs
	exhaustFile        = "exhaustive.tsv" // under corpus/
	exhaustEnv         = "SIMGEN_EXHAUSTIVE_CORPUS"
	exhaustBudget      = 50000  // schedules, per enumeration of testdata/bugs
	deepBudget         = 500000 // schedules, per enumeration of testdata/deepbugs
	deepSeeds          = 10000  // seeds the portfolio gets on a deep bug
	exhaustTimeout     = 10 * time.Minute
)

// exhaustRow is one bug's measurement.
type exhaustRow struct {
	module, pkg    string
	bound          int
	bugSchedules   int
	bugState       string // fail (found), fail-full (found only without the reduction), done (not found within the bound), budget
	fixedSchedules int
	fixedState     string // done, budget
	portfolio      string // deep bugs: the first failing seed of deepSeeds, or "none"
	random         string
	what           string
}

type exhaustData struct{ rows []exhaustRow }

func (d exhaustData) row(module, pkg string) *exhaustRow {
	for i := range d.rows {
		if d.rows[i].module == module && d.rows[i].pkg == pkg {
			return &d.rows[i]
		}
	}
	return nil
}

// findCell is a bug's cell in the main table.
func (d exhaustData) findCell(module, pkg string) string {
	r := d.row(module, pkg)
	switch {
	case r == nil:
		return "?"
	case r.bugState == "fail":
		return strconv.Itoa(r.bugSchedules)
	case r.bugState == "fail-full":
		return fmt.Sprintf("%d (-dpor=false)", r.bugSchedules)
	case r.bugState == "budget":
		return fmt.Sprintf(">%d", r.bugSchedules)
	}
	return fmt.Sprintf("none in %d", r.bugSchedules)
}

func (d exhaustData) write(path string) error {
	var b strings.Builder
	b.WriteString("module\tpackage\tbound\tbug_schedules\tbug_state\tfixed_schedules\tfixed_state\tportfolio\trandom\tbug\n")
	for _, r := range d.rows {
		fmt.Fprintf(&b, "%s\t%s\t%d\t%d\t%s\t%d\t%s\t%s\t%s\t%s\n", r.module, r.pkg, r.bound, r.bugSchedules, r.bugState, r.fixedSchedules, r.fixedState, r.portfolio, r.random, r.what)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func readExhaustCorpus(path string) (exhaustData, error) {
	var d exhaustData
	data, err := os.ReadFile(path)
	if err != nil {
		return d, err
	}
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if i == 0 {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 10 {
			return d, fmt.Errorf("%s:%d: want 10 fields", path, i+1)
		}
		r := exhaustRow{module: f[0], pkg: f[1], bugState: f[4], fixedState: f[6], portfolio: f[7], random: f[8], what: f[9]}
		r.bound, _ = strconv.Atoi(f[2])
		r.bugSchedules, _ = strconv.Atoi(f[3])
		r.fixedSchedules, _ = strconv.Atoi(f[5])
		d.rows = append(d.rows, r)
	}
	return d, nil
}

// renderExhaustive writes docs/bugs.md's section on exhaustive exploration.
func renderExhaustive(w *strings.Builder, d exhaustData, err error) {
	w.WriteString("\n## Exhaustive exploration\n\n")
	if err != nil {
		fmt.Fprintf(w, "(No measurement: %v. Run go test ./corpus -run TestExhaustiveCorpus -update.)\n", err)
		return
	}
	fmt.Fprintf(w, `corpus/exhaustive_test.go runs every TestBug and TestFixed under
SIM_STRATEGY=exhaustive (what simgen test -exhaustive runs), with a budget of
%d schedules per enumeration (%d for testdata/deepbugs), replays each failing schedule alone with its
SIM_SCHEDULE string and checks that it fails the same way, and compares the
counts with corpus/%s: enumeration is deterministic, so they are the same on
every run.

`, exhaustBudget, deepBudget, exhaustFile)
	found, total, fixedDone := 0, 0, 0
	var incomplete, full []string
	for _, r := range d.rows {
		if r.module != "bugs" {
			continue
		}
		total++
		switch r.bugState {
		case "fail":
			found++
		case "fail-full":
			full = append(full, r.pkg)
		}
		if r.fixedState == "done" {
			fixedDone++
		} else {
			incomplete = append(incomplete, fmt.Sprintf("%s (>%d)", r.pkg, r.fixedSchedules))
		}
	}
	fmt.Fprintf(w, "Within %d preemptions, exhaustive exploration with the reduction finds %d of the %d bugs of testdata/bugs (the column exhaustive above)", exhaustCorpusBound, found, total)
	if len(full) > 0 {
		fmt.Fprintf(w, "; %s only without it (-dpor=false): each is a data race the reduction assumes away (mutexcopy copies a mutex, and the counter it guards, while another goroutine holds it; the copy is a plain read that no primitive reports, so the reduction takes the copy to commute with the lock holder's steps)", strings.Join(full, ", "))
	}
	w.WriteString(". ")
	fmt.Fprintf(w, "%d of the %d fixed twins complete their enumeration without failure", fixedDone, total)
	if len(incomplete) > 0 {
		fmt.Fprintf(w, "; the others ran out of the budget without failure: %s", strings.Join(incomplete, ", "))
	}
	w.WriteString(".\n\n")
	fmt.Fprintf(w, `testdata/deepbugs holds bugs that sampling misses: each needs two or three
preemptions at exact steps of a loop. For each, the table gives the smallest
preemption bound that finds it and the schedules run until the failure, the
first failing seed of SIM_SEEDS=%d under the portfolio and under random
("none": not found in %d seeds), and the schedules of the fixed twin's
complete enumeration within the same bound.

| package | bug | preemptions | schedules to find | portfolio | random | fixed twin |
|---|---|---|---|---|---|---|
`, deepSeeds, deepSeeds)
	for _, r := range d.rows {
		if r.module != "deepbugs" {
			continue
		}
		fixed := fmt.Sprintf("all %d, no failure", r.fixedSchedules)
		if r.fixedState != "done" {
			fixed = fmt.Sprintf(">%d (budget)", r.fixedSchedules)
		}
		fmt.Fprintf(w, "| %s | %s | %d | %s | %s | %s | %s |\n", r.pkg, strings.ReplaceAll(r.what, "|", `\|`), r.bound, d.findCell(r.module, r.pkg), r.portfolio, r.random, fixed)
	}
}

var scheduleRE = regexp.MustCompile(`replay with: SIM_SEED=1 SIM_SCHEDULE=(\S+) `)

// runExhaustive enumerates test's schedules within bound and returns the
// count and how the enumeration ended, as SIM_PROGRESS reports them.
func runExhaustive(t *testing.T, b *bug, test string, bound, budget int, env ...string) (n int, state string, out []byte) {
	prog := filepath.Join(t.TempDir(), "progress")
	ctx, cancel := context.WithTimeout(context.Background(), exhaustTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.bin, "-test.run", "^"+test+"$")
	cmd.Dir = b.dir
	cmd.Env = append(os.Environ(), "SIM_STRATEGY=exhaustive", "SIM_PREEMPTIONS="+strconv.Itoa(bound),
		"SIM_BUDGET="+strconv.Itoa(budget), "SIM_PROGRESS="+prog)
	cmd.Env = append(cmd.Env, env...)
	out, _ = cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Errorf("%s %s: no result after %v", b.pkg, test, exhaustTimeout)
		return 0, "hang", out
	}
	f, err := os.Open(prog)
	if err != nil {
		t.Errorf("%s %s: no progress file: %v\n%s", b.pkg, test, err, out)
		return 0, "?", out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 7 && fs[0] == test && fs[1] == "exhaustive" {
			n, _ = strconv.Atoi(fs[2])
			state = fs[5]
		}
	}
	return n, state, out
}

// failLine is the first line a failing test logged.
func failLine(out []byte) string {
	for _, line := range strings.Split(string(out), "\n") {
		if entryRE.MatchString(line) {
			return strings.TrimSpace(durationRE.ReplaceAllString(line, ""))
		}
	}
	return ""
}

func measureExhaustive(t *testing.T, module string, b *bug) exhaustRow {
	r := exhaustRow{module: module, pkg: b.pkg, what: b.what, portfolio: "-", random: "-"}
	bounds, budget := []int{exhaustCorpusBound}, exhaustBudget
	if module == "deepbugs" {
		bounds, budget = []int{0, 1, 2, 3}, deepBudget
	}
	var out []byte
	for _, k := range bounds {
		r.bound = k
		r.bugSchedules, r.bugState, out = runExhaustive(t, b, "TestBug", k, budget)
		if r.bugState != "done" {
			break
		}
	}
	if r.bugState == "done" && module == "bugs" {
		// The reduction assumes no data races; a bug that is one (a lock
		// copied while held) is found only without it.
		n, state, o := runExhaustive(t, b, "TestBug", r.bound, budget, "SIM_DPOR=0")
		if state == "fail" {
			r.bugSchedules, r.bugState, out = n, "fail-full", o
		}
	}
	switch r.bugState {
	case "fail", "fail-full":
		m := scheduleRE.FindSubmatch(out)
		if m == nil {
			t.Errorf("%s: TestBug failed without a SIM_SCHEDULE replay line:\n%s", b.pkg, out)
			break
		}
		again, failed, err := runTest(b, "TestBug", "", 1, 1, "SIM_SCHEDULE="+string(m[1]))
		if err != nil || !failed || failLine(again) != failLine(out) {
			t.Errorf("%s: the replay of schedule %s did not fail the same way (err %v):\nexploration:\n%s\nreplay:\n%s", b.pkg, m[1], err, out, again)
		}
	case "done", "budget":
	default:
		t.Errorf("%s: TestBug's enumeration ended %q:\n%s", b.pkg, r.bugState, out)
	}
	r.fixedSchedules, r.fixedState, out = runExhaustive(t, b, "TestFixed", r.bound, budget)
	if r.fixedState != "done" && r.fixedState != "budget" {
		t.Errorf("%s: TestFixed's enumeration within %d preemptions ended %q:\n%s", b.pkg, r.bound, r.fixedState, out)
	}
	if module == "deepbugs" {
		for _, s := range []string{"portfolio", "random"} {
			out, failed, err := runTest(b, "TestBug", s, 1, deepSeeds)
			cell := "none"
			if err != nil {
				t.Errorf("%s %s: %v\n%s", b.pkg, s, err, out)
			} else if failed {
				cell = "?"
				if m := replayRE.FindSubmatch(out); m != nil {
					cell = string(m[1])
				}
			}
			if s == "portfolio" {
				r.portfolio = cell
			} else {
				r.random = cell
			}
		}
		if r.portfolio != "none" {
			t.Errorf("%s: the portfolio found the bug at seed %s: it does not belong to the bugs sampling misses", b.pkg, r.portfolio)
		}
		if r.bugState != "fail" {
			t.Errorf("%s: exhaustive exploration did not find the bug within 3 preemptions (%s after %d schedules)", b.pkg, r.bugState, r.bugSchedules)
		}
	}
	return r
}

func TestExhaustiveCorpus(t *testing.T) {
	root := corpusRoot(t, "the corpus takes minutes")
	// The whole corpus takes minutes; by default only the bugs that seeds
	// miss are measured (and compared with their rows), the rest with
	// SIMGEN_EXHAUSTIVE_CORPUS=1 or -update.
	modules := []string{"deepbugs"}
	full := *update || os.Getenv(exhaustEnv) == "1"
	if full {
		modules = []string{"bugs", "deepbugs"}
	}
	var d exhaustData
	var mu sync.Mutex
	for _, module := range modules {
		bugs := buildModule(t, root, module)
		if module == "deepbugs" && len(bugs) < 3 {
			t.Errorf("testdata/deepbugs has %d bugs, want at least 3", len(bugs))
		}
		each(bugs, runtime.GOMAXPROCS(0), func(b *bug) {
			r := measureExhaustive(t, module, b)
			mu.Lock()
			d.rows = append(d.rows, r)
			mu.Unlock()
		})
	}
	slices.SortFunc(d.rows, func(a, b exhaustRow) int {
		return strings.Compare(a.module+"/"+a.pkg, b.module+"/"+b.pkg)
	})
	path := filepath.Join(root, "corpus", exhaustFile)
	if *update {
		if err := d.write(path); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := readExhaustCorpus(path)
	if err != nil {
		t.Fatalf("%v (run go test ./corpus -run TestExhaustiveCorpus -update)", err)
	}
	if !full {
		old.rows = slices.DeleteFunc(old.rows, func(r exhaustRow) bool { return r.module != "deepbugs" })
	}
	if !slices.Equal(old.rows, d.rows) {
		t.Errorf("the measurements differ from corpus/%s (enumeration is deterministic: a change in simrt or the corpus changed them; rerun with -update and explain why)\nwas: %+v\nnow: %+v", exhaustFile, old.rows, d.rows)
	}
}
