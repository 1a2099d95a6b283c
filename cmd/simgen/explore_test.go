package main

import (
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestBlocks checks the block layout: contiguous from the first seed,
// growing, truncated at the last seed, and the same whatever runs them.
func TestBlocks(t *testing.T) {
	t.Parallel()
	s := newSearch(5, 2000)
	var lens []int
	next := uint64(5)
	for {
		start, ok := s.peek()
		if !ok {
			break
		}
		if start != next {
			t.Fatalf("block %d starts at %d, want %d", len(lens), start, next)
		}
		b := s.take()
		if b.start != start {
			t.Fatalf("take started at %d, peek said %d", b.start, start)
		}
		lens = append(lens, b.n)
		next += uint64(b.n)
	}
	want := []int{16, 16, 32, 32, 64, 64, 128, 128, 256, 256, 512, 496}
	if !reflect.DeepEqual(lens, want) {
		t.Errorf("block lengths %v, want %v", lens, want)
	}
	if next != 2005 {
		t.Errorf("blocks end at %d, want 2005", next)
	}
	for k := range 100 {
		if n := blockLen(k); n < minBlock || n > maxBlock || (k > 0 && n < blockLen(k-1)) {
			t.Fatalf("blockLen(%d) = %d", k, n)
		}
	}
	if blockLen(99) != maxBlock {
		t.Errorf("blockLen(99) = %d, want %d", blockLen(99), maxBlock)
	}
	// Unbounded (-budget alone): blocks go on.
	u := newSearch(1, 0)
	for range 50 {
		if _, ok := u.peek(); !ok {
			t.Fatal("an unbounded search ran out of blocks")
		}
		u.take()
	}
	if got := u.stop(); len(got) != 50 || !u.concluded() || u.best != nil {
		t.Errorf("stop cancelled %d blocks, concluded %v", len(got), u.concluded())
	}
}

// TestLaterBlockFailsFirst: a failure in a later block is not the answer
// until every block below it has ended, and a smaller one found meanwhile
// wins; blocks above a known failure are cancelled.
func TestLaterBlockFailsFirst(t *testing.T) {
	t.Parallel()
	s := newSearch(1, 1000)
	b := []*block{s.take(), s.take(), s.take(), s.take()} // [1,16] [17,32] [33,64] [65,96]
	cancel := s.fail(finding{seed: 70, test: "TestX", block: b[3]})
	if len(cancel) != 0 {
		t.Fatalf("cancelled %v", cancel)
	}
	if _, ok := s.peek(); ok {
		t.Error("a block above a known failure would still start")
	}
	s.finish(b[3], false)
	if s.concluded() {
		t.Fatal("concluded while blocks below the failure run")
	}
	s.finish(b[0], true)
	cancel = s.fail(finding{seed: 40, test: "TestX", block: b[2]})
	if len(cancel) != 0 {
		t.Fatalf("cancelled %v", cancel)
	}
	// A later failure of a higher seed changes nothing.
	if cancel := s.fail(finding{seed: 50, test: "TestY", order: 1, block: b[2]}); len(cancel) != 0 || s.best.seed != 40 {
		t.Fatalf("best %d, cancelled %v", s.best.seed, cancel)
	}
	s.finish(b[2], false)
	if s.concluded() {
		t.Fatal("concluded while block 1 runs")
	}
	cancel = s.fail(finding{seed: 20, test: "TestY", order: 1, block: b[1]})
	if len(cancel) != 0 {
		t.Fatalf("cancelled %v", cancel)
	}
	s.finish(b[1], false)
	if !s.concluded() || !s.proven() || s.best.seed != 20 || s.best.test != "TestY" {
		t.Fatalf("concluded %v, proven %v, best %+v", s.concluded(), s.proven(), s.best)
	}
	if s.fails != 4 {
		t.Errorf("fails = %d, want 4", s.fails)
	}

	// A failure in a low block cancels the running blocks above it.
	s = newSearch(1, 1000)
	b = []*block{s.take(), s.take(), s.take(), s.take()}
	cancel = s.fail(finding{seed: 20, test: "TestX", block: b[1]})
	if len(cancel) != 2 || cancel[0] != b[2] || cancel[1] != b[3] || b[3].state != blockCancelled {
		t.Fatalf("cancelled %v", cancel)
	}
	s.finish(b[1], false)
	s.finish(b[2], true) // the kill lost the race: it stays cancelled
	if s.concluded() || b[2].state != blockCancelled {
		t.Fatalf("concluded %v with block 0 running", s.concluded())
	}
	s.finish(b[0], true)
	if !s.concluded() || s.best.seed != 20 {
		t.Fatalf("concluded %v, best %+v", s.concluded(), s.best)
	}
}

// TestSameSeedTies: two tests failing at the same seed are ordered by the
// order the tests run in, not by when their failures were seen.
func TestSameSeedTies(t *testing.T) {
	t.Parallel()
	s := newSearch(1, 10)
	b := s.take()
	s.fail(finding{seed: 7, test: "TestB", order: 1, block: b})
	s.fail(finding{seed: 7, test: "TestA", order: 0, block: b})
	s.fail(finding{seed: 7, test: "TestC", order: 2, block: b})
	s.finish(b, false)
	if s.best.test != "TestA" {
		t.Errorf("best is %s, want TestA", s.best.test)
	}
}

// TestBudgetStop: a stop cancels what runs; a failure above a cut block
// is reported, but not as proven smallest.
func TestBudgetStop(t *testing.T) {
	t.Parallel()
	s := newSearch(1, 0)
	b := []*block{s.take(), s.take(), s.take()}
	s.finish(b[0], true)
	s.fail(finding{seed: 40, test: "TestX", block: b[2]})
	s.finish(b[2], false)
	if cancel := s.stop(); len(cancel) != 1 || cancel[0] != b[1] {
		t.Fatalf("stop cancelled %v", cancel)
	}
	if !s.concluded() || s.proven() || s.best.seed != 40 {
		t.Errorf("concluded %v, proven %v, best %+v", s.concluded(), s.proven(), s.best)
	}
}

// TestSmallestSeedWhateverTheParallelism drives searches with random
// interleavings of P processes, each running its block's seeds in order
// and stopping at the first failure, and requires the smallest failing
// seed every time, with only blocks above it cancelled.
func TestSmallestSeedWhateverTheParallelism(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		n := 1 + r.IntN(3000)
		fails := make(map[uint64]bool)
		for range r.IntN(6) {
			fails[1+uint64(r.IntN(n))] = true
		}
		want := uint64(0)
		for s := range fails {
			if want == 0 || s < want {
				want = s
			}
		}
		for _, p := range []int{1, 2, 3, 4, 8} {
			got, ok := simulate(r, n, p, fails)
			if !ok || got != want {
				t.Fatalf("trial %d: %d seeds, failing %v, parallel %d: got %d (concluded %v), want %d", trial, n, fails, p, got, ok, want)
			}
		}
	}
}

// simulate runs a search with p simulated processes that advance one seed
// at a time in random order, and returns the smallest failing seed found
// (0: none).
func simulate(r *rand.Rand, n, p int, fails map[uint64]bool) (uint64, bool) {
	s := newSearch(1, n)
	pos := make(map[*block]uint64) // next seed each running block runs
	for steps := 0; ; steps++ {
		for len(pos) < p {
			if _, ok := s.peek(); !ok {
				break
			}
			b := s.take()
			pos[b] = b.start
		}
		if len(pos) == 0 {
			break
		}
		running := make([]*block, 0, len(pos))
		for b := range pos {
			running = append(running, b)
		}
		slices.SortFunc(running, func(a, b *block) int { return a.index - b.index })
		b := running[r.IntN(len(running))]
		if b.state == blockCancelled {
			delete(pos, b) // the kill took effect
			continue
		}
		seed := pos[b]
		switch {
		case fails[seed]:
			for _, c := range s.fail(finding{seed: seed, test: "TestX", block: b}) {
				if c.start <= seed {
					panic("cancelled a block at or below the failure")
				}
			}
			s.finish(b, false)
			delete(pos, b)
		case seed+1 == b.start+uint64(b.n):
			s.finish(b, true)
			delete(pos, b)
		default:
			pos[b] = seed + 1
		}
	}
	if !s.concluded() {
		return 0, false
	}
	if s.best == nil {
		return 0, s.explored() == n
	}
	return s.best.seed, s.proven()
}

func TestRunPatternParts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ run, top, sub string }{
		{"", "", ""},
		{"TestA", "TestA", ""},
		{"TestA/sub", "TestA", "/sub"},
		{"Test[/]x/y", "Test[/]x", "/y"},
		{`Test\/x/y`, `Test\/x`, "/y"},
		{"(A|B/C)/D", "(A|B/C)", "/D"},
	} {
		if top, sub := topPattern(tc.run), subPattern(tc.run); top != tc.top || sub != tc.sub {
			t.Errorf("%q: top %q sub %q, want %q %q", tc.run, top, sub, tc.top, tc.sub)
		}
	}
	if got := runPatternFor("TestA.b"); got != `^TestA\.b$` {
		t.Errorf("runPatternFor = %q", got)
	}
}

// TestExploreArgs checks how simgen test's arguments turn into an
// exploration: which flags go where, and which are refused.
func TestExploreArgs(t *testing.T) {
	t.Parallel()
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	parse := func(args []string, getenv func(string) string) (*explorer, error) {
		o, rest, err := parseTestArgs(args)
		if err != nil {
			return nil, err
		}
		return newExplorer(o, rest, getenv)
	}

	if x, err := parse([]string{"-run", "TestA", "./..."}, env()); x != nil || err != nil {
		t.Errorf("no -seeds: explorer %v, error %v", x, err)
	}
	if x, err := parse([]string{"-parallel", "3", "."}, env()); x != nil || err != nil {
		t.Errorf("-parallel alone: explorer %v, error %v", x, err)
	}

	x, err := parse([]string{"-seeds", "500", "-parallel=3", "-tags", "x", "-run", "TestA/sub", "-v", "-race",
		"-count=2", "-short", "-skip", "TestB", "-test.timeout=1m", "-vet=off", "./a", "./b/...", "-args", "-flag", "v"}, env("SIM_SEED", "40"))
	if err != nil {
		t.Fatal(err)
	}
	if x.opts.seeds != 500 || x.opts.parallel != 3 || x.base != 40 || x.tags != "sim,x" || x.count != 2 {
		t.Errorf("explorer %+v", x)
	}
	for _, c := range []struct {
		name      string
		got, want []string
	}{
		{"build", x.build, []string{"-race=true"}},
		{"vet", x.vet, []string{"-vet=off"}},
		{"test", x.test, []string{"-test.count=2", "-test.short=true", "-test.timeout=1m", "-test.skip=TestB"}},
		{"rerun", x.rerun, []string{"-test.v=true", "-test.timeout=1m", "-test.skip=TestB"}},
		{"patterns", x.patterns, []string{"./a", "./b/..."}},
		{"args", x.args, []string{"-flag", "v"}},
		{"rerun test flags", x.testFlagsForRerun(), []string{"-test.short=true"}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if x.run != "TestA/sub" || x.skip != "TestB" {
		t.Errorf("run %q skip %q", x.run, x.skip)
	}

	// SIM_SEEDS in simgen test's environment is -seeds; -seeds wins.
	x, err = parse([]string{"."}, env("SIM_SEEDS", "70"))
	if err != nil || x == nil || x.opts.seeds != 70 || x.base != 1 || !reflect.DeepEqual(x.patterns, []string{"."}) {
		t.Fatalf("SIM_SEEDS=70: explorer %+v, error %v", x, err)
	}
	if x, err = parse([]string{"-seeds=9"}, env("SIM_SEEDS", "70")); err != nil || x.opts.seeds != 9 {
		t.Fatalf("-seeds=9 with SIM_SEEDS=70: explorer %+v, error %v", x, err)
	}
	if x, err = parse([]string{"-budget", "1m30s"}, env()); err != nil || x.opts.budget != 90*time.Second || x.opts.seeds != 0 {
		t.Fatalf("-budget: explorer %+v, error %v", x, err)
	}

	for _, tc := range []struct {
		args  []string
		env   []string
		match string
	}{
		{[]string{"-seeds", "0"}, nil, "-seeds=0: want a positive integer"},
		{[]string{"-seeds", "x"}, nil, "want a positive integer"},
		{[]string{"-seeds"}, nil, "flag needs an argument"},
		{[]string{"-parallel=-1", "-seeds=1"}, nil, "-parallel=-1"},
		{[]string{"-budget", "soon"}, nil, "want a positive duration"},
		{[]string{"-budget", "-1s"}, nil, "want a positive duration"},
		{nil, []string{"SIM_SEEDS", "many"}, `SIM_SEEDS="many"`},
		{[]string{"-seeds=5"}, []string{"SIM_SEED", "-3"}, `SIM_SEED="-3"`},
		{[]string{"-seeds=5", "-test.json"}, nil, "does not support -json"},
		{[]string{"-seeds=5", "-test.cpuprofile=x"}, nil, "does not support -cpuprofile"},
		{[]string{"-seeds=5", "-frobnicate"}, nil, "unknown flag -frobnicate"},
		{[]string{"-seeds=5", "-run"}, nil, "flag needs an argument"},
		{[]string{"-seeds=5", "-count=0"}, nil, "-count=0"},
	} {
		_, err := parse(tc.args, env(tc.env...))
		if err == nil || !errors.Is(err, errUsage) || !strings.Contains(err.Error(), tc.match) {
			t.Errorf("%q %q: error %v, want a usage error containing %q", tc.args, tc.env, err, tc.match)
		}
	}
}

// TestExploreUsageErrors: misused exploration flags exit 2 before
// anything is generated.
func TestExploreUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"test", "-seeds", "0"},
		{"test", "-budget", "x"},
		{"test", "-seeds", "3", "-json"},
		{"test", "-seeds", "3", "-json", "."},
		{"test", "-seeds", "3", "-shard", "4/4"},
	} {
		var stdout, stderr strings.Builder
		if code := run(args, nil, &stdout, &stderr); code != 2 {
			t.Errorf("simgen %q exited %d, want 2", args, code)
		}
		if !strings.Contains(stderr.String(), "usage: simgen") || stdout.Len() != 0 {
			t.Errorf("simgen %q: stdout %q, stderr %q", args, stdout.String(), stderr.String())
		}
	}
}

func TestReplayLine(t *testing.T) {
	t.Parallel()
	x := &explorer{tags: "sim,x", build: []string{"-race=true"}, test: []string{"-test.short=true", "-test.count=3"},
		skip: "TestB", args: []string{"-v", "it's"},
		getenv: func(k string) string {
			switch k {
			case "SIM_STRATEGY":
				return "pct:3"
			case "SIM_TRACE": // observes only: not in the line
				return "1"
			}
			return ""
		}}
	p := &pkgRun{path: "example.com/m/sub", dir: "/m/sub"}
	got := x.replayLine(p, "/m/.simbuild/overlay.json", "/m", 37, 0, "^TestA$")
	want := `SIM_SEED=37 SIM_STRATEGY=pct:3 go test -tags sim,x -overlay .simbuild/overlay.json -race=true -short=true -run '^TestA$' -skip TestB ./sub -args -v 'it'\''s'`
	if got != want {
		t.Errorf("replay line\n got %s\nwant %s", got, want)
	}
	got = x.replayLine(p, "/m/.simbuild/overlay.json", "/elsewhere", 33, 32, "")
	want = `SIM_SEED=33 SIM_SEEDS=32 SIM_STRATEGY=pct:3 go test -tags sim,x -overlay /m/.simbuild/overlay.json -race=true -short=true -skip TestB example.com/m/sub -args -v 'it'\''s'`
	if got != want {
		t.Errorf("replay line\n got %s\nwant %s", got, want)
	}
	if got := x.replayLine(&pkgRun{path: "m", dir: "/m"}, "/m/o.json", "/m", 1, 0, ""); !strings.HasSuffix(got, " . -args -v 'it'\\''s'") {
		t.Errorf("replay line in the package's directory: %s", got)
	}
}

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
