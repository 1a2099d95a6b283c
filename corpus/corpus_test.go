package corpus

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
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

var update = flag.Bool("update", false, "rewrite docs/bugs.md with the measured table")

const (
	// budget is the number of seeds (1..budget) each strategy gets per bug.
	budget = 200
	// defaultStrategy must find every bug within budget.
	defaultStrategy = "portfolio"
	// passProbe is how many single seeds are tried to show that a TestBug
	// also passes on some interleaving (that it is a concurrency bug, not a
	// bug on every schedule).
	passProbe = 50
	// runTimeout bounds one run of a test binary.
	runTimeout = 2 * time.Minute
)

// strategies are measured in this order; the table has one column each.
// pct:3:30 is not a candidate as such: it shows what PCT does when its
// change points fall inside a program of this corpus's length (tens of
// steps), where pct:3 draws them from the first 10000 steps.
var strategies = []string{"random", "pct:3", "portfolio", "pct:3:30"}

// candidates are the strategies the default is chosen from.
var candidates = []string{"random", "pct:3", "portfolio"}

// bug is one package of the corpus.
type bug struct {
	pkg          string // directory under testdata/bugs
	what         string // the "Bug:" line of TestBug's comment
	interleaving string // the "Interleaving:" line
	report       string // the "Report:" line: the failure's text when it is not the race detector's
	bin          string // compiled test binary
	dir          string // the package's directory in the copy
}

// result is one strategy's measurement on one bug.
type result struct {
	seed int // first failing seed, 0 if none within budget
	err  error
}

var goEnv = []string{"GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off"}

// corpusRoot skips a corpus test in -short mode (why says what it costs)
// or without a go command, and returns the repository's root.
func corpusRoot(t *testing.T, why string) string {
	t.Helper()
	if testing.Short() {
		t.Skip(why + "; skipped in -short mode")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestCorpus(t *testing.T) {
	root := corpusRoot(t, "the corpus takes minutes")
	if _, err := os.Stat(filepath.Join(root, "docs", "bugs.md")); err != nil && !*update {
		t.Errorf("docs/bugs.md: %v (run go test ./corpus -update)", err)
	}
	bugs := build(t, root)
	par := runtime.GOMAXPROCS(0)

	// Measure, replay, and run the fixed twins.
	results := make(map[string]map[string]result)
	var mu sync.Mutex
	each(bugs, par, func(b *bug) {
		rs := make(map[string]result)
		for _, s := range strategies {
			rs[s] = measure(t, b, s)
		}
		checkPasses(t, b)
		mu.Lock()
		results[b.pkg] = rs
		mu.Unlock()
	})

	for _, b := range bugs {
		if r := results[b.pkg][defaultStrategy]; r.err == nil && r.seed == 0 {
			t.Errorf("%s: the default strategy (%s) did not find the bug in %d seeds", b.pkg, defaultStrategy, budget)
		}
	}
	studyPath := filepath.Join(root, "corpus", studyFile)
	if os.Getenv(studyEnv) == "1" {
		st := runStudy(t, bugs, par)
		if t.Failed() {
			t.FailNow()
		}
		if err := st.write(studyPath); err != nil {
			t.Fatal(err)
		}
	}
	st, err := readStudy(studyPath)
	if err != nil {
		t.Fatalf("%v (run %s=1 go test ./corpus -run TestCorpus -count=1 -timeout 2h -update)", err, studyEnv)
	}
	var names []string
	for _, b := range bugs {
		names = append(names, b.pkg)
	}
	if got := slices.Sorted(mapKeys(st.seeds)); !slices.Equal(got, names) {
		t.Errorf("corpus/%s covers %v, the corpus is %v: run %s=1 go test ./corpus -run TestCorpus -count=1 -timeout 2h -update", studyFile, got, names, studyEnv)
	}
	doc := render(bugs, results, names, st)
	t.Logf("\n%s", doc)
	if *update {
		// The race corpus's section (races_test.go) is TestRaceCorpus's to write.
		if old, err := os.ReadFile(filepath.Join(root, "docs", "bugs.md")); err == nil {
			if races := raceBeginRE.Find(old); races != nil {
				doc += "\n" + string(races) + "\n"
			}
		}
		if err := os.WriteFile(filepath.Join(root, "docs", "bugs.md"), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// build rewrites the corpus with simgen in a temporary directory and compiles
// one test binary per bug.
func build(t *testing.T, root string) []*bug {
	bugs := buildModule(t, root, "bugs")
	if len(bugs) < 25 {
		t.Errorf("the corpus has %d bugs, want at least 25", len(bugs))
	}
	return bugs
}

// buildModule rewrites the module testdata/<name> with simgen in a temporary
// directory and compiles one test binary per package.
func buildModule(t *testing.T, root, name string) []*bug {
	tmp := t.TempDir()

	simgen := filepath.Join(tmp, "simgen")
	run(t, root, nil, "go", "build", "-o", simgen, "./cmd/simgen")

	mod := filepath.Join(tmp, name)
	if err := copyDir(filepath.Join(root, "testdata", name), mod); err != nil {
		t.Fatal(err)
	}
	// The corpus requires golang.org/x/sync; simgen and the builds below run
	// with GOPROXY=off, so fetch what go.mod names first, with the user's
	// own settings, as a fresh machine's module cache lacks it.
	run(t, mod, []string{"GOFLAGS=-mod=mod", "GOWORK=off"}, "go", "mod", "download")
	run(t, mod, goEnv, simgen, "-o", filepath.Join(mod, ".simbuild"), "./...")
	overlay := filepath.Join(mod, ".simbuild", "overlay.json")

	bugs := loadBugs(t, mod)

	// Compile one test binary per package, in parallel.
	par := runtime.GOMAXPROCS(0)
	each(bugs, par, func(b *bug) {
		b.bin = filepath.Join(tmp, "bin", b.pkg+".test")
		cmd := exec.Command("go", "test", "-c", "-o", b.bin, "-tags", "sim", "-overlay", overlay, "./"+b.pkg)
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), goEnv...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: go test -c: %v\n%s", b.pkg, err, out)
			b.bin = ""
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	return bugs
}

var replayRE = regexp.MustCompile(`simrt: replay with: SIM_SEED=(\d+) `)

// measure runs TestBug over seeds 1..budget under strategy s, replays the
// first failing seed alone, and runs TestFixed over the same seeds.
func measure(t *testing.T, b *bug, s string) result {
	out, failed, err := runTest(b, "TestBug", s, 1, budget)
	if err != nil {
		t.Errorf("%s %s: TestBug: %v\n%s", b.pkg, s, err, out)
		return result{err: err}
	}
	var r result
	if failed {
		m := replayRE.FindSubmatch(out)
		if m == nil {
			t.Errorf("%s %s: TestBug failed without a replay line:\n%s", b.pkg, s, out)
			return result{err: errors.New("no replay line")}
		}
		r.seed, _ = strconv.Atoi(string(m[1]))
		again, failedAgain, err := runTest(b, "TestBug", s, r.seed, 1)
		switch {
		case err != nil:
			t.Errorf("%s %s: replay of seed %d: %v\n%s", b.pkg, s, r.seed, err, again)
		case !failedAgain:
			t.Errorf("%s %s: seed %d failed under SIM_SEEDS but passed on replay:\n%s", b.pkg, s, r.seed, out)
		case failureOf(out, r.seed) != failureOf(again, r.seed):
			t.Errorf("%s %s: the replay of seed %d failed differently:\nsearch:\n%s\nreplay:\n%s", b.pkg, s, r.seed, out, again)
		}
	}
	if out, failed, err := runTest(b, "TestFixed", s, 1, budget); err != nil || failed {
		t.Errorf("%s %s: TestFixed failed (err %v):\n%s", b.pkg, s, err, out)
	}
	return r
}

// checkPasses asserts that TestBug passes on at least one seed of the
// default strategy: a bug that fails on every schedule is not a concurrency
// bug.
func checkPasses(t *testing.T, b *bug) {
	for seed := 1; seed <= passProbe; seed++ {
		out, failed, err := runTest(b, "TestBug", defaultStrategy, seed, 1)
		if err != nil {
			t.Errorf("%s: TestBug seed %d: %v\n%s", b.pkg, seed, err, out)
			return
		}
		if !failed {
			return
		}
	}
	t.Errorf("%s: TestBug failed on each of seeds 1..%d: it does not depend on the interleaving", b.pkg, passProbe)
}

var (
	durationRE = regexp.MustCompile(`\(\d+\.\d+s\)|\t\d+\.\d+s`)
	entryRE    = regexp.MustCompile(`^    \S+\.go:\d+: `)
	seedRE     = regexp.MustCompile(`\(seed (\d+),`)
)

// failureOf returns what a test binary's output says about seed: its log
// entries, without those of other seeds (a search under SIM_SEEDS also
// carries the leak reports of the seeds that passed before it), and without
// wall-clock durations.
func failureOf(out []byte, seed int) string {
	var entries []string
	for _, line := range strings.SplitAfter(string(durationRE.ReplaceAll(out, nil)), "\n") {
		if entryRE.MatchString(line) || len(entries) == 0 {
			entries = append(entries, line)
		} else {
			entries[len(entries)-1] += line
		}
	}
	var b strings.Builder
	for _, e := range entries {
		if m := seedRE.FindStringSubmatch(e); m != nil && m[1] != strconv.Itoa(seed) {
			continue
		}
		b.WriteString(e)
	}
	return b.String()
}

// runTest runs one test of b's binary. failed reports a test failure (exit
// status 1); err reports anything else: a hang, a crash, a bad exit.
func runTest(b *bug, test, strategy string, seed, seeds int, env ...string) (out []byte, failed bool, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.bin, "-test.run", "^"+test+"$")
	cmd.Dir = b.dir
	cmd.Env = append(os.Environ(),
		"SIM_SEED="+strconv.Itoa(seed),
		"SIM_SEEDS="+strconv.Itoa(seeds),
		"SIM_STRATEGY="+strategy,
	)
	cmd.Env = append(cmd.Env, env...)
	out, err = cmd.CombinedOutput()
	if ctx.Err() != nil {
		return out, false, fmt.Errorf("no result after %v (a hang)", runTimeout)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 1 && bytes.Contains(out, []byte("--- FAIL: "+test)) {
		return out, true, nil
	}
	if err == nil && !bytes.Contains(out, []byte("PASS")) {
		return out, false, errors.New("no PASS line")
	}
	return out, false, err
}

// loadBugs lists the packages of the corpus and reads TestBug's comment.
func loadBugs(t *testing.T, mod string) []*bug {
	entries, err := os.ReadDir(mod)
	if err != nil {
		t.Fatal(err)
	}
	var bugs []*bug
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b := &bug{pkg: e.Name(), dir: filepath.Join(mod, e.Name())}
		tests, _ := filepath.Glob(filepath.Join(b.dir, "*_test.go"))
		var haveBug, haveFixed bool
		fset := token.NewFileSet()
		for _, f := range tests {
			file, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range file.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || fn.Recv != nil {
					continue
				}
				switch fn.Name.Name {
				case "TestFixed":
					haveFixed = true
				case "TestBug":
					haveBug = true
					for _, line := range strings.Split(fn.Doc.Text(), "\n") {
						if v, ok := strings.CutPrefix(line, "Bug: "); ok {
							b.what = v
						}
						if v, ok := strings.CutPrefix(line, "Interleaving: "); ok {
							b.interleaving = v
						}
						if v, ok := strings.CutPrefix(line, "Report: "); ok {
							b.report = v
						}
					}
				}
			}
		}
		if !haveBug || !haveFixed || b.what == "" || b.interleaving == "" {
			t.Errorf("%s: want TestBug, with Bug: and Interleaving: lines in its comment, and TestFixed", b.pkg)
			continue
		}
		bugs = append(bugs, b)
	}
	return bugs
}

// each calls f on every bug, at most par at a time.
func each(bugs []*bug, par int, f func(*bug)) {
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for _, b := range bugs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			f(b)
		}()
	}
	wg.Wait()
}

func run(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func copyDir(from, to string) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			if d.Name() == ".simbuild" {
				return filepath.SkipDir
			}
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
}

// stats summarizes one strategy over the corpus.
type stats struct {
	found  int
	median string
	mean   float64
	worst  string
}

func summarize(bugs []*bug, results map[string]map[string]result, s string) stats {
	var seeds []int
	st := stats{}
	for _, b := range bugs {
		r := results[b.pkg][s]
		n := budget + 1 // not found: counts as beyond the budget
		if r.err == nil && r.seed > 0 {
			n = r.seed
			st.found++
		}
		seeds = append(seeds, n)
	}
	slices.Sort(seeds)
	sum := 0
	for _, n := range seeds {
		sum += n
	}
	if len(seeds) > 0 {
		st.mean = float64(sum) / float64(len(seeds))
	}
	show := func(n int) string {
		if n > budget {
			return fmt.Sprintf(">%d", budget)
		}
		return strconv.Itoa(n)
	}
	if len(seeds) > 0 {
		st.median = show(seeds[(len(seeds)-1)/2])
		st.worst = show(seeds[len(seeds)-1])
	}
	return st
}

func cell(r result) string {
	switch {
	case r.err != nil:
		return "error"
	case r.seed == 0:
		return fmt.Sprintf(">%d", budget)
	}
	return strconv.Itoa(r.seed)
}

// render writes docs/bugs.md.
func render(bugs []*bug, results map[string]map[string]result, names []string, st *study) string {
	var w strings.Builder
	fmt.Fprintf(&w, `# The bug corpus

<!-- Generated by go test ./corpus -update. Do not edit. -->

testdata/bugs is one module (example.com/bugs) with one package per classic Go
concurrency bug. Each package has a TestBug that fails only on some
interleavings, and a fixed twin, TestFixed, that must never fail.
corpus/corpus_test.go rewrites the module with simgen and, for each package
and each strategy, runs TestBug with SIM_SEED=1 SIM_SEEDS=%d and records the
first failing seed (the number of seeds tried until the first failure),
replays that seed alone and checks that it fails the same way, and runs
TestFixed over the same %d seeds. It also checks that every TestBug passes
on some seed, and that the default strategy (%s) finds every bug within the
budget. A cell ">%d" means no failure within the budget.

The column exhaustive is the number of schedules simgen test -exhaustive
ran until the first failing one, within %d preemptions, enumerated within 0
preemptions, then 1, then 2, and in parentheses the bound it was found
within: the smallest that has a failing schedule (corpus/exhaustive_test.go
measures it; see "Exhaustive exploration" below).

| package | bug | interleaving | random | pct:3 | portfolio | pct:3:30 | exhaustive |
|---|---|---|---|---|---|---|---|
`, budget, budget, defaultStrategy, budget, exhaustCorpusBound)
	esc := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	ex, exErr := readExhaustCorpus(filepath.Join("..", "corpus", exhaustFile))
	for _, b := range bugs {
		fmt.Fprintf(&w, "| %s | %s | %s |", b.pkg, esc(b.what), esc(b.interleaving))
		for _, s := range strategies {
			fmt.Fprintf(&w, " %s |", cell(results[b.pkg][s]))
		}
		fmt.Fprintf(&w, " %s |", ex.findCell("bugs", b.pkg))
		w.WriteString("\n")
	}
	fmt.Fprintf(&w, "\n## Strategies compared\n\n")
	fmt.Fprintf(&w, "| strategy | bugs found within %d seeds | median seeds to first failure | mean | worst |\n|---|---|---|---|---|\n", budget)
	all := make(map[string]stats)
	for _, s := range strategies {
		st := summarize(bugs, results, s)
		all[s] = st
		fmt.Fprintf(&w, "| %s | %d of %d | %s | %.1f | %s |\n", s, st.found, len(bugs), st.median, st.mean, st.worst)
	}
	best := candidates[0]
	for _, s := range candidates[1:] {
		if better(all[s], all[best]) {
			best = s
		}
	}
	fmt.Fprintf(&w, "\n(A bug not found counts as %d seeds, one beyond the budget, in the median, the mean and the worst case.)\n\n", budget+1)
	r, p, f, k := all["random"], all["pct:3"], all["portfolio"], all["pct:3:30"]
	fmt.Fprintf(&w, "Random finds %d of the %d bugs within %d seeds (median %s seeds, mean %.1f, worst %s). "+
		"pct:3 alone finds %d (mean %.1f, worst %s). The portfolio finds %d (median %s, mean %.1f, worst %s). "+
		"PCT with its change points drawn from the first 30 steps finds %d (median %s, mean %.1f, worst %s).\n\n",
		r.found, len(bugs), budget, r.median, r.mean, r.worst,
		p.found, p.mean, p.worst,
		f.found, f.median, f.mean, f.worst,
		k.found, k.median, k.mean, k.worst)
	w.WriteString(strategyNotes)
	fmt.Fprintf(&w, "\nOn this run (one sequence of seeds), of the candidates (%s), the one that finds the most bugs, and then the fastest (median, then mean, then worst case), is **%s**.\n", strings.Join(candidates, ", "), best)
	renderStudy(&w, names, st)
	renderExhaustive(&w, ex, exErr)
	return w.String()
}

// better reports whether a beats b: more bugs found, then a smaller median,
// then a smaller mean, then a smaller worst case.
func better(a, b stats) bool {
	if a.found != b.found {
		return a.found > b.found
	}
	am, bm := rank(a.median), rank(b.median)
	if am != bm {
		return am < bm
	}
	if a.mean != b.mean {
		return a.mean < b.mean
	}
	return rank(a.worst) < rank(b.worst)
}

func rank(s string) int {
	if strings.HasPrefix(s, ">") {
		return budget + 1
	}
	n, _ := strconv.Atoi(s)
	return n
}

// strategyNotes is the analysis of the numbers above; revisit it when they
// change.
const strategyNotes = `Why pct:3 alone misses bugs: PCT draws its d-1 = 2 priority change
points from the first k steps, and k defaults to 10000, while these programs
make tens of scheduling decisions. The change points almost never fall inside
the run, so pct:3 runs the highest-priority runnable goroutine until it
blocks: it finds the bugs that need one goroutine to run ahead of another
(pingpong, prodcons, wgaddinside, missingunlock at seed 1), and never the
ones that need a goroutine preempted between two of its own steps (abba,
atomicsplit, checkthenact, doubleclose, lazyinit, mutexcopy, rwrecursive,
sendclosed, singleflight). The pct:3:30 column, with the change points inside
the run, finds every bug and has the best mean and worst case: PCT's depth
bound is sound, its step bound is what is mistuned for unit-test-sized
programs.

Random and the portfolio both find every bug, and which of them is faster
in the table above depends on the random stream: when this corpus was first
measured the portfolio came out ahead (mean 5.0, worst 17, against random's
5.1 and 18), and after simrt's hot choices moved to a faster generator (a
different stream from the same seeds) random did. One sequence of seeds per
bug cannot separate them; the study below measures them over 50 disjoint
seed ranges, and is why the portfolio stays the default. This measurement led to two changes in simrt's PCT. Its
starvation bound used to count one goroutine's consecutive picks, which an
alternation of two goroutines resets: two goroutines handing a value back
and forth could starve a third forever, with no report (an earlier version
of pingpong hung on about 1 odd seed in 30). Now the goroutine that has
waited longest is raised above the others once it has waited 1000 steps
(simrt/strategy_test.go, TestPCTNoLivelock). And since a step bound near the
length of the run is what makes pct:3:30 the best column, the portfolio's
PCT half no longer uses k = 10000 on every odd seed: it cycles k through 30,
300, 3000 and 30000, a run length being unknown before the run and a seed
having to replay alone.
`
