package explore

// This file lists the packages to explore, builds their test binaries
// once each, and asks each binary for its tests.

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

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

// list runs go list on the patterns and returns the packages, in order.
func (x *Explorer) list(overlay string, stderr io.Writer) ([]*pkgRun, error) {
	args := []string{"list", "-tags", x.tags, "-overlay", overlay}
	args = append(args, x.build...)
	args = append(args, "-f", "{{.ImportPath}}\t{{.Dir}}\t{{len .TestGoFiles}}\t{{len .XTestGoFiles}}")
	args = append(args, x.patterns...)
	cmd := exec.Command("go", args...)
	cmd.Stderr = stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, ExitError(1)
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
func (x *Explorer) buildAll(pkgs []*pkgRun, overlay, tmp string, stderr io.Writer) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, min(x.opts.Parallel, 4))
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
func (x *Explorer) listTests(p *pkgRun) {
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
