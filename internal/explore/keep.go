package explore

// This file keeps the failing seeds that exploration finds as regression
// tests, the way go test -fuzz keeps its failing inputs under
// testdata/fuzz: each one is a small text file under the failing test's
// package,
//
//	testdata/simgen/<TestName>/<id>
//
// where id names the failure's signature, so that finding the same failure
// again rewrites the same file (with the smaller seed) instead of adding
// one. simrt (simrt/kept.go) runs these seeds first in every later
// simulated run of the test that does not name a seed. -keep=false keeps
// nothing. This is the only place simgen writes outside its -o directory.
//
// Invariants: a seed is kept only once it has failed alone, as its replay
// line runs it; a kept file records everything its replay depends on (the
// seed, the strategy, the SIM_ settings that change a run, the
// decision-stream version) and nothing that varies between machines.

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"simgen.dev/simgen"
)

// keptHeader opens every kept seed file; simrt reads nothing else.
const keptHeader = "simgen seed v1"

// keptEnv are the SIM_ settings that change what a seed runs, recorded in
// a kept file so that simrt replays it the same way whatever the
// environment of the later run.
var keptEnv = []string{"SIM_LEAKS", "SIM_TIMELIMIT", "SIM_CHECK_DETERMINISM"}

// keptFile is the text of a kept seed's file.
func (x *Explorer) keptFile(seed uint64, sig signature, replay string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", keptHeader)
	fmt.Fprintf(&b, "seed: %d\n", seed)
	fmt.Fprintf(&b, "strategy: %s\n", x.getenv("SIM_STRATEGY"))
	fmt.Fprintf(&b, "stream: %d\n", streamVersion())
	fmt.Fprintf(&b, "simgen: %s\n", simgen.Version)
	var env []string
	for _, k := range keptEnv {
		if v := x.getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	fmt.Fprintf(&b, "env: %s\n", strings.Join(env, " "))
	for _, f := range x.build {
		if f == "-race=true" {
			b.WriteString("race: true\n")
		}
	}
	fmt.Fprintf(&b, "signature: %s\n", sig)
	fmt.Fprintf(&b, "replay: %s\n", replay)
	return b.String()
}

// keepSeed writes a failing seed of a package's test under its
// testdata/simgen and returns the file's path.
func (x *Explorer) keepSeed(dir, pkg string, seed uint64, sig signature, replay string) (string, error) {
	if sig.Test == "" || strings.ContainsAny(sig.Test, `/\`) {
		return "", nil
	}
	d := filepath.Join(dir, "testdata", "simgen", sig.Test)
	path := filepath.Join(d, sig.id(pkg))
	text := x.keptFile(seed, sig, replay)
	if old, err := os.ReadFile(path); err == nil {
		// The same failure, kept before: keep the smaller seed.
		if s, ok := keptSeed(string(old)); ok && s <= seed {
			return path, nil
		}
	}
	if err := os.MkdirAll(d, 0o777); err != nil {
		return "", err
	}
	return path, os.WriteFile(path, []byte(text), 0o666)
}

// keptSeed reads the seed of a kept file's text.
func keptSeed(text string) (uint64, bool) {
	for line := range strings.Lines(text) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "seed: "); ok {
			n, err := strconv.ParseUint(v, 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// keepAll keeps the smallest seed of each distinct failure that fails
// alone.
func (c *campaign) keepAll(stdout io.Writer) {
	for _, f := range c.sorted() {
		p := c.pkg(f.Package)
		if p == nil || f.Alone == nil || !*f.Alone {
			continue
		}
		path, err := c.x.keepSeed(p.dir, p.path, f.Seed, f.signature, f.Replay)
		if err != nil {
			fmt.Fprintf(stdout, "simgen: keeping seed %d: %v\n", f.Seed, err)
			continue
		}
		if path != "" {
			f.Kept = filepath.ToSlash(relToCwd(path))
			c.kept = append(c.kept, f.Kept)
		}
	}
}

// keptMarker starts the line simrt prints when a kept seed fails.
const keptMarker = "simrt: kept seed "

// runKept runs each package's kept seeds (SIM_KEPT=only) before the
// exploration, prints the output of those that fail, and returns their
// files. Only the first shard runs them, so that N shards do not run them
// N times.
func (x *Explorer) runKept(pkgs []*pkgRun, stdout io.Writer) []string {
	if x.camp != nil && x.camp.shard.Index != 0 {
		return nil
	}
	var failed []string
	for _, p := range pkgs {
		if p.skip != "" || p.failed != "" || p.bin == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(p.dir, "testdata", "simgen")); err != nil {
			continue
		}
		args := append([]string{"-test.run=" + cmp.Or(x.run, ".")}, x.rerun...)
		args = append(args, x.testFlagsForRerun()...)
		args = append(args, x.args...)
		cmd := exec.Command(p.bin, args...)
		cmd.Dir = p.dir
		cmd.Env = append(os.Environ(), "SIM_KEPT=only", "SIM_SEED=", "SIM_SEEDS=", "SIM_PROGRESS=")
		out, err := cmd.CombinedOutput()
		if err == nil {
			for line := range strings.Lines(string(out)) {
				if strings.Contains(line, keptMarker) && strings.Contains(line, " is stale: ") {
					fmt.Fprintf(stdout, "simgen: %s: %s", p.path, strings.TrimSpace(line)+"\n")
				}
			}
			continue
		}
		stdout.Write(out)
		n := 0
		for line := range strings.Lines(string(out)) {
			i := strings.Index(line, keptMarker)
			if i < 0 {
				continue
			}
			file, rest, _ := strings.Cut(line[i+len(keptMarker):], " ")
			if !strings.HasPrefix(rest, "fails (") {
				continue
			}
			failed = append(failed, filepath.ToSlash(relToCwd(filepath.Join(p.dir, file))))
			n++
		}
		if n == 0 {
			failed = append(failed, filepath.ToSlash(relToCwd(filepath.Join(p.dir, "testdata", "simgen"))))
		}
	}
	return failed
}

func (c *campaign) runKept(stdout io.Writer) []string { return c.x.runKept(c.pkgs, stdout) }

// streamVersion is simrt's decision-stream version, read from the source
// embedded in this binary, so there is one place to bump it.
func streamVersion() int {
	src, err := simgen.Runtime.ReadFile("simrt/kept.go")
	if err != nil {
		return 0
	}
	m := regexp.MustCompile(`(?m)^const streamVersion = (\d+)`).FindSubmatch(src)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}
