package main

// This file is simgen test's exploration: with -seeds N (or SIM_SEEDS=N in
// its environment) or -budget D, simgen test builds one test binary per
// package and runs it in many processes at once, each over a contiguous
// block of seeds (SIM_SEED=start SIM_SEEDS=len), and reports the smallest
// failing seed of each package.
//
// Invariants:
//   - The blocks are a function of the first seed alone (blockLen), never of
//     -parallel or of timing, so every process runs the same seeds in the
//     same order whatever the parallelism: a test that leaks state from one
//     seed into the next in its process still gets the same answer.
//   - A process stops a test at its first failing seed, so a failure at seed
//     s in a block proves that the seeds of that block below s passed for
//     that test. The smallest failing seed is known once every block that
//     starts at or below it has ended; blocks that start above it can no
//     longer matter and are killed.
//   - Processes report each finished seed through SIM_PROGRESS files
//     (simrt/progress.go), which the driver tails: for progress, and to see
//     a failure as soon as it happens.
//   - The failure printed is the failing seed run again alone, so its
//     output is exactly what the printed replay line produces; if it does
//     not fail alone, simgen says so and prints the block's own output.
//
// With -json or -shard, the built packages go to runCampaign instead
// (campaign.go), which runs every seed and reports distinct failures; both
// keep failing seeds under testdata/simgen (keep.go) and run the kept ones
// first.

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"simgen.dev/simgen/simrt/replay"
)

// exploreOptions are simgen test's exploration flags.
type exploreOptions struct {
	seeds    int           // -seeds, or SIM_SEEDS; 0: unbounded (with -budget) or not exploring
	parallel int           // -parallel; 0: runtime.NumCPU()
	budget   time.Duration // -budget; 0: none
	json     string        // -json FILE: a campaign's results (results.go)
	shardK   int           // -shard K/N: K, -1 when only N was given
	shardN   int           // -shard K/N: N; 0: not given
	keep     bool          // -keep: keep failing seeds under testdata/simgen
}

// set parses the value of the exploration flag name (seeds, parallel,
// budget, json or shard).
func (e *exploreOptions) set(name, val string) error {
	switch name {
	case "seeds", "parallel":
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 {
			return fmt.Errorf("%w: -%s=%s: want a positive integer", errUsage, name, val)
		}
		if name == "seeds" {
			e.seeds = n
		} else {
			e.parallel = n
		}
	case "json":
		if val == "" {
			return fmt.Errorf("%w: -json needs a file name", errUsage)
		}
		if fi, err := os.Stat(val); err == nil && fi.IsDir() {
			return fmt.Errorf("%w: -json %s: want a file for the results, not a directory", errUsage, val)
		}
		e.json = val
	case "shard":
		k, n, err := parseShard(val)
		if err != nil {
			return err
		}
		e.shardK, e.shardN = k, n
	case "budget":
		d, err := time.ParseDuration(val)
		if err != nil || d <= 0 {
			return fmt.Errorf("%w: -budget=%s: want a positive duration such as 30s", errUsage, val)
		}
		e.budget = d
	}
	return nil
}

// Block layout: blocks start small, so that a bug that shows at a small
// seed is reported at once, and double every two blocks up to maxBlock, so
// that a long exploration does not pay a process start per few seeds.
const (
	minBlock = 16
	maxBlock = 8192
)

// blockLen is the length of the k-th block of seeds (from 0).
func blockLen(k int) int {
	if k/2 >= 10 {
		return maxBlock
	}
	return min(minBlock<<(k/2), maxBlock)
}

// blockState is where a block of seeds is in its life.
type blockState int

const (
	blockRunning   blockState = iota
	blockDone                 // its process ended by itself: every result in it is known
	blockCancelled            // killed: it started above a known failure, or the budget ran out
)

// block is a contiguous range of seeds run by one process.
type block struct {
	index int
	start uint64
	n     int
	state blockState
	seeds int    // seeds finished, as far as known
	run   string // its -run pattern, if not the user's (a campaign's continuation)
}

// finding is one failing seed of one test.
type finding struct {
	seed  uint64
	test  string // top-level test name; "" if the process failed outside any seed
	order int    // the test's place in the package's test list, for ties
	block *block
	crash bool // the process failed without reporting a failing seed; seed is a guess
}

// less orders findings by seed, then by the tests' order.
func (f finding) less(g finding) bool {
	if f.seed != g.seed {
		return f.seed < g.seed
	}
	if f.order != g.order {
		return f.order < g.order
	}
	return f.test < g.test
}

// search is the exploration of one package's seeds, without processes:
// which block runs next, which blocks can no longer matter, and when the
// smallest failing seed is known. It is not safe for concurrent use.
type search struct {
	base    uint64
	n       int // seeds to explore; 0: unbounded
	next    uint64
	blocks  []*block
	best    *finding // smallest failure known so far
	fails   int      // failures seen, in any block
	stopped bool     // no more blocks: the budget is spent
}

func newSearch(base uint64, n int) *search {
	return &search{base: base, n: n, next: base}
}

// peek returns the start of the block that would run next, if any.
func (s *search) peek() (uint64, bool) {
	switch {
	case s.stopped, s.best != nil:
		// Every block not started yet starts above the failure.
		return 0, false
	case s.n > 0 && s.next-s.base >= uint64(s.n):
		return 0, false
	}
	return s.next, true
}

// take starts the next block; peek must have said there is one.
func (s *search) take() *block {
	n := blockLen(len(s.blocks))
	if s.n > 0 {
		n = min(n, int(uint64(s.n)-(s.next-s.base)))
	}
	b := &block{index: len(s.blocks), start: s.next, n: n}
	s.blocks = append(s.blocks, b)
	s.next += uint64(n)
	return b
}

// fail records a failure seen in a block, running or ended, and returns the
// running blocks that it makes useless, now marked cancelled: those that
// start above the smallest failure known.
func (s *search) fail(f finding) []*block {
	s.fails++
	if s.best != nil && !f.less(*s.best) {
		return nil
	}
	s.best = &f
	var cancel []*block
	for _, b := range s.blocks {
		if b.state == blockRunning && b.start > f.seed {
			b.state = blockCancelled
			cancel = append(cancel, b)
		}
	}
	return cancel
}

// finish records that a block's process ended by itself; passed says that
// it passed, so every seed of it ran.
func (s *search) finish(b *block, passed bool) {
	if b.state == blockRunning {
		b.state = blockDone
		if passed {
			b.seeds = b.n
		}
	}
}

// stop ends the search (the budget is spent) and returns the running
// blocks, now marked cancelled.
func (s *search) stop() []*block {
	s.stopped = true
	var cancel []*block
	for _, b := range s.blocks {
		if b.state == blockRunning {
			b.state = blockCancelled
			cancel = append(cancel, b)
		}
	}
	return cancel
}

// running reports whether a block is still running.
func (s *search) running() bool {
	return slices.ContainsFunc(s.blocks, func(b *block) bool { return b.state == blockRunning })
}

// concluded reports whether the search has its answer: the smallest
// failing seed, or that no seed fails (or, once stopped, that nothing runs
// any more).
func (s *search) concluded() bool {
	if s.best != nil {
		return s.proven() || (s.stopped && !s.running())
	}
	_, more := s.peek()
	return !more && !s.running()
}

// proven reports whether the best failure is known to be the smallest:
// every block that starts at or below it has ended by itself.
func (s *search) proven() bool {
	if s.best == nil {
		return false
	}
	for _, b := range s.blocks {
		if b.start <= s.best.seed && b.state != blockDone {
			return false
		}
	}
	return true
}

// explored is how many seeds have been run to their end.
func (s *search) explored() int {
	n := 0
	for _, b := range s.blocks {
		n += b.seeds
	}
	return n
}

// flagKind says what simgen test does with a go test flag when it
// explores.
type flagKind int

const (
	kTest           flagKind = iota // a test binary flag with a value: -test.name=value for every process
	kTestBool                       // a boolean test binary flag
	kBuild                          // a build flag with a value: go list, go test -c, the replay line
	kBuildBool                      // a boolean build flag
	kVet                            // go test -c only
	kRerun                          // only for the rerun of the failing seed (-v, -failfast)
	kNoExplore                      // not supported when exploring
	kNoExploreValue                 // not supported when exploring, and takes a value
)

// A flag missing from goTestFlags must be looked up with its ok result:
// the zero kind is kTest, and an unknown flag is taken as boolean.

// goTestFlags is the one table of go test's flags (test binary, build and
// vet flags): what simgen test does with each when it explores, and, by
// kind, whether it takes a value as the next argument, which every scanner
// of go test's arguments must know so as not to take that value for a
// package. A flag not listed is taken as boolean; write -flag=value for any
// other. kNoExplore flags with a value are kNoExploreValue.
var goTestFlags = map[string]flagKind{
	"bench": kTest, "benchtime": kTest, "count": kTest, "cpu": kTest,
	"run": kTest, "skip": kTest, "shuffle": kTest, "timeout": kTest,
	// simgen test takes -parallel for itself (processes while exploring);
	// it is listed for the scanners, and passed to go test otherwise.
	"parallel": kTest,
	"benchmem": kTestBool, "fullpath": kTestBool, "short": kTestBool,
	"v": kRerun, "failfast": kRerun,
	"asmflags": kBuild, "buildmode": kBuild, "compiler": kBuild, "gccgoflags": kBuild,
	"gcflags": kBuild, "installsuffix": kBuild, "ldflags": kBuild, "mod": kBuild,
	"modfile": kBuild, "pgo": kBuild, "pkgdir": kBuild, "toolexec": kBuild,
	"covermode": kBuild, "coverpkg": kBuild, "p": kBuild,
	"a": kBuildBool, "race": kBuildBool, "msan": kBuildBool, "asan": kBuildBool,
	"cover": kBuildBool, "trimpath": kBuildBool, "work": kBuildBool, "x": kBuildBool,
	"linkshared": kBuildBool, "buildvcs": kBuildBool,
	"vet":  kVet,
	"json": kNoExplore, "c": kNoExplore, "n": kNoExplore,
	"exec": kNoExploreValue, "list": kNoExploreValue, "C": kNoExploreValue,
	"cpuprofile": kNoExploreValue, "memprofile": kNoExploreValue,
	"memprofilerate": kNoExploreValue, "blockprofile": kNoExploreValue, "blockprofilerate": kNoExploreValue,
	"mutexprofile": kNoExploreValue, "mutexprofilefraction": kNoExploreValue, "coverprofile": kNoExploreValue,
	"trace": kNoExploreValue, "outputdir": kNoExploreValue, "fuzz": kNoExploreValue, "fuzztime": kNoExploreValue,
	"fuzzminimizetime": kNoExploreValue,
}

// takesValue reports whether a flag of kind k takes a value, as the next
// argument unless written -flag=value.
func (k flagKind) takesValue() bool {
	switch k {
	case kTest, kBuild, kVet, kNoExploreValue:
		return true
	}
	return false
}

// explorer is one exploration: simgen test with -seeds or -budget.
type explorer struct {
	opts     exploreOptions
	tags     string   // sim[,user tags]
	build    []string // build flags, for go list and go test -c and the replay line
	vet      []string // go test -c only
	test     []string // -test.* flags for every process
	rerun    []string // -test.* flags for the rerun alone (-v)
	args     []string // after -args
	run      string   // the user's -run pattern, "" if none
	skip     string   // the user's -skip pattern
	count    int      // -count, for the progress estimate
	patterns []string
	base     uint64
	getenv   func(string) string
	camp     *campaignOptions // -json, -shard: explore every seed, report distinct failures (campaign.go)
	keep     bool             // keep failing seeds under testdata/simgen (keep.go)
}

// newExplorer returns the exploration that simgen test's arguments ask
// for, or nil if they ask for a plain go test: neither -seeds, -budget nor
// SIM_SEEDS. rest is what parseTestArgs left for go test.
func newExplorer(o options, rest []string, getenv func(string) string) (*explorer, error) {
	x := &explorer{opts: o.explore, count: 1, getenv: getenv}
	if x.opts.seeds == 0 {
		if s := getenv("SIM_SEEDS"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("%w: SIM_SEEDS=%q: want a positive integer", errUsage, s)
			}
			x.opts.seeds = n
		}
	}
	if x.opts.seeds == 0 && x.opts.budget == 0 {
		if x.opts.json != "" || x.opts.shardN > 0 {
			return nil, fmt.Errorf("%w: -json and -shard need -seeds or -budget", errUsage)
		}
		return nil, nil
	}
	x.keep = x.opts.keep
	if err := x.setupCampaign(getenv); err != nil {
		return nil, err
	}
	if x.opts.parallel == 0 {
		x.opts.parallel = runtime.NumCPU()
	}
	x.base = 1
	if s := getenv("SIM_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: SIM_SEED=%q: want a non-negative integer", errUsage, s)
		}
		x.base = n
	}
	x.tags = o.buildTags()
	timeout, err := x.takeArgs(rest)
	if err != nil {
		return nil, err
	}
	x.test = append(x.test, "-test.timeout="+timeout)
	x.rerun = append(x.rerun, "-test.timeout="+timeout)
	if x.skip != "" {
		x.test = append(x.test, "-test.skip="+x.skip)
		x.rerun = append(x.rerun, "-test.skip="+x.skip)
	}
	if len(x.patterns) == 0 {
		x.patterns = []string{"."}
	}
	return x, nil
}

// takeArgs sorts go test's arguments into the explorer's package patterns
// and flags (goTestFlags says what each flag is for), and returns the
// -timeout of each test process.
func (x *explorer) takeArgs(rest []string) (timeout string, err error) {
	timeout = "10m0s" // as go test sets for each test binary
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "-args" || a == "--args" {
			x.args = rest[i+1:]
			break
		}
		if !strings.HasPrefix(a, "-") {
			x.patterns = append(x.patterns, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		name = strings.TrimPrefix(name, "test.")
		kind, known := goTestFlags[name]
		switch {
		case !known:
			return "", fmt.Errorf("%w: simgen test -seeds: unknown flag %s", errUsage, a)
		case kind == kNoExplore || kind == kNoExploreValue:
			return "", fmt.Errorf("%w: simgen test -seeds does not support -%s", errUsage, name)
		}
		if !hasVal && (kind == kTest || kind == kBuild || kind == kVet) {
			if i+1 == len(rest) {
				return "", fmt.Errorf("%w: flag needs an argument: %s", errUsage, a)
			}
			i++
			val = rest[i]
		}
		if !hasVal && (kind == kTestBool || kind == kBuildBool || kind == kRerun) {
			val = "true"
		}
		flag := "-" + name + "=" + val
		switch kind {
		case kTest, kTestBool:
			switch name {
			case "run":
				x.run = val
				continue
			case "skip":
				x.skip = val
				continue
			case "timeout":
				timeout = val
				continue
			case "count":
				n, err := strconv.Atoi(val)
				if err != nil || n < 1 {
					return "", fmt.Errorf("%w: -count=%s: want a positive integer", errUsage, val)
				}
				x.count = n
			}
			x.test = append(x.test, "-test."+name+"="+val)
		case kBuild, kBuildBool:
			x.build = append(x.build, flag)
		case kVet:
			x.vet = append(x.vet, flag)
		case kRerun:
			if name == "v" {
				x.rerun = append(x.rerun, "-test.v="+val)
			}
		}
	}
	return timeout, nil
}

// pkgRun is one package's part in the exploration.
type pkgRun struct {
	path, dir string
	bin       string
	tests     []string // top-level tests matching -run, in run order
	order     map[string]int
	count     int    // -count: how many times each test runs its seeds
	skip      string // why the package is not explored: [no test files], ...
	failed    string // why the package failed before exploring (build)
	s         *search
}

// proc is a running test process: one block of one package.
type proc struct {
	p        *pkgRun
	b        *block
	cmd      *exec.Cmd
	prog     *os.File // the SIM_PROGRESS file, read as it grows
	partial  []byte
	out      string // its output file
	lines    int
	lastTest string
	lastSeed uint64
	failed   bool           // it reported a failing seed
	perTest  map[string]int // seeds reported per test, if counted (campaign.go)
}

// exitEvent is a process that ended.
type exitEvent struct {
	pr  *proc
	err error
}

// run builds the test binaries and explores their seeds; overlay is the
// shadow tree's overlay.json.
func (x *explorer) runExplore(overlay string, stdout, stderr io.Writer) error {
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "simgen-explore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	pkgs, err := x.list(overlay, stderr)
	if err != nil {
		return err
	}
	x.buildAll(pkgs, overlay, tmp, stderr)
	if x.camp != nil {
		return x.runCampaign(pkgs, overlay, cwd, tmp, stdout)
	}
	total := 0
	for _, p := range pkgs {
		if p.skip == "" && p.failed == "" {
			p.s = newSearch(x.base, x.opts.seeds)
			total += x.opts.seeds
		}
	}
	keptFailed := x.runKept(pkgs, stdout) // keep.go
	d := newDisplay(stdout, x.opts.budget, total)
	err = x.loop(pkgs, tmp, d)
	if err := x.report(pkgs, overlay, cwd, d, err, stdout); err != nil || len(keptFailed) == 0 {
		return err
	}
	return exitError(1)
}

// list runs go list on the patterns and returns the packages, in order.
func (x *explorer) list(overlay string, stderr io.Writer) ([]*pkgRun, error) {
	args := []string{"list", "-tags", x.tags, "-overlay", overlay}
	args = append(args, x.build...)
	args = append(args, "-f", "{{.ImportPath}}\t{{.Dir}}\t{{len .TestGoFiles}}\t{{len .XTestGoFiles}}")
	args = append(args, x.patterns...)
	cmd := exec.Command("go", args...)
	cmd.Stderr = stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, exitError(1)
	}
	var pkgs []*pkgRun
	for line := range strings.Lines(string(out)) {
		f := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
		if len(f) != 4 {
			continue
		}
		p := &pkgRun{path: f[0], dir: f[1], count: x.count}
		if f[2] == "0" && f[3] == "0" {
			p.skip = "[no test files]"
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// buildAll builds the test binaries, a few at a time, and lists each one's
// tests.
func (x *explorer) buildAll(pkgs []*pkgRun, overlay, tmp string, stderr io.Writer) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, min(x.opts.parallel, 4))
	var mu sync.Mutex // stderr
	for i, p := range pkgs {
		if p.skip != "" {
			continue
		}
		p.bin = filepath.Join(tmp, fmt.Sprintf("%d.test", i))
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			args := []string{"test", "-c", "-tags", x.tags, "-overlay", overlay}
			args = append(args, x.build...)
			args = append(args, x.vet...)
			args = append(args, "-o", p.bin, p.path)
			out, err := exec.Command("go", args...).CombinedOutput()
			if err != nil {
				mu.Lock()
				stderr.Write(out)
				mu.Unlock()
				p.failed = "[build failed]"
				return
			}
			if _, err := os.Stat(p.bin); err != nil {
				p.skip = "[no test files]"
				return
			}
			x.listTests(p)
		})
	}
	wg.Wait()
}

// listTests asks the binary for its tests that -run selects, for the
// progress estimate and the order of tests failing at the same seed.
func (x *explorer) listTests(p *pkgRun) {
	cmd := exec.Command(p.bin, "-test.list="+cmp.Or(topPattern(x.run), "."))
	cmd.Dir = p.dir
	out, err := cmd.Output()
	p.order = make(map[string]int)
	if err == nil {
		for line := range strings.Lines(string(out)) {
			if name := strings.TrimSpace(line); strings.HasPrefix(name, "Test") {
				p.order[name] = len(p.tests)
				p.tests = append(p.tests, name)
			}
		}
		if len(p.tests) == 0 {
			p.skip = "[no tests to run]"
		}
	}
}

// topPattern is the part of a -run pattern that top-level tests match: up
// to the first slash outside brackets and parentheses.
func topPattern(run string) string {
	depth := 0
	for i := 0; i < len(run); i++ {
		switch run[i] {
		case '\\':
			i++
		case '[', '(':
			depth++
		case ']', ')':
			depth--
		case '/':
			if depth <= 0 {
				return run[:i]
			}
		}
	}
	return run
}

// subPattern is the rest of a -run pattern after topPattern, with its
// slash, or "".
func subPattern(run string) string {
	return run[len(topPattern(run)):]
}

// loop runs the blocks, at most -parallel at once, until every package's
// search has concluded, the budget is spent or the user interrupts.
func (x *explorer) loop(pkgs []*pkgRun, tmp string, d *display) error {
	exits := make(chan exitEvent)
	running := make(map[*block]*proc)
	kill := func(bs []*block) {
		for _, b := range bs {
			if pr := running[b]; pr != nil {
				pr.cmd.Process.Kill()
			}
		}
	}
	defer func() {
		for _, pr := range running {
			pr.cmd.Process.Kill()
		}
		for range running {
			<-exits
		}
	}()
	var budget <-chan time.Time
	if x.opts.budget > 0 {
		t := time.NewTimer(x.opts.budget)
		defer t.Stop()
		budget = t.C
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var interrupted bool
	stopAll := func() {
		for _, p := range pkgs {
			if p.s != nil {
				kill(p.s.stop())
			}
		}
	}
	poll := func(pr *proc) {
		for _, f := range pr.poll() {
			kill(pr.p.s.fail(f))
		}
	}
	for {
		for len(running) < x.opts.parallel {
			p := nextPackage(pkgs)
			if p == nil {
				break
			}
			pr, err := x.start(p, p.s.take(), tmp, exits)
			if err != nil {
				return err
			}
			running[pr.b] = pr
		}
		if len(running) == 0 {
			break
		}
		select {
		case ev := <-exits:
			delete(running, ev.pr.b)
			poll(ev.pr)
			ev.pr.prog.Close()
			if f, ok := ev.pr.crashed(ev.err); ok {
				kill(ev.pr.p.s.fail(f))
			}
			ev.pr.p.s.finish(ev.pr.b, ev.err == nil)
		case <-tick.C:
			for _, pr := range running {
				poll(pr)
			}
			d.update(pkgs, false)
		case <-budget:
			d.budgetSpent = true
			stopAll()
		case <-sig:
			interrupted = true
			stopAll()
		}
	}
	if interrupted {
		return errors.New("interrupted")
	}
	return nil
}

// nextPackage is the package whose next block starts lowest, if any has
// one: seeds are explored in order across packages.
func nextPackage(pkgs []*pkgRun) *pkgRun {
	var best *pkgRun
	var bestStart uint64
	for _, p := range pkgs {
		if p.s == nil {
			continue
		}
		if start, ok := p.s.peek(); ok && (best == nil || start < bestStart) {
			best, bestStart = p, start
		}
	}
	return best
}

// start starts the process for block b of package p.
// env is added to the process's environment.
func (x *explorer) start(p *pkgRun, b *block, tmp string, exits chan<- exitEvent, env ...string) (*proc, error) {
	stem := filepath.Join(tmp, fmt.Sprintf("%s-%d", filepath.Base(p.bin), b.index))
	prog, err := os.OpenFile(stem+".progress", os.O_RDONLY|os.O_CREATE, 0o666)
	if err != nil {
		return nil, err
	}
	out, err := os.Create(stem + ".out")
	if err != nil {
		prog.Close()
		return nil, err
	}
	defer out.Close()
	args := append([]string{"-test.run=" + cmp.Or(b.run, x.run, ".")}, x.test...)
	args = append(args, x.args...)
	cmd := exec.Command(p.bin, args...)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(),
		"SIM_SEED="+strconv.FormatUint(b.start, 10),
		"SIM_SEEDS="+strconv.Itoa(b.n),
		"SIM_PROGRESS="+stem+".progress")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		prog.Close()
		return nil, err
	}
	pr := &proc{p: p, b: b, cmd: cmd, prog: prog, out: stem + ".out"}
	go func() { exits <- exitEvent{pr, cmd.Wait()} }()
	return pr, nil
}

// poll reads the lines the process has added to its progress file and
// returns the failures among them.
func (pr *proc) poll() []finding {
	var fails []finding
	buf := make([]byte, 64<<10)
	for {
		n, err := pr.prog.Read(buf)
		pr.partial = append(pr.partial, buf[:n]...)
		if n == 0 || err != nil {
			break
		}
	}
	for {
		i := slices.Index(pr.partial, '\n')
		if i < 0 {
			break
		}
		line := string(pr.partial[:i])
		pr.partial = pr.partial[i+1:]
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		seed, err := strconv.ParseUint(f[len(f)-2], 10, 64)
		if err != nil {
			continue
		}
		test := strings.Join(f[:len(f)-2], " ")
		pr.lines++
		pr.lastTest, pr.lastSeed = test, seed
		if pr.perTest != nil {
			pr.perTest[test]++
		}
		if f[len(f)-1] == "FAIL" {
			pr.failed = true
			fails = append(fails, finding{seed: seed, test: test, order: pr.p.testOrder(test), block: pr.b})
		}
	}
	if pr.b.state == blockRunning || pr.b.seeds < pr.b.n {
		per := max(1, len(pr.p.tests)) * pr.p.count
		pr.b.seeds = min(pr.b.n, pr.lines/per)
	}
	return fails
}

// testOrder is a test's place in the package's run order.
func (p *pkgRun) testOrder(test string) int {
	if i, ok := p.order[test]; ok {
		return i
	}
	return len(p.order)
}

// crashed returns the failure of a process that failed without reporting a
// failing seed (a crash, a timeout, a failure outside any simulated test):
// at the seed after the last one it reported.
func (pr *proc) crashed(err error) (finding, bool) {
	var ee *exec.ExitError
	if pr.failed || pr.b.state == blockCancelled || !errors.As(err, &ee) {
		return finding{}, false
	}
	f := finding{seed: pr.b.start, block: pr.b, crash: true}
	tests := pr.p.tests
	switch {
	case pr.lines == 0 && len(tests) > 0:
		f.test = tests[0]
	case pr.lines == 0:
	case pr.lastSeed+1 < pr.b.start+uint64(pr.b.n):
		f.seed, f.test = pr.lastSeed+1, pr.lastTest
	default:
		if i := pr.p.testOrder(pr.lastTest); i+1 < len(tests) {
			f.test = tests[i+1]
		}
	}
	f.order = pr.p.testOrder(f.test)
	if f.test == "" {
		f.order = len(tests)
	}
	return f, true
}

// display shows the exploration's progress: a line redrawn in place on a
// terminal, a plain line every few seconds otherwise.
type display struct {
	w           io.Writer
	tty         bool
	start       time.Time
	last        time.Time // of the last line shown
	shown       bool      // a progress line is on the terminal
	total       int       // seeds to explore, 0: unbounded
	budget      time.Duration
	budgetSpent bool
}

const (
	ttyEvery   = 250 * time.Millisecond
	plainEvery = 5 * time.Second
	ttyAfter   = time.Second // a short exploration draws no progress line
)

func newDisplay(w io.Writer, budget time.Duration, total int) *display {
	d := &display{w: w, start: time.Now(), budget: budget, total: total}
	if f, ok := w.(*os.File); ok && os.Getenv("TERM") != "dumb" {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			d.tty = true
		}
	}
	d.last = d.start
	return d
}

// update shows the progress if it is time to.
func (d *display) update(pkgs []*pkgRun, force bool) {
	now := time.Now()
	elapsed := now.Sub(d.start)
	switch {
	case force:
	case d.tty && (elapsed < ttyAfter || now.Sub(d.last) < ttyEvery):
		return
	case !d.tty && now.Sub(d.last) < plainEvery:
		return
	}
	d.last = now
	done, fails := tally(pkgs)
	var b strings.Builder
	b.WriteString("simgen: ")
	if d.total > 0 {
		fmt.Fprintf(&b, "%d/%d seeds", done, d.total)
	} else {
		fmt.Fprintf(&b, "%d seeds", done)
	}
	fmt.Fprintf(&b, ", %.0f seeds/s, %s, %s", rate(done, elapsed), plural(fails, "failure"), elapsed.Round(100*time.Millisecond))
	if d.budget > 0 {
		fmt.Fprintf(&b, " of %s", d.budget)
	}
	if d.tty {
		fmt.Fprintf(d.w, "\r\033[K%s", b.String())
		d.shown = true
		return
	}
	fmt.Fprintln(d.w, b.String())
}

// clear removes the progress line from the terminal before other output.
func (d *display) clear() {
	if d.shown {
		fmt.Fprint(d.w, "\r\033[K")
		d.shown = false
	}
}

// tally counts the seeds explored and the failures seen.
func tally(pkgs []*pkgRun) (done, fails int) {
	for _, p := range pkgs {
		if p.s != nil {
			done += p.s.explored()
			fails += p.s.fails
		}
	}
	return done, fails
}

// roundDuration rounds d for the summary: to milliseconds below a
// second, to hundredths of a second above.
func roundDuration(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Millisecond)
}

// rate is n per second of d.
func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// report prints each package's outcome, the failures run again alone with
// their replay lines, and the summary line.
func (x *explorer) report(pkgs []*pkgRun, overlay, cwd string, d *display, loopErr error, stdout io.Writer) error {
	elapsed := time.Since(d.start)
	d.clear()
	failed := false
	var first *pkgRun
	for _, p := range pkgs {
		switch {
		case p.skip != "":
			fmt.Fprintf(stdout, "?   \t%s\t%s\n", p.path, p.skip)
		case p.failed != "":
			fmt.Fprintf(stdout, "FAIL\t%s %s\n", p.path, p.failed)
			failed = true
		case loopErr != nil && (p.s.best == nil || p.s.best.crash):
			// Interrupted: the user's ^C also ends the test processes,
			// which may look like crashes.
			fmt.Fprintf(stdout, "?   \t%s\t[interrupted after %s]\n", p.path, plural(p.s.explored(), "seed"))
		case loopErr != nil:
			// Interrupted: run nothing more.
			failed = true
			first = cmp.Or(first, p)
			f := p.s.best
			run := runPatternFor(f.test) + subPattern(x.run)
			fmt.Fprintf(stdout, "FAIL\t%s\tseed %d\n", p.path, f.seed)
			fmt.Fprintf(stdout, "simgen: replay with: %s\n", x.replayLine(p, overlay, cwd, f.seed, 0, run))
		case p.s.best == nil:
			fmt.Fprintf(stdout, "ok  \t%s\t%s\n", p.path, plural(p.s.explored(), "seed"))
		default:
			failed = true
			if first == nil {
				first = p
			}
			x.reportFailure(p, overlay, cwd, stdout)
		}
	}
	done, fails := tally(pkgs)
	var b strings.Builder
	fmt.Fprintf(&b, "simgen: explored %s in %s (%.0f seeds/s), %s", plural(done, "seed"), roundDuration(elapsed), rate(done, elapsed), plural(fails, "failure"))
	if first != nil {
		best := first.s.best
		fmt.Fprintf(&b, "; smallest failing seed %d", best.seed)
		if !first.s.proven() {
			b.WriteString(" found (seeds below it not all explored)")
		}
		name := cmp.Or(best.test, "no test named")
		if len(pkgs) > 1 {
			name += " in " + first.path
		}
		fmt.Fprintf(&b, " (%s)", name)
	}
	switch {
	case loopErr != nil:
		fmt.Fprintf(&b, "; %v", loopErr)
	case d.budgetSpent:
		fmt.Fprintf(&b, "; budget %s spent", x.opts.budget)
	}
	fmt.Fprintln(stdout, b.String())
	if failed || loopErr != nil {
		return exitError(1)
	}
	return nil
}

// reportFailure runs a package's smallest failing seed again, alone, and
// prints its output and the replay line; if it passes alone, it prints the
// output of the block it failed in, and that block's replay line.
func (x *explorer) reportFailure(p *pkgRun, overlay, cwd string, stdout io.Writer) {
	f := p.s.best
	if f.crash {
		f = x.pinpoint(p, f)
		p.s.best = f
	}
	run := x.run
	if f.test != "" {
		run = runPatternFor(f.test) + subPattern(x.run)
	}
	args := append([]string{"-test.run=" + cmp.Or(run, ".")}, x.rerun...)
	args = append(args, x.testFlagsForRerun()...)
	args = append(args, x.args...)
	cmd := exec.Command(p.bin, args...)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), "SIM_SEED="+strconv.FormatUint(f.seed, 10), "SIM_SEEDS=1", "SIM_PROGRESS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		stdout.Write(out)
		if f.crash {
			fmt.Fprintf(stdout, "simgen: the test binary: %v\n", err)
		}
		fmt.Fprintf(stdout, "FAIL\t%s\tseed %d\n", p.path, f.seed)
		replay := x.replayLine(p, overlay, cwd, f.seed, 0, run)
		fmt.Fprintf(stdout, "simgen: replay with: %s\n", replay)
		if x.keep && f.test != "" {
			sig := classify(string(out), f.test, p.dir, f.crash)
			if path, err := x.keepSeed(p.dir, p.path, f.seed, sig, replay); err != nil {
				fmt.Fprintf(stdout, "simgen: keeping seed %d: %v\n", f.seed, err)
			} else if path != "" {
				fmt.Fprintf(stdout, "simgen: kept %s\n", filepath.ToSlash(relToCwd(path)))
			}
		}
		return
	}
	if blockOut, err := os.ReadFile(filepath.Join(filepath.Dir(p.bin), fmt.Sprintf("%s-%d.out", filepath.Base(p.bin), f.block.index))); err == nil {
		stdout.Write(blockOut)
	}
	what := fmt.Sprintf("seed %d of %s failed", f.seed, f.test)
	if f.crash {
		what = fmt.Sprintf("the test process failed (after seed %d of %s, as far as it told)", f.seed, cmp.Or(f.test, "its tests"))
	}
	fmt.Fprintf(stdout, "FAIL\t%s\tseeds %d to %d\n", p.path, f.block.start, f.block.start+uint64(f.block.n)-1)
	fmt.Fprintf(stdout, "simgen: %s in the run of seeds %d to %d, but seed %d passes alone: the failure depends on what ran before it\n",
		what, f.block.start, f.block.start+uint64(f.block.n)-1, f.seed)
	fmt.Fprintf(stdout, "simgen: replay with: %s\n", x.replayLine(p, overlay, cwd, f.block.start, f.block.n, x.run))
}

// testFlagsForRerun are the flags of every process that also apply to the
// rerun of one seed: not -count or -shuffle, which would change what runs.
func (x *explorer) testFlagsForRerun() []string {
	var flags []string
	for _, f := range x.test {
		switch name, _, _ := strings.Cut(strings.TrimPrefix(f, "-test."), "="); name {
		case "count", "shuffle", "timeout", "skip":
		default:
			flags = append(flags, f)
		}
	}
	return flags
}

// runPatternFor is the -run pattern that selects exactly the top-level
// test name.
func runPatternFor(name string) string {
	return replay.RunPattern(name)
}

// replayLine is the go test command line, with its environment, that runs
// the seeds [seed, seed+n) (n 0: the one seed) of the tests that run
// selects, from cwd.
func (x *explorer) replayLine(p *pkgRun, overlay, cwd string, seed uint64, n int, run string) string {
	l := replay.Line{Seed: seed, Seeds: n, Getenv: x.getenv, Tags: x.tags, Overlay: relTo(cwd, overlay),
		Run: run, Skip: x.skip, Package: p.path, Args: x.args}
	l.Flags = append(l.Flags, x.build...)
	for _, f := range x.testFlagsForRerun() {
		l.Flags = append(l.Flags, "-"+strings.TrimPrefix(f, "-test."))
	}
	if rel, err := filepath.Rel(cwd, p.dir); err == nil && rel == "." {
		l.Package = "."
	} else if err == nil && filepath.IsLocal(rel) {
		l.Package = "./" + filepath.ToSlash(rel)
	}
	return l.String()
}

// pinpoint runs the block of a crash again, with every seed reported as it
// ends (SIM_PROGRESS_SYNC), to find the seed the process failed at: the
// exploration's progress files are written every few milliseconds, so the
// last seeds before a crash go unreported. It returns f unchanged if the
// block does not fail the same way again.
func (x *explorer) pinpoint(p *pkgRun, f *finding) *finding {
	exits := make(chan exitEvent, 1)
	b := &block{index: -1, start: f.block.start, n: f.block.n}
	pr, err := x.start(p, b, filepath.Dir(p.bin), exits, "SIM_PROGRESS_SYNC=1")
	if err != nil {
		return f
	}
	ev := <-exits
	defer pr.prog.Close()
	pr.poll()
	g, ok := pr.crashed(ev.err)
	if !ok {
		return f
	}
	g.block = f.block
	return &g
}
