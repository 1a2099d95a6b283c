package explore

// This file is the process pool: it starts a test process per block of
// seeds, at most -parallel at once, tails their progress files, kills the
// blocks a failure makes useless, and stops on the budget or ^C.
//
// Invariants:
//   - Processes report each finished seed through SIM_PROGRESS files
//     (simrt/progress.go), which the driver tails: for progress, and to see
//     a failure as soon as it happens.
//   - A process that fails without reporting a failing seed is taken to
//     have failed at the seed after the last one it reported (crashed);
//     report.go pinpoints it by running its block again.

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

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

// loop runs the blocks, at most -parallel at once, until every package's
// search has concluded, the budget is spent or the user interrupts.
func (x *Explorer) loop(pkgs []*pkgRun, tmp string, d *display) error {
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
	if x.opts.Budget > 0 {
		t := time.NewTimer(x.opts.Budget)
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
		for len(running) < x.opts.Parallel {
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
func (x *Explorer) start(p *pkgRun, b *block, tmp string, exits chan<- exitEvent, env ...string) (*proc, error) {
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
