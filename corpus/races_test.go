package corpus

// The race corpus: testdata/races (module example.com/races), one package
// per data race or order violation that real projects have had, each with a
// TestBug that is racy and a TestFixed twin that is not. Built with -race
// and run under simulation, TestBug must be reported (WARNING: DATA RACE,
// the test failing) within raceBudget seeds, with no simrt frame as a
// racing access, and TestFixed must stay clean over fixedSeeds seeds. An
// order violation that package testing reports itself (a t.Log after the
// test completed) names the text of its report on a "Report:" line of
// TestBug's comment, which is then what must be reported.
// -update writes the table into docs/bugs.md.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const (
	// raceBudget is the number of seeds TestBug gets (goal: all within it).
	raceBudget = 10
	// fixedSeeds is the number of seeds a fixed twin must stay clean over.
	fixedSeeds = 1000
)

var (
	raceAccessRE = regexp.MustCompile(`(?m)^(?:Previous )?(?:[Ww]rite|[Rr]ead) at 0x[0-9a-f]+ by goroutine \d+:\n  (\S+)\n\s+(\S+):(\d+)`)
	raceBeginRE  = regexp.MustCompile(`(?s)<!-- races:begin -->.*<!-- races:end -->`)
)

type raceResult struct {
	pkg, what string
	report    string // the bug's Report: line, when package testing reports it
	seed      int    // first seed that reported the race, 0 if none
	fixedOK   bool
}

func TestRaceCorpus(t *testing.T) {
	root := corpusRoot(t, "the race corpus builds a race binary per program")
	tmp := t.TempDir()
	simgen := filepath.Join(tmp, "simgen")
	run(t, root, nil, "go", "build", "-o", simgen, "./cmd/simgen")
	mod := filepath.Join(tmp, "races")
	if err := copyDir(filepath.Join(root, "testdata", "races"), mod); err != nil {
		t.Fatal(err)
	}
	run(t, mod, goEnv, simgen, "-o", filepath.Join(mod, ".simbuild"), "./...")
	bugs := loadBugs(t, mod)
	if len(bugs) < 15 {
		t.Errorf("the race corpus has %d programs, want at least 15", len(bugs))
	}
	bin := filepath.Join(tmp, "bin")
	// One go test -c for every package: the go command builds them in
	// parallel and shares the race-instrumented dependencies.
	run(t, mod, goEnv, "go", "test", "-c", "-race", "-o", bin+"/", "-tags", "sim",
		"-overlay", filepath.Join(mod, ".simbuild", "overlay.json"), "./...")

	results := make([]raceResult, len(bugs))
	each(bugs, runtime.GOMAXPROCS(0), func(b *bug) {
		b.bin = filepath.Join(bin, b.pkg+".test")
		r := raceResult{pkg: b.pkg, what: b.what, report: b.report}
		out, err := raceRun(b, "TestBug", raceBudget)
		switch {
		case err != nil:
			t.Errorf("%s: TestBug: %v\n%s", b.pkg, err, out)
		case b.report != "" && !bytes.Contains(out, []byte(b.report)):
			t.Errorf("%s: %q not reported in %d seeds:\n%s", b.pkg, b.report, raceBudget, out)
		case b.report == "" && !bytes.Contains(out, []byte("WARNING: DATA RACE")):
			t.Errorf("%s: no race reported in %d seeds:\n%s", b.pkg, raceBudget, out)
		default:
			if m := replayRE.FindSubmatch(out); m != nil {
				r.seed, _ = strconv.Atoi(string(m[1]))
			} else {
				t.Errorf("%s: a race without a replay line:\n%s", b.pkg, out)
			}
			for _, a := range raceAccessRE.FindAllSubmatch(out, -1) {
				if bytes.HasPrefix(a[1], []byte("simgen.dev/simgen/simrt")) {
					t.Errorf("%s: a racing access in simrt (%s at %s:%s):\n%s", b.pkg, a[1], a[2], a[3], out)
				}
			}
		}
		out, err = raceRun(b, "TestFixed", fixedSeeds)
		r.fixedOK = err == nil && !bytes.Contains(out, []byte("DATA RACE")) && (b.report == "" || !bytes.Contains(out, []byte(b.report)))
		if !r.fixedOK {
			t.Errorf("%s: TestFixed: %v\n%s", b.pkg, err, out)
		}
		for i := range bugs {
			if bugs[i] == b {
				results[i] = r
			}
		}
	})
	var seeds []int
	for _, r := range results {
		if r.seed > 0 {
			seeds = append(seeds, r.seed)
		}
	}
	slices.Sort(seeds)
	if len(seeds) > 0 && seeds[(len(seeds)-1)/2] > 1 {
		t.Logf("median seeds to the first report is %d (goal 1)", seeds[(len(seeds)-1)/2])
	}
	path := filepath.Join(root, "docs", "bugs.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	table := []byte(strings.TrimSuffix(raceTable(results, seeds), "\n"))
	if !*update && !bytes.Equal(raceBeginRE.Find(doc), table) {
		t.Errorf("docs/bugs.md's race table is not what was measured (run go test ./corpus -run TestRaceCorpus -update):\n%s", table)
	}
	if *update && !t.Failed() {
		if raceBeginRE.Match(doc) {
			doc = raceBeginRE.ReplaceAllLiteral(doc, table)
		} else {
			doc = append(append(doc, '\n'), table...)
		}
		if err := os.WriteFile(path, doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// raceRun runs test over seeds 1..seeds under -race; a failure is a result
// (out holds it), err anything else.
func raceRun(b *bug, test string, seeds int) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.bin, "-test.run", "^"+test+"$")
	cmd.Dir = b.dir
	cmd.Env = append(os.Environ(), "SIM_SEED=1", "SIM_SEEDS="+strconv.Itoa(seeds), "SIM_RACE=on")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return out, fmt.Errorf("no result after %v (a hang)", runTimeout)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 1 && bytes.Contains(out, []byte("--- FAIL: "+test)) {
		if bytes.Contains(out, []byte("race detected during execution of test")) {
			return out, nil
		}
		if b.report != "" && bytes.Contains(out, []byte(b.report)) {
			return out, nil
		}
		return out, errors.New("failed without a race report")
	}
	return out, err
}

func raceTable(rs []raceResult, seeds []int) string {
	var b strings.Builder
	b.WriteString("<!-- races:begin -->\n## Data races under -race\n\n")
	fmt.Fprintf(&b, "`testdata/races`: %d programs with a data race or an order violation, each with a fixed twin. "+
		"Built with `-race` and run under simulation (SIM_SEED=1 SIM_SEEDS=%d, the default strategy), "+
		"the seed is the first one whose run the detector reports (or, where the program says so, package testing's own panic); the twin must stay clean over %d seeds. "+
		"Measured by `go test ./corpus -run TestRaceCorpus -update`.\n\n", len(rs), raceBudget, fixedSeeds)
	b.WriteString("| program | the race | seeds to the first report | fixed twin clean over 1000 seeds |\n|---|---|---|---|\n")
	for _, r := range rs {
		seed := "not found"
		if r.seed > 0 {
			seed = strconv.Itoa(r.seed)
		}
		ok := "yes"
		if !r.fixedOK {
			ok = "no"
		}
		what := r.what
		if r.report != "" {
			what += " Reported by package testing, not the detector: `" + r.report + "`."
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.pkg, what, seed, ok)
	}
	if len(seeds) > 0 {
		fmt.Fprintf(&b, "\nMedian seeds to the first report: %d; worst: %d.\n", seeds[(len(seeds)-1)/2], seeds[len(seeds)-1])
	}
	b.WriteString("<!-- races:end -->\n")
	return b.String()
}
