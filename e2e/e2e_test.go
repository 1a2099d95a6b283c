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
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
	"simgen.dev/simgen"
	"simgen.dev/simgen/rewrite"
	"simgen.dev/simgen/shadow"
)

var show = flag.Bool("show", false, "log the output of every command of every case")

// cmdTimeout bounds one command of a case: a hang is a failure, not a
// stuck test run.
const cmdTimeout = 3 * time.Minute

// TestCases runs testdata/*.txtar; doc.go describes the want language.
func TestCases(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a module per case")
	}
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no cases in testdata")
	}
	env := baseEnv(t)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			c := newCase(t, ar, env)
			c.run()
		})
	}
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

// mark is a line marked with a `// mark:NAME` comment.
type mark struct {
	file string // slash path relative to the module root
	line int
}

// result is what the last command did.
type result struct {
	cmd  string
	out  string
	code int // exit status; -1 when the command could not run
}

// testCase is the state of one archive's run.
type testCase struct {
	t       *testing.T
	want    []byte
	dir     string // module root
	bins    string // where test binaries go
	overlay string // "" when the rewrite reported errors
	env     []string
	marks   map[string]mark
	diags   []rewrite.Diagnostic
	built   map[string]string // "native", "sim" -> test binary
	last    *result
	lists   map[string][]string
}

var markRE = regexp.MustCompile(`// mark:([A-Za-z0-9_.-]+)`)

func newCase(t *testing.T, ar *txtar.Archive, env []string) *testCase {
	t.Helper()
	c := &testCase{t: t, env: env, marks: map[string]mark{}, built: map[string]string{}, lists: map[string][]string{}}
	c.dir = filepath.Join(realTempDir(t), "x")
	c.bins = realTempDir(t)
	for _, f := range ar.Files {
		if f.Name == "want" {
			c.want = f.Data
			continue
		}
		p := filepath.Join(c.dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			t.Fatal(err)
		}
		data := f.Data
		if f.Name == "go.mod" {
			data = bytes.ReplaceAll(data, []byte("$SIMGEN"), []byte(simgenRoot(t)))
		}
		if err := os.WriteFile(p, data, 0o666); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(f.Name, ".go") {
			continue
		}
		for i, line := range strings.Split(string(f.Data), "\n") {
			for _, m := range markRE.FindAllStringSubmatch(line, -1) {
				if old, dup := c.marks[m[1]]; dup {
					t.Fatalf("mark %s is on %s:%d and %s:%d", m[1], old.file, old.line, f.Name, i+1)
				}
				c.marks[m[1]] = mark{f.Name, i + 1}
			}
		}
	}
	if c.want == nil {
		t.Fatal("archive has no want file")
	}
	c.generate()
	return c
}

// simgenRoot is this repository's root, for `replace simgen.dev/simgen =>
// $SIMGEN` in a case's go.mod (cases that import package sim).
func simgenRoot(t *testing.T) string {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// realTempDir is t.TempDir with symlinks resolved, so that the paths the
// go command prints are the paths the case computes.
func realTempDir(t *testing.T) string {
	d := t.TempDir()
	if r, err := filepath.EvalSymlinks(d); err == nil {
		d = r
	}
	return d
}

// generate is what `simgen -o .simbuild ./...` does, in-process.
func (c *testCase) generate() {
	t := c.t
	t.Helper()
	res, err := rewrite.Run(rewrite.Config{Dir: c.dir, Patterns: []string{"./..."}, Env: append(os.Environ()[:0:0], c.env...)})
	if err != nil {
		t.Fatalf("rewrite: %v", err)
	}
	c.diags = res.Diags
	for _, d := range res.Diags {
		if d.Severity == rewrite.Error {
			return
		}
	}
	if len(res.Files) == 0 {
		t.Fatal("rewrite: no file rewritten")
	}
	sum, err := shadow.Write(shadow.Config{Out: filepath.Join(c.dir, ".simbuild"), Runtime: simgen.Runtime}, res)
	if err != nil {
		t.Fatalf("shadow: %v", err)
	}
	c.overlay = filepath.Join(sum.Dir, "overlay.json")
}

// run interprets the want file.
func (c *testCase) run() {
	t := c.t
	sawDiag := false
	for i, line := range strings.Split(string(c.want), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		where := fmt.Sprintf("want:%d: %s", i+1, line)
		args, err := splitArgs(line)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		neg := false
		if args[0] == "!" {
			neg, args = true, args[1:]
			if len(args) == 0 {
				t.Fatalf("%s: ! needs an assertion", where)
			}
		}
		verb, args := args[0], args[1:]
		if neg && verb != "output" && verb != "contains" {
			t.Fatalf("%s: ! applies to output and contains only", where)
		}
		if verb == "diag" {
			sawDiag = true
			if len(args) != 1 {
				t.Fatalf("%s: usage: diag REGEXP", where)
			}
			c.checkDiag(where, args[0])
			continue
		}
		switch verb {
		case "native", "sim", "go":
			vars, rest := splitVars(args)
			c.last = c.exec(verb, vars, rest)
		case "same":
			vars, rest := splitVars(args)
			n := c.exec("native", vars, rest)
			s := c.exec("sim", vars, rest)
			c.last = s
			switch {
			case n.code != 0:
				t.Errorf("%s: native run failed (status %d):\n%s", where, n.code, n.out)
			case s.code != 0:
				t.Errorf("%s: simulated run failed (status %d):\n%s", where, s.code, s.out)
			case normalize(n.out) != normalize(s.out):
				t.Errorf("%s: outputs differ\n--- native\n%s--- sim\n%s", where, n.out, s.out)
			}
		default:
			c.assert(where, neg, verb, args)
		}
	}
	if !sawDiag {
		for _, d := range c.diags {
			t.Errorf("unexpected diagnostic: %v", d)
		}
	}
}

func (c *testCase) checkDiag(where, re string) {
	rx := c.compile(where, re)
	for _, d := range c.diags {
		if rx.MatchString(d.String()) {
			return
		}
	}
	c.t.Errorf("%s: no diagnostic matches; have:\n%s", where, diagText(c.diags))
}

func diagText(ds []rewrite.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "\t%v\n", d)
	}
	return b.String()
}

func (c *testCase) assert(where string, neg bool, verb string, args []string) {
	t := c.t
	if c.last == nil {
		t.Fatalf("%s: no command ran before this assertion", where)
	}
	r := c.last
	fail := func(format string, a ...any) {
		t.Helper()
		t.Errorf("%s: %s\n--- output of %s (status %d)\n%s", where, fmt.Sprintf(format, a...), r.cmd, r.code, r.out)
	}
	need := func(n int, usage string) {
		if len(args) != n {
			t.Fatalf("%s: usage: %s", where, usage)
		}
	}
	switch verb {
	case "ok":
		need(0, "ok")
		if r.code != 0 {
			fail("want success")
		}
	case "fails":
		need(0, "fails")
		if r.code == 0 {
			fail("want failure")
		} else if r.code < 0 {
			fail("the command did not run to an exit status")
		}
	case "output":
		need(1, "output REGEXP")
		if c.compile(where, args[0]).MatchString(r.out) == neg {
			fail("output %s %s", map[bool]string{false: "does not match", true: "matches"}[neg], c.expand(args, true)[0])
		}
	case "contains":
		need(1, "contains TEXT")
		text := c.expand(args, false)[0]
		if strings.Contains(r.out, text) == neg {
			fail("output %s %q", map[bool]string{false: "does not contain", true: "contains"}[neg], text)
		}
	case "capture":
		need(2, "capture LIST REGEXP")
		m := c.compile(where, args[1]).FindStringSubmatch(r.out)
		if len(m) < 2 {
			fail("no match with a group")
			return
		}
		c.lists[args[0]] = append(c.lists[args[0]], m[1])
	case "distinct":
		need(3, "distinct LIST OP N")
		n, err := strconv.Atoi(args[2])
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		list := c.lists[args[0]]
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
			t.Fatalf("%s: unknown operator %s", where, args[1])
		}
		if !good {
			t.Errorf("%s: %d distinct values in %q", where, len(seen), list)
		}
	default:
		t.Fatalf("%s: unknown directive %s", where, verb)
	}
}

func (c *testCase) compile(where, re string) *regexp.Regexp {
	rx, err := regexp.Compile(c.expand([]string{re}, true)[0])
	if err != nil {
		c.t.Fatalf("%s: %v", where, err)
	}
	return rx
}

var refRE = regexp.MustCompile(`\{(@?[A-Za-z0-9_-]+)(\.line|\.path)?\}`)

// expand substitutes marks and $OVERLAY, quoting them for a regexp when
// quote is set.
func (c *testCase) expand(args []string, quote bool) []string {
	out := make([]string, len(args))
	for i, a := range args {
		a = refRE.ReplaceAllStringFunc(a, func(s string) string {
			m := refRE.FindStringSubmatch(s)
			if list, ok := strings.CutPrefix(m[1], "@"); ok && m[2] == "" {
				vs := c.lists[list]
				if len(vs) == 0 {
					c.t.Fatalf("%s: nothing captured in %s", s, list)
				}
				if quote {
					return regexp.QuoteMeta(vs[len(vs)-1])
				}
				return vs[len(vs)-1]
			}
			mk, ok := c.marks[m[1]]
			if !ok {
				c.t.Fatalf("no // mark:%s in the case's sources", m[1])
			}
			var v string
			switch m[2] {
			case ".line":
				v = strconv.Itoa(mk.line)
			case ".path":
				v = fmt.Sprintf("%s:%d", filepath.Join(c.dir, filepath.FromSlash(mk.file)), mk.line)
			default:
				v = fmt.Sprintf("%s:%d", filepath.Base(mk.file), mk.line)
			}
			if quote {
				v = regexp.QuoteMeta(v)
			}
			return v
		})
		ov := c.overlay
		if quote {
			ov = regexp.QuoteMeta(ov)
		}
		out[i] = strings.ReplaceAll(a, "$OVERLAY", ov)
	}
	return out
}

// exec runs a command of the want file.
func (c *testCase) exec(verb string, vars, args []string) *result {
	c.t.Helper()
	vars, args = c.expand(vars, false), c.expand(args, false)
	raw := strings.Join(append(append(vars[:len(vars):len(vars)], verb), args...), " ")
	var name string
	var argv []string
	if c.overlay == "" && (verb != "go" || slices.ContainsFunc(args, func(a string) bool { return strings.Contains(a, "$OVERLAY") })) {
		c.t.Fatalf("%s needs the shadow tree, but the rewrite reported errors:\n%s", verb, diagText(c.diags))
	}
	switch verb {
	case "go":
		name, argv = "go", args
	default:
		name = c.testBinary(verb)
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
		c.t.Logf("$ %s (status %d)\n%s", raw, r.code, r.out)
	}
	return r
}

// testBinary builds the case's test binary for mode once.
func (c *testCase) testBinary(mode string) string {
	c.t.Helper()
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
		c.t.Fatalf("go %s: status %d\n%s", strings.Join(args, " "), r.code, r.out)
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

// splitArgs splits a line at spaces; single quotes group.
func splitArgs(line string) ([]string, error) {
	var args []string
	var cur strings.Builder
	in, have := false, false
	for _, r := range line {
		switch {
		case r == '\'':
			in, have = !in, true
		case !in && (r == ' ' || r == '\t'):
			if have {
				args = append(args, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if in {
		return nil, errors.New("unterminated quote")
	}
	if have {
		args = append(args, cur.String())
	}
	return args, nil
}

var durationRE = regexp.MustCompile(`\(\d+(\.\d+)?s\)`)

// normalize drops what legitimately differs between two runs of the same
// test: durations.
func normalize(s string) string {
	return durationRE.ReplaceAllString(s, "(X)")
}
