package explore

// This file reports an exploration: each package's outcome, its smallest
// failing seed run again alone with its output and replay line (built by
// simrt/replay, the one builder of replay lines), the summary line, and
// the pinpointing of a crash to its seed.
//
// Invariants:
//   - The failure printed is the failing seed run again alone, so its
//     output is exactly what the printed replay line produces; if it does
//     not fail alone, simgen says so and prints the block's own output.

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"simgen.dev/simgen/simrt/replay"
)

// report prints each package's outcome, the failures run again alone with
// their replay lines, and the summary line.
func (x *Explorer) report(pkgs []*pkgRun, overlay, cwd string, d *display, loopErr error, stdout io.Writer) error {
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
			run := replay.RunPattern(f.test) + subPattern(x.run)
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
		fmt.Fprintf(&b, "; budget %s spent", x.opts.Budget)
	}
	fmt.Fprintln(stdout, b.String())
	if failed || loopErr != nil {
		return ExitError(1)
	}
	return nil
}

// reportFailure runs a package's smallest failing seed again, alone, and
// prints its output and the replay line; if it passes alone, it prints the
// output of the block it failed in, and that block's replay line.
func (x *Explorer) reportFailure(p *pkgRun, overlay, cwd string, stdout io.Writer) {
	f := p.s.best
	if f.crash {
		f = x.pinpoint(p, f)
		p.s.best = f
	}
	run := x.run
	if f.test != "" {
		run = replay.RunPattern(f.test) + subPattern(x.run)
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
func (x *Explorer) testFlagsForRerun() []string {
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

// replayLine is the go test command line, with its environment, that runs
// the seeds [seed, seed+n) (n 0: the one seed) of the tests that run
// selects, from cwd.
func (x *Explorer) replayLine(p *pkgRun, overlay, cwd string, seed uint64, n int, run string) string {
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
func (x *Explorer) pinpoint(p *pkgRun, f *finding) *finding {
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

// plural is n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// relTo shortens p to a path relative to dir when it lies below dir, as the
// go command prints positions.
func relTo(dir, p string) string {
	if rel, err := filepath.Rel(dir, p); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return p
}

// relToCwd is path relative to the working directory when it is below it.
func relToCwd(path string) string {
	if wd, err := os.Getwd(); err == nil {
		return relTo(wd, path)
	}
	return path
}
