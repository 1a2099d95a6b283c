package explore

// This file runs a campaign: simgen test -seeds N (or -budget D) with
// -json FILE or -shard K/N (or a shard from the environment, shard.go).
// Where plain exploration stops at each package's smallest failing seed, a
// campaign runs every seed of its part of the seed space, groups the
// failing seeds by signature (signature.go), and reports every distinct
// failure of every test with its smallest seed, how many seeds hit it and
// its replay line, writing them to FILE as it goes (results.go).
//
// Invariants:
//   - The processes a campaign runs are a function of the seed range and
//     of what the tests do, never of the shard count, -parallel or timing:
//     the blocks are blockLen's, shard K takes blocks k with k mod N = K,
//     and a test that fails at seed s in a block [a, b) is run again, alone,
//     over [s+1, b) by a continuation process (a test process stops a test
//     at its first failing seed). So N shards run exactly the processes one
//     machine would, and every seed of every test runs once.
//   - A failure's record keeps its smallest seed; ties in seed keep the
//     first block's, which every shard layout agrees on since a seed lies in
//     exactly one block.
//   - The report is printed from the records alone (printCampaign,
//     campaignreport.go), so that simgen merge prints, from the shards'
//     files, what one machine prints.

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"simgen.dev/simgen"
)

// campaignOptions are what makes an exploration a campaign.
type campaignOptions struct {
	json  string // -json FILE, or ""
	shard shard
}

// setupCampaign makes the exploration a campaign if -json, -shard or an
// engine's shard variables ask for one.
func (x *Explorer) setupCampaign(getenv func(string) string) error {
	sh, asked, err := resolveShard(x.opts.ShardK, x.opts.ShardN, getenv)
	if err != nil {
		return err
	}
	if !asked && x.opts.JSON == "" {
		return nil
	}
	x.camp = &campaignOptions{json: x.opts.JSON, shard: sh}
	return nil
}

// job is one test process of a campaign: a block of seeds, or the rest of
// one after a test failed in it.
type job struct {
	p     *pkgRun
	b     *block   // its seeds, and its -run pattern if not the user's
	tests []string // the tests it runs, in order
}

// pkgTest names one test of one package.
type pkgTest struct{ pkg, test string }

// campaign is a campaign's working state.
type campaign struct {
	x       *Explorer
	overlay string
	cwd     string
	tmp     string
	rec     campaignRecord
	res     *results
	fails   map[string]*failureRecord // by id
	runs    map[string]string         // by id: the -run pattern of the smallest seed's process
	counts  map[pkgTest]int
	pkgs    []*pkgRun
	cursor  map[*pkgRun]int // the next block index of each package
	pending []job           // continuations, run before new blocks
	nextIdx int             // for the processes' file names
	start   time.Time
	stopped string // why the campaign stopped early: "budget", "interrupted"
	kept    []string
	// emptyCrashes counts each package's processes that crashed before
	// reporting any seed.
	emptyCrashes map[*pkgRun]int
}

// runCampaign runs a campaign over the packages, whose binaries are built.
func (x *Explorer) runCampaign(pkgs []*pkgRun, overlay, cwd, tmp string, stdout io.Writer) error {
	c := &campaign{x: x, overlay: overlay, cwd: cwd, tmp: tmp, pkgs: pkgs,
		fails: make(map[string]*failureRecord), runs: make(map[string]string),
		counts: make(map[pkgTest]int), cursor: make(map[*pkgRun]int), start: time.Now(),
		emptyCrashes: make(map[*pkgRun]int)}
	c.rec = campaignRecord{Format: resultsFormat, Simgen: simgen.Version, Stream: streamVersion(),
		Signature: signatureFormat, FirstSeed: x.base, Seeds: x.opts.Seeds, Shard: x.camp.shard,
		Strategy: x.getenv("SIM_STRATEGY"), Run: x.run, Started: c.start.UTC().Format(time.RFC3339)}
	var broken []string
	for _, p := range pkgs {
		c.rec.Packages = append(c.rec.Packages, p.path)
		if p.failed != "" {
			broken = append(broken, p.path)
		}
	}
	if x.camp.json != "" {
		r, err := createResults(x.camp.json, c.rec)
		if err != nil {
			return err
		}
		c.res = r
	}
	keptFailed := c.runKept(stdout)
	loopErr := c.loop()
	c.confirm()
	if x.keep {
		c.keepAll(stdout)
	}
	sum := c.summary(broken, keptFailed)
	fs := c.sorted()
	if err := c.res.finish(c.rec, fs, sum); err != nil {
		fmt.Fprintf(stdout, "simgen: -json: %v\n", err)
	}
	printCampaign(stdout, c.rec.Packages, fs, []summaryRecord{sum}, c.kept)
	if len(fs) > 0 || len(broken) > 0 || len(keptFailed) > 0 || loopErr != nil {
		return ExitError(1)
	}
	return nil
}

// next returns the job to start next: a continuation, or the package's
// block that starts lowest among those of the shard. ok is false when
// there is none.
func (c *campaign) next() (job, bool) {
	if len(c.pending) > 0 {
		j := c.pending[0]
		c.pending = c.pending[1:]
		return j, true
	}
	if c.stopped != "" {
		return job{}, false
	}
	var best *pkgRun
	var bestStart uint64
	for _, p := range c.pkgs {
		if p.skip != "" || p.failed != "" {
			continue
		}
		k, start, ok := c.peek(p)
		if ok && (best == nil || start < bestStart) {
			best, bestStart = p, start
		}
		c.cursor[p] = k
	}
	if best == nil {
		return job{}, false
	}
	k := c.cursor[best]
	c.cursor[best] = k + 1
	n := blockLen(k)
	if s := c.x.opts.Seeds; s > 0 {
		n = min(n, int(uint64(s)-(bestStart-c.x.base)))
	}
	return job{p: best, b: &block{index: k, start: bestStart, n: n}, tests: best.tests}, true
}

// peek finds the package's next block of the shard, from its cursor.
func (c *campaign) peek(p *pkgRun) (k int, start uint64, ok bool) {
	k = c.cursor[p]
	for ; !c.x.camp.shard.owns(k); k++ {
	}
	start = c.x.base + blockStart(k)
	if s := c.x.opts.Seeds; s > 0 && start-c.x.base >= uint64(s) {
		return k, 0, false
	}
	return k, start, true
}

// blockStart is the offset of the k-th block from the first seed: the
// blocks before it, in constant time, since a night's campaign reaches
// millions of blocks.
func blockStart(k int) uint64 {
	var off uint64
	i := 0
	for ; i < k && blockLen(i) < maxBlock; i++ {
		off += uint64(blockLen(i))
	}
	return off + uint64(k-i)*maxBlock
}

// loop runs the jobs, at most -parallel at once.
func (c *campaign) loop() error {
	exits := make(chan exitEvent)
	running := make(map[*proc]job)
	defer func() {
		for pr := range running {
			pr.cmd.Process.Kill()
		}
		for range running {
			<-exits
		}
	}()
	var budget <-chan time.Time
	if c.x.opts.Budget > 0 {
		t := time.NewTimer(c.x.opts.Budget)
		defer t.Stop()
		budget = t.C
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	stop := func(why string) {
		c.stopped = why
		c.pending = nil
		for pr := range running {
			pr.b.state = blockCancelled
			pr.cmd.Process.Kill()
		}
	}
	for {
		for len(running) < c.x.opts.Parallel {
			j, ok := c.next()
			if !ok {
				break
			}
			pr, err := c.startJob(j, exits)
			if err != nil {
				return err
			}
			running[pr] = j
		}
		if len(running) == 0 {
			break
		}
		select {
		case ev := <-exits:
			j := running[ev.pr]
			delete(running, ev.pr)
			c.ended(j, ev.pr, ev.err)
		case <-tick.C:
			c.res.tick()
		case <-budget:
			stop("budget")
		case <-sig:
			stop("interrupted")
		}
	}
	if c.stopped == "interrupted" {
		return errors.New("interrupted")
	}
	return nil
}

// startJob starts a job's process.
func (c *campaign) startJob(j job, exits chan<- exitEvent, env ...string) (*proc, error) {
	b := *j.b
	b.index = c.nextIdx
	c.nextIdx++
	env = append(env, "SIM_KEPT=off")
	pr, err := c.x.start(j.p, &b, c.tmp, exits, env...)
	if err != nil {
		return nil, err
	}
	pr.perTest = make(map[string]int)
	return pr, nil
}

// ended takes in what a job's process reported: its failures, each
// continued by a process over the rest of its block, and a crash.
func (c *campaign) ended(j job, pr *proc, err error) {
	fails := pr.poll()
	pr.prog.Close()
	if pr.b.state == blockCancelled {
		c.count(j, pr.perTest)
		return
	}
	outb, _ := os.ReadFile(pr.out)
	out := string(outb)
	failed := make(map[string]bool)
	for _, f := range fails {
		failed[f.test] = true
		sig := classify(out, f.test, j.p.dir, false)
		c.record(j, sig, f.seed, rawSection(out, f.test))
		c.continueAfter(j, f.test, f.seed)
	}
	var cut string
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		// The process failed: did every test reach its end?
		per := j.b.n * j.p.count
		for _, t := range j.tests {
			if !failed[t] && pr.perTest[t] < per {
				cut = t
				break
			}
		}
	}
	if cut == "" {
		c.count(j, pr.perTest)
		return
	}
	c.crashed(j, cut, pr)
}

// crashed handles a process that ended without finishing test cut: it
// runs the job again with every seed reported as it ends, to learn the
// seed it crashed at, records the crash and continues after it.
// orig is the process that crashed.
func (c *campaign) crashed(j job, cut string, orig *proc) {
	origOut, _ := os.ReadFile(orig.out)
	exits := make(chan exitEvent, 1)
	pr, err := c.startJob(j, exits, "SIM_PROGRESS_SYNC=1")
	if err == nil {
		ev := <-exits
		pr.poll()
		pr.prog.Close()
		var ee *exec.ExitError
		if !errors.As(ev.err, &ee) {
			// It did not fail again: the crash depends on the machine
			// (memory, wall time). Keep the first run's account.
			pr = nil
		}
	} else {
		pr = nil
	}
	out := string(origOut)
	if pr == nil {
		pr = orig
	} else if b, err := os.ReadFile(pr.out); err == nil {
		out = string(b)
	}
	c.count(j, pr.perTest)
	seed := j.b.start + uint64(pr.perTest[cut]/max(1, j.p.count))
	sig := classify(out, cut, j.p.dir, true)
	c.record(j, sig, seed, tail(out, 60))
	c.counts[pkgTest{j.p.path, cut}]++
	if pr.lines == 0 {
		// Nothing ran: the process may fail before any test (init,
		// TestMain). Give up on the package after a few such crashes
		// rather than start a process per seed.
		c.emptyCrashes[j.p]++
		if c.emptyCrashes[j.p] >= 3 {
			j.p.failed = "[the test process fails before any seed ends]"
			c.pending = slices.DeleteFunc(c.pending, func(q job) bool { return q.p == j.p })
			return
		}
	}
	c.continueAfter(j, cut, seed)
	// The tests after cut did not run at all.
	i := slices.Index(j.tests, cut)
	if rest := j.tests[i+1:]; len(rest) > 0 {
		c.pending = append(c.pending, job{p: j.p, tests: rest,
			b: &block{start: j.b.start, n: j.b.n, run: testsPattern(rest, c.x.run)}})
	}
}

// continueAfter queues the rest of a job's block for test, which failed at
// seed.
func (c *campaign) continueAfter(j job, test string, seed uint64) {
	end := j.b.start + uint64(j.b.n)
	if seed+1 >= end {
		return
	}
	c.pending = append(c.pending, job{p: j.p, tests: []string{test},
		b: &block{start: seed + 1, n: int(end - seed - 1), run: testsPattern([]string{test}, c.x.run)}})
}

// testsPattern is the -run pattern that selects exactly the tests, with
// the subtest part of the user's pattern.
func testsPattern(tests []string, run string) string {
	q := make([]string, len(tests))
	for i, t := range tests {
		q[i] = regexp.QuoteMeta(t)
	}
	if len(q) == 1 {
		return "^" + q[0] + "$" + subPattern(run)
	}
	return "^(" + strings.Join(q, "|") + ")$" + subPattern(run)
}

// count adds the seeds a process reported to the tests' counts.
func (c *campaign) count(j job, per map[string]int) {
	for t, n := range per {
		c.counts[pkgTest{j.p.path, t}] += n / max(1, j.p.count)
	}
}

// record adds a failing seed to its distinct failure.
func (c *campaign) record(j job, sig signature, seed uint64, output string) {
	id := sig.id(j.p.path)
	f := c.fails[id]
	fresh := f == nil
	smaller := fresh || seed < f.Seed
	if fresh {
		f = &failureRecord{ID: id, Package: j.p.path, signature: sig, Seed: seed}
		c.fails[id] = f
	}
	f.Hits++
	if smaller {
		f.Seed, f.First, f.Count, f.Output = seed, j.b.start, j.b.n, output
		c.runs[id] = cmp.Or(j.b.run, c.x.run)
		f.Replay = c.x.replayLine(j.p, c.overlay, c.cwd, seed, 0, testsPattern([]string{sig.Test}, c.x.run))
	}
	c.res.update(f, smaller)
}

// confirm runs each distinct failure's smallest seed again, alone, as its
// replay line does: its output then is the replay's, and if it passes
// alone the replay line runs the whole range it failed in.
func (c *campaign) confirm() {
	for _, f := range c.sorted() {
		if c.stopped == "interrupted" {
			return
		}
		p := c.pkg(f.Package)
		if p == nil || f.Test == "" {
			continue
		}
		run := testsPattern([]string{f.Test}, c.x.run)
		args := append([]string{"-test.run=" + run}, c.x.rerun...)
		args = append(args, c.x.testFlagsForRerun()...)
		args = append(args, c.x.args...)
		cmd := exec.Command(p.bin, args...)
		cmd.Dir = p.dir
		cmd.Env = append(os.Environ(), "SIM_SEED="+strconv.FormatUint(f.Seed, 10), "SIM_SEEDS=1", "SIM_PROGRESS=", "SIM_KEPT=off")
		out, err := cmd.CombinedOutput()
		alone := err != nil
		f.Alone = &alone
		if alone {
			if sec := rawSection(string(out), f.Test); sec != "" {
				f.Output = sec
			}
			continue
		}
		f.Replay = c.x.replayLine(p, c.overlay, c.cwd, f.First, f.Count, c.runs[f.ID])
	}
}

func (c *campaign) pkg(path string) *pkgRun {
	for _, p := range c.pkgs {
		if p.path == path {
			return p
		}
	}
	return nil
}

// sorted returns the distinct failures in report order.
func (c *campaign) sorted() []*failureRecord {
	fs := make([]*failureRecord, 0, len(c.fails))
	for _, f := range c.fails {
		fs = append(fs, f)
	}
	sortFailures(fs, c.rec.Packages)
	return fs
}
