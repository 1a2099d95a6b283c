package e2e

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"simgen.dev/simgen"
	"simgen.dev/simgen/rewrite"
	"simgen.dev/simgen/shadow"
)

var show = flag.Bool("show", false, "log the output of every command of every case")

// cmdTimeout bounds one command of a case: a hang is a failure, not a
// stuck test run.
const cmdTimeout = 3 * time.Minute

// TestCases runs the testscript cases of testdata/*.txtar; doc.go
// describes their commands.
func TestCases(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a module per case")
	}
	env := baseEnv(t)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		RequireExplicitExec: true,
		Setup:               func(e *testscript.Env) error { return setup(e, env) },
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"native":   cmdRun("native"),
			"sim":      cmdRun("sim"),
			"go":       cmdRun("go"),
			"same":     cmdSame,
			"capture":  cmdCapture,
			"distinct": cmdDistinct,
			"diag":     cmdDiag,
		},
	})
}

var (
	goEnvOnce sync.Once
	goEnv     []string
	goEnvErr  error
)

// baseEnv is the environment of every go command and test binary: offline,
// outside any workspace, on the caller's caches, and without the caller's
// SIM_* settings.
func baseEnv(t *testing.T) []string {
	t.Helper()
	goEnvOnce.Do(func() {
		out, err := exec.Command("go", "env", "GOCACHE", "GOPATH", "GOMODCACHE").Output()
		if err != nil {
			goEnvErr = fmt.Errorf("go env: %v", err)
			return
		}
		v := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
		if len(v) != 3 {
			goEnvErr = fmt.Errorf("go env printed %q", out)
			return
		}
		goEnv = []string{
			"PATH=" + os.Getenv("PATH"),
			"HOME=" + os.Getenv("HOME"),
			"GOCACHE=" + v[0],
			"GOPATH=" + v[1],
			"GOMODCACHE=" + v[2],
			"GOFLAGS=-mod=mod",
			"GOWORK=off",
			"GOPROXY=off",
			"GOSUMDB=off",
			"GOTOOLCHAIN=local",
		}
		if d := os.Getenv("TMPDIR"); d != "" {
			goEnv = append(goEnv, "TMPDIR="+d)
		}
	})
	if goEnvErr != nil {
		t.Fatal(goEnvErr)
	}
	return goEnv
}

// caseKey finds a case's state among a script's values.
type caseKey struct{}

// testCase is the state of one script's run.
type testCase struct {
	dir     string // module root
	bins    string // where test binaries go
	overlay string // "" when the rewrite reported errors
	env     []string
	diags   []rewrite.Diagnostic
	sawDiag bool              // the script checked diagnostics itself
	built   map[string]string // "native", "sim" -> test binary
	lists   map[string][]string
}

var markRE = regexp.MustCompile(`// mark:([A-Za-z0-9_.-]+)`)

// setup prepares a case: $SIMGEN in go.mod, the marks as variables, and the
// shadow tree, as `simgen -o .simbuild ./...` writes it.
func setup(e *testscript.Env, env []string) error {
	dir, err := filepath.EvalSymlinks(e.WorkDir)
	if err != nil {
		return err
	}
	bins, err := os.MkdirTemp("", "e2e-bin")
	if err != nil {
		return err
	}
	e.Defer(func() { os.RemoveAll(bins) })
	c := &testCase{dir: dir, bins: bins, env: env, built: map[string]string{}, lists: map[string][]string{}}
	e.Values[caseKey{}] = c
	if err := c.fixGoMod(); err != nil {
		return err
	}
	if err := c.download(); err != nil {
		return err
	}
	if err := c.setMarks(e); err != nil {
		return err
	}
	if err := c.generate(); err != nil {
		return err
	}
	e.Setenv("OVERLAY", c.overlay)
	t := e.T()
	e.Defer(func() {
		if !c.sawDiag && len(c.diags) > 0 {
			t.Fatal("unexpected diagnostics (a case that expects them checks them with diag):\n" + diagText(c.diags))
		}
	})
	return nil
}

// fixGoMod names this repository's root for `replace simgen.dev/simgen =>
// $SIMGEN` in a case's go.mod (cases that import package sim).
func (c *testCase) fixGoMod() error {
	p := filepath.Join(c.dir, "go.mod")
	data, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	root, err := filepath.Abs("..")
	if err != nil {
		return err
	}
	return os.WriteFile(p, bytes.ReplaceAll(data, []byte("$SIMGEN"), []byte(root)), 0o666)
}

// download fetches the modules a case's go.mod requires, with the
// caller's own settings (GOPROXY and the rest), since every command of the
// case runs offline: a fresh machine has none of them in its module cache.
// A case that requires nothing outside this repository skips it.
func (c *testCase) download() error {
	data, err := os.ReadFile(filepath.Join(c.dir, "go.mod"))
	if err != nil {
		return err
	}
	if !regexp.MustCompile(`(?m)^require\s`).Match(data) {
		return nil
	}
	cmd := exec.Command("go", "mod", "download")
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go mod download: %v\n%s", err, out)
	}
	return nil
}

// setMarks turns each `// mark:NAME` comment of the case's Go files into
// the variables mark_NAME (file.go:LINE), mark_NAME_line (LINE) and
// mark_NAME_path (/abs/file.go:LINE); a dot or dash in NAME becomes _.
func (c *testCase) setMarks(e *testscript.Env) error {
	seen := map[string]string{}
	return filepath.WalkDir(c.dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(c.dir, path)
		for i, line := range strings.Split(string(data), "\n") {
			for _, m := range markRE.FindAllStringSubmatch(line, -1) {
				at := fmt.Sprintf("%s:%d", rel, i+1)
				if old, dup := seen[m[1]]; dup {
					return fmt.Errorf("mark %s is on %s and %s", m[1], old, at)
				}
				seen[m[1]] = at
				name := "mark_" + strings.NewReplacer(".", "_", "-", "_").Replace(m[1])
				e.Setenv(name, fmt.Sprintf("%s:%d", filepath.Base(path), i+1))
				e.Setenv(name+"_line", strconv.Itoa(i+1))
				e.Setenv(name+"_path", fmt.Sprintf("%s:%d", path, i+1))
			}
		}
		return nil
	})
}

// generate is what `simgen -o .simbuild ./...` does, in-process.
func (c *testCase) generate() error {
	res, err := rewrite.Run(rewrite.Config{Dir: c.dir, Patterns: []string{"./..."}, Env: append(os.Environ()[:0:0], c.env...)})
	if err != nil {
		return fmt.Errorf("rewrite: %w", err)
	}
	c.diags = res.Diags
	for _, d := range res.Diags {
		if d.Severity == rewrite.Error {
			return nil
		}
	}
	if len(res.Files()) == 0 {
		return errors.New("rewrite: no file rewritten")
	}
	sum, err := shadow.Write(shadow.Config{Out: filepath.Join(c.dir, ".simbuild"), Runtime: simgen.Runtime}, res)
	if err != nil {
		return fmt.Errorf("shadow: %w", err)
	}
	c.overlay = filepath.Join(sum.Dir, "overlay.json")
	return nil
}

func caseOf(ts *testscript.TestScript) *testCase { return ts.Value(caseKey{}).(*testCase) }

// cmdRun returns the command native, sim or go: [VAR=value...] args. It
// writes the command's standard output and standard error, together, to
// the script's stdout, for stdout and capture to check.
func cmdRun(verb string) func(ts *testscript.TestScript, neg bool, args []string) {
	return func(ts *testscript.TestScript, neg bool, args []string) {
		c := caseOf(ts)
		vars, rest := splitVars(args)
		r := c.exec(ts, verb, vars, rest)
		fmt.Fprint(ts.Stdout(), r.out)
		switch {
		case r.code < 0:
			ts.Fatalf("%s did not run to an exit status", r.cmd)
		case neg && r.code == 0:
			ts.Fatalf("%s succeeded; want failure", r.cmd)
		case !neg && r.code != 0:
			ts.Fatalf("%s failed with status %d", r.cmd, r.code)
		}
	}
}

// cmdSame runs native, then sim; both must succeed with the same output,
// test durations such as (0.01s) aside. Its stdout is the simulated run's.
func cmdSame(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("same does not take !")
	}
	c := caseOf(ts)
	vars, rest := splitVars(args)
	n := c.exec(ts, "native", vars, rest)
	s := c.exec(ts, "sim", vars, rest)
	fmt.Fprint(ts.Stdout(), s.out)
	switch {
	case n.code != 0:
		ts.Fatalf("native run failed (status %d):\n%s", n.code, n.out)
	case s.code != 0:
		ts.Fatalf("simulated run failed (status %d):\n%s", s.code, s.out)
	case normalize(n.out) != normalize(s.out):
		ts.Fatalf("outputs differ\n--- native\n%s--- sim\n%s", n.out, s.out)
	}
}

// cmdCapture LIST REGEXP appends the first group of REGEXP's match in the
// last command's output to LIST, and sets capture_LIST to it.
func cmdCapture(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: capture LIST REGEXP")
	}
	c := caseOf(ts)
	rx, err := regexp.Compile(args[1])
	ts.Check(err)
	m := rx.FindStringSubmatch(ts.ReadFile("stdout"))
	if len(m) < 2 {
		ts.Fatalf("capture: no match of %q with a group in the last output", args[1])
	}
	c.lists[args[0]] = append(c.lists[args[0]], m[1])
	ts.Setenv("capture_"+args[0], m[1])
}

// cmdDistinct LIST OP N: LIST holds ==, >= or <= N distinct values.
func cmdDistinct(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: distinct LIST OP N")
	}
	n, err := strconv.Atoi(args[2])
	ts.Check(err)
	list := caseOf(ts).lists[args[0]]
	seen := map[string]bool{}
	for _, v := range list {
		seen[v] = true
	}
	var good bool
	switch args[1] {
	case "==":
		good = len(seen) == n
	case ">=":
		good = len(seen) >= n
	case "<=":
		good = len(seen) <= n
	default:
		ts.Fatalf("distinct: unknown operator %s", args[1])
	}
	if !good {
		ts.Fatalf("distinct: %d distinct values in %q", len(seen), list)
	}
}

// cmdDiag REGEXP: a diagnostic of the rewrite matches. A case with error
// diagnostics writes no shadow tree; one without diag may have none.
func cmdDiag(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: diag REGEXP")
	}
	c := caseOf(ts)
	c.sawDiag = true
	rx, err := regexp.Compile(args[0])
	ts.Check(err)
	found := false
	for _, d := range c.diags {
		found = found || rx.MatchString(d.String())
	}
	if found == neg {
		ts.Fatalf("diag %s: have:\n%s", args[0], diagText(c.diags))
	}
}

func diagText(ds []rewrite.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "\t%v\n", d)
	}
	return b.String()
}

// result is what a command did.
type result struct {
	cmd  string
	out  string
	code int // exit status; -1 when the command could not run
}

// exec runs native, sim (the case's test binary; go test flags become
// -test.* flags) or go.
func (c *testCase) exec(ts *testscript.TestScript, verb string, vars, args []string) *result {
	raw := strings.Join(append(append(vars[:len(vars):len(vars)], verb), args...), " ")
	if c.overlay == "" && verb != "go" {
		ts.Fatalf("%s needs the shadow tree, but the rewrite reported errors:\n%s", verb, diagText(c.diags))
	}
	var name string
	var argv []string
	switch verb {
	case "go":
		name, argv = "go", args
	default:
		name = c.testBinary(ts, verb)
		for _, a := range args {
			if strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "-test.") {
				a = "-test." + strings.TrimLeft(a, "-")
			}
			argv = append(argv, a)
		}
	}
	r := c.command(vars, name, argv...)
	r.cmd = raw
	if *show {
		ts.Logf("$ %s (status %d)\n%s", raw, r.code, r.out)
	}
	return r
}

// testBinary builds the case's test binary for mode once.
func (c *testCase) testBinary(ts *testscript.TestScript, mode string) string {
	if bin, ok := c.built[mode]; ok {
		return bin
	}
	bin := filepath.Join(c.bins, mode+".test")
	args := []string{"test", "-c", "-o", bin}
	if mode == "sim" {
		args = append(args, "-tags", "sim", "-overlay", c.overlay)
	}
	r := c.command(nil, "go", append(args, ".")...)
	if r.code != 0 {
		ts.Fatalf("go %s: status %d\n%s", strings.Join(args, " "), r.code, r.out)
	}
	c.built[mode] = bin
	return bin
}

func (c *testCase) command(vars []string, name string, args ...string) *result {
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = c.dir
	cmd.Env = append(append(os.Environ()[:0:0], c.env...), vars...)
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	r := &result{out: out.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		r.code = -1
		r.out += fmt.Sprintf("\n[killed after %v]\n", cmdTimeout)
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		r.code = -1
		r.out += "\n[" + err.Error() + "]\n"
	}
	return r
}

// splitVars takes the leading VAR=value words off args.
func splitVars(args []string) (vars, rest []string) {
	for i, a := range args {
		if k, _, ok := strings.Cut(a, "="); !ok || k == "" || strings.HasPrefix(k, "-") || strings.ToUpper(k) != k {
			return args[:i:i], args[i:]
		}
	}
	return args, nil
}

var durationRE = regexp.MustCompile(`\(\d+(\.\d+)?s\)`)

// normalize drops what legitimately differs between two runs of the same
// test: durations.
func normalize(s string) string {
	return durationRE.ReplaceAllString(s, "(X)")
}
