package corpus

// This file measures simgen test -exhaustive on the corpus, which
// enumerates within 0 preemptions, then 1, and so on up to its bound: for
// each bug of testdata/bugs, the bound it is found within (the smallest
// that has a failing schedule) and the schedules run until the first
// failing one, over every level, within exhaustCorpusBound preemptions;
// for each bug of testdata/deepbugs (bugs that need two or three
// preemptions at exact steps of a loop), the same within 3, and that the
// portfolio misses it in deepSeeds seeds. Every failing schedule is
// replayed alone with SIM_SCHEDULE and must fail the same way. Every fixed
// twin is enumerated within the same bound (a deep bug's: the bound it was
// found within); the largest bound it completed without failure within the
// budget is recorded, with that level's count.
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
	bound          int    // the bound the bug was found within (fail), or the bound explored
	bugSchedules   int    // schedules run, over every level
	bugState       string // fail (found), fail-full (found only without the reduction), done (not found within the bound), budget
	fixedBound     int    // the largest bound whose enumeration of the fixed twin completed without failure; -1: none
	fixedSchedules int    // the schedules of that enumeration (what "explored all N schedules" says)
	fixedTotal     int    // the schedules run over every level (the cost of the levels below)
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
		return fmt.Sprintf("%d (%d)", r.bugSchedules, r.bound)
	case r.bugState == "fail-full":
		return fmt.Sprintf("%d (%d, -dpor=false)", r.bugSchedules, r.bound)
	case r.bugState == "budget":
		return fmt.Sprintf(">%d", r.bugSchedules)
	}
	return fmt.Sprintf("none in %d", r.bugSchedules)
}

func (d exhaustData) write(path string) error {
	var b strings.Builder
	b.WriteString("module\tpackage\tbound\tbug_schedules\tbug_state\tfixed_bound\tfixed_schedules\tfixed_total\tfixed_state\tportfolio\trandom\tbug\n")
	for _, r := range d.rows {
		fmt.Fprintf(&b, "%s\t%s\t%d\t%d\t%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\n", r.module, r.pkg, r.bound, r.bugSchedules, r.bugState, r.fixedBound, r.fixedSchedules, r.fixedTotal, r.fixedState, r.portfolio, r.random, r.what)
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
		if len(f) != 12 {
			return d, fmt.Errorf("%s:%d: want 12 fields", path, i+1)
		}
		r := exhaustRow{module: f[0], pkg: f[1], bugState: f[4], fixedState: f[8], portfolio: f[9], random: f[10], what: f[11]}
		r.bound, _ = strconv.Atoi(f[2])
		r.bugSchedules, _ = strconv.Atoi(f[3])
		r.fixedBound, _ = strconv.Atoi(f[5])
		r.fixedSchedules, _ = strconv.Atoi(f[6])
		r.fixedTotal, _ = strconv.Atoi(f[7])
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
SIM_STRATEGY=exhaustive (what simgen test -exhaustive runs), which enumerates
the schedules within 0 preemptions, then within 1, and so on up to the
bound, with a budget of %d schedules per test over all its levels (%d for
testdata/deepbugs), replays each failing schedule alone with its
SIM_SCHEDULE string and checks that it fails the same way, and compares the
counts with corpus/%s: enumeration is deterministic, so they are the same on
every run.

`, exhaustBudget, deepBudget, exhaustFile)
	found, total, fixedDone, lastLevel, allLevels := 0, 0, 0, 0, 0
	var incomplete, full []string
	byBound := map[int]int{}
	for _, r := range d.rows {
		if r.module != "bugs" {
			continue
		}
		total++
		switch r.bugState {
		case "fail":
			found++
			byBound[r.bound]++
		case "fail-full":
			full = append(full, r.pkg)
		}
		if r.fixedState == "done" {
			fixedDone++
			lastLevel += r.fixedSchedules
			allLevels += r.fixedTotal
		} else if r.fixedBound >= 0 {
			incomplete = append(incomplete, fmt.Sprintf("%s (all %d schedules within %s passed; the budget ran out within %d)", r.pkg, r.fixedSchedules, preemptionsText(r.fixedBound), r.fixedBound+1))
		} else {
			incomplete = append(incomplete, fmt.Sprintf("%s (the budget ran out within 0 preemptions)", r.pkg))
		}
	}
	fmt.Fprintf(w, "Within %d preemptions, exhaustive exploration with the reduction finds %d of the %d bugs of testdata/bugs (the column exhaustive above: the schedules run until the first failing one, over every level, and in parentheses the bound it was found within, the smallest with a failing schedule)", exhaustCorpusBound, found, total)
	var per []string
	for k := 0; k <= exhaustCorpusBound; k++ {
		per = append(per, fmt.Sprintf("%d within %s", byBound[k], preemptionsText(k)))
	}
	fmt.Fprintf(w, ": %s", strings.Join(per, ", "))
	if len(full) > 0 {
		fmt.Fprintf(w, "; %s only without it (-dpor=false): each is a data race the reduction assumes away (mutexcopy copies a mutex, and the counter it guards, while another goroutine holds it; the copy is a plain read that no primitive reports, so the reduction takes the copy to commute with the lock holder's steps)", strings.Join(full, ", "))
	}
	w.WriteString(". ")
	fmt.Fprintf(w, "%d of the %d fixed twins complete their enumeration within %d preemptions without failure", fixedDone, total, exhaustCorpusBound)
	if len(incomplete) > 0 {
		fmt.Fprintf(w, "; the others ran out of the budget without failure: %s", strings.Join(incomplete, ", "))
	}
	if lastLevel > 0 {
		fmt.Fprintf(w, ". The %d that complete run %d schedules within %d preemptions, the count their last line gives, and %d over every level (%.2f times as many): the cost of enumerating the smaller bounds first", fixedDone, lastLevel, exhaustCorpusBound, allLevels, float64(allLevels)/float64(lastLevel))
	}
	w.WriteString(".\n\n")
	fmt.Fprintf(w, `testdata/deepbugs holds bugs that sampling misses: each needs two or three
preemptions at exact steps of a loop. For each, the table gives the smallest
preemption bound that finds it (enumerated within 3) and the schedules run
until the failure over every level up to it, the first failing seed of
SIM_SEEDS=%d under the portfolio and under random ("none": not found in %d
seeds), and the schedules of the fixed twin's complete enumeration within
the same bound (and in parentheses over every level up to it).

| package | bug | preemptions | schedules to find | portfolio | random | fixed twin |
|---|---|---|---|---|---|---|
`, deepSeeds, deepSeeds)
	for _, r := range d.rows {
		if r.module != "deepbugs" {
			continue
		}
		fixed := fmt.Sprintf("all %d, no failure (%d)", r.fixedSchedules, r.fixedTotal)
		switch {
		case r.fixedState == "done":
		case r.fixedBound >= 0:
			fixed = fmt.Sprintf("all %d within %d, budget within %d", r.fixedSchedules, r.fixedBound, r.fixedBound+1)
		default:
			fixed = "budget within 0"
		}
		cell := d.findCell(r.module, r.pkg)
		if r.bugState == "fail" {
			cell = strconv.Itoa(r.bugSchedules) // the bound has its column
		}
		fmt.Fprintf(w, "| %s | %s | %d | %s | %s | %s | %s |\n", r.pkg, strings.ReplaceAll(r.what, "|", `\|`), r.bound, cell, r.portfolio, r.random, fixed)
	}
}

// preemptionsText is "1 preemption" or "n preemptions".
func preemptionsText(n int) string {
	if n == 1 {
		return "1 preemption"
	}
	return strconv.Itoa(n) + " preemptions"
}

var scheduleRE = regexp.MustCompile(`replay with: SIM_SEED=1 SIM_SCHEDULE=(\S+) `)

// exhaustRun is how one enumeration ended, as its last SIM_PROGRESS line
// says (simrt/exhaustive.go, exhaustProgress).
type exhaustRun struct {
	schedules  int    // over every level
	state      string // done, fail, budget
	level      int    // the bound under way when it ended (once done, the bound)
	levelRuns  int    // the schedules at that level
	proven     int    // the largest bound whose schedules all passed; -1: none
	provenRuns int
}

// runExhaustive enumerates test's schedules within bound, bounds 0..bound
// in turn, and returns how the enumeration ended.
func runExhaustive(t *testing.T, b *bug, test string, bound, budget int, env ...string) (e exhaustRun, out []byte) {
	prog := filepath.Join(t.TempDir(), "progress")
	ctx, cancel := context.WithTimeout(context.Background(), exhaustTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.bin, "-test.run", "^"+test+"$")
	cmd.Dir = b.dir
	cmd.Env = append(os.Environ(), "SIM_STRATEGY=exhaustive", "SIM_PREEMPTIONS="+strconv.Itoa(bound),
		"SIM_BUDGET="+strconv.Itoa(budget), "SIM_PROGRESS="+prog)
	cmd.Env = append(cmd.Env, env...)
	out, _ = cmd.CombinedOutput()
	e.proven = -1
	if ctx.Err() != nil {
		t.Errorf("%s %s: no result after %v", b.pkg, test, exhaustTimeout)
		e.state = "hang"
		return e, out
	}
	f, err := os.Open(prog)
	if err != nil {
		t.Errorf("%s %s: no progress file: %v\n%s", b.pkg, test, err, out)
		e.state = "?"
		return e, out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 11 && fs[0] == test && fs[1] == "exhaustive" {
			e.schedules, _ = strconv.Atoi(fs[2])
			e.state = fs[5]
			e.level, _ = strconv.Atoi(fs[7])
			e.levelRuns, _ = strconv.Atoi(fs[8])
			e.proven, _ = strconv.Atoi(fs[9])
			e.provenRuns, _ = strconv.Atoi(fs[10])
		}
	}
	return e, out
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
	bound, budget := exhaustCorpusBound, exhaustBudget
	if module == "deepbugs" {
		bound, budget = 3, deepBudget
	}
	e, out := runExhaustive(t, b, "TestBug", bound, budget)
	if e.state == "done" && module == "bugs" {
		// The reduction assumes no data races; a bug that is one (a lock
		// copied while held) is found only without it.
		f, o := runExhaustive(t, b, "TestBug", bound, budget, "SIM_DPOR=0")
		if f.state == "fail" {
			e, out = f, o
			e.state = "fail-full"
		}
	}
	r.bound, r.bugSchedules, r.bugState = e.level, e.schedules, e.state
	switch r.bugState {
	case "fail", "fail-full":
		if e.proven != e.level-1 {
			t.Errorf("%s: TestBug failed within %d preemptions with bound %d proven, want the levels below all passed", b.pkg, e.level, e.proven)
		}
		if want := fmt.Sprintf("simrt: schedule %d of the enumeration failed, within %s", e.schedules, preemptionsText(e.level)); !strings.Contains(string(out), want) {
			t.Errorf("%s: TestBug's output does not say %q:\n%s", b.pkg, want, out)
		}
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
	fixedBound := bound
	if module == "deepbugs" && r.bugState == "fail" {
		fixedBound = r.bound
	}
	f, out := runExhaustive(t, b, "TestFixed", fixedBound, budget)
	r.fixedBound, r.fixedSchedules, r.fixedTotal, r.fixedState = f.proven, f.provenRuns, f.schedules, f.state
	switch {
	case f.state == "done" && f.proven == fixedBound:
	case f.state == "budget" && f.schedules == budget:
	default:
		t.Errorf("%s: TestFixed's enumeration within %d preemptions ended %q (%+v):\n%s", b.pkg, fixedBound, f.state, f, out)
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
		if r.bugState != "fail" || r.bound < 2 {
			t.Errorf("%s: exhaustive exploration did not find the bug within 3 preemptions, at 2 or more (%s within %d after %d schedules)", b.pkg, r.bugState, r.bound, r.bugSchedules)
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
