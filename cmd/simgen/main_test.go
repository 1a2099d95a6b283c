package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"simgen.dev/simgen"
	"simgen.dev/simgen/internal/explore"
	"simgen.dev/simgen/simrt/replay"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"simgen": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs testdata/script/*.txtar. The go command in them works
// offline on the caches of the user running the tests.
func TestScripts(t *testing.T) {
	out, err := exec.Command("go", "env", "GOCACHE", "GOPATH", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	goenv := strings.Fields(string(out))
	if len(goenv) != 3 {
		t.Fatalf("go env printed %q", out)
	}
	simgenRoot, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	setenv := func(e *testscript.Env) {
		e.Setenv("HOME", os.Getenv("HOME"))
		e.Setenv("GOCACHE", goenv[0])
		e.Setenv("GOPATH", goenv[1])
		e.Setenv("GOMODCACHE", goenv[2])
		e.Setenv("GOFLAGS", "-mod=mod")
		e.Setenv("GOWORK", "off")
		e.Setenv("GOPROXY", "off")
		e.Setenv("GOTOOLCHAIN", "local")
		// The repository's root, for a script's module that imports package
		// sim: replace simgen.dev/simgen => $SIMGEN_ROOT.
		e.Setenv("SIMGEN_ROOT", simgenRoot)
	}
	cmds := map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"status":    cmdStatus,
		"replay":    cmdReplay,
		"cmpreport": cmdCmpReport,
	}
	t.Run("script", func(t *testing.T) {
		testscript.Run(t, testscript.Params{
			Dir:                 "testdata/script",
			RequireExplicitExec: true,
			Setup:               func(e *testscript.Env) error { setenv(e); return nil },
			Cmds:                cmds,
		})
	})
	// The scripts in testdata/example run on a copy of the module the
	// README points at, so the README's promise is tested as written.
	// examples/kv requires porcupine: fetch it now, with the user's own
	// settings, since the scripts run with GOPROXY=off.
	kvDir, err := filepath.Abs("../../examples/kv")
	if err != nil {
		t.Fatal(err)
	}
	download := exec.Command("go", "mod", "download", "github.com/anishathalye/porcupine")
	download.Dir = kvDir
	if out, err := download.CombinedOutput(); err != nil {
		t.Fatalf("go mod download in examples/kv: %v\n%s", err, out)
	}
	t.Run("example", func(t *testing.T) {
		testscript.Run(t, testscript.Params{
			Dir:                 "testdata/example",
			RequireExplicitExec: true,
			Setup: func(e *testscript.Env) error {
				setenv(e)
				for _, dst := range []string{filepath.Join(e.WorkDir, "bank"), filepath.Join(e.WorkDir, "orig")} {
					if err := os.CopyFS(dst, os.DirFS("../../examples/bank")); err != nil {
						return err
					}
				}
				return copyKV(kvDir, filepath.Join(e.WorkDir, "kv"))
			},
			Cmds: cmds,
		})
	})
}

// copyKV copies examples/kv to dst, pointing its replace of simgen.dev/simgen
// at this repository.
func copyKV(src, dst string) error {
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		return err
	}
	os.RemoveAll(filepath.Join(dst, ".simbuild"))
	gomod := filepath.Join(dst, "go.mod")
	data, err := os.ReadFile(gomod)
	if err != nil {
		return err
	}
	root := filepath.Dir(filepath.Dir(src))
	data = bytes.ReplaceAll(data, []byte("=> ../.."), []byte("=> "+root))
	return os.WriteFile(gomod, data, 0o644)
}

// cmdReplay is `replay [n]`: run the replay line that the last command's
// output ends with (or its n-th, from 1) (simgen: replay with: SIM_SEED=N go test ...) in sh, as a user
// would paste it, with no SIM_* variable of the script's environment: the
// line must carry every setting the failure needs. Its output is the
// command's stdout and stderr.
func cmdReplay(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) > 1 {
		ts.Fatalf("usage: replay [n]")
	}
	out := ts.ReadFile("stdout") + ts.ReadFile("stderr")
	m := replayLine.FindAllStringSubmatch(out, -1)
	if m == nil {
		ts.Fatalf("no replay line in the last command's output")
	}
	line := m[len(m)-1][1]
	if len(args) == 1 {
		n, err := strconv.Atoi(args[0])
		if err != nil || n < 1 || n > len(m) {
			ts.Fatalf("replay %s: the output has %d replay lines", args[0], len(m))
		}
		line = m[n-1][1]
	}
	unset := "unset SIM_SEED SIM_SEEDS " + strings.Join(replay.Settings, " ")
	err := ts.Exec("sh", "-c", unset+"; "+line)
	if err != nil && !neg {
		ts.Fatalf("%v", err)
	}
	if err == nil && neg {
		ts.Fatalf("the replay passed")
	}
}

var replayLine = regexp.MustCompile(`(?m)replay with: (SIM_SEED=\d+ .*go (?:test|run) .*)$`)

// cmdCmpReport is `cmpreport a b`: two campaign reports are the same but
// for their last line (wall time and rate) and the tests' durations.
func cmdCmpReport(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: cmpreport a b")
	}
	norm := func(name string) string {
		text := ts.ReadFile(name)
		lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
		return testDuration.ReplaceAllString(strings.Join(lines[:len(lines)-1], "\n"), "(X)")
	}
	if a, b := norm(args[0]), norm(args[1]); a != b {
		ts.Fatalf("%s and %s differ:\n%s\n---\n%s", args[0], args[1], a, b)
	}
}

var testDuration = regexp.MustCompile(`\(\d+\.\d+s\)`)

// cmdStatus is `status N prog args...`: run prog and require exit status N,
// which `! exec` cannot tell apart (usage errors must exit 2, failures 1).
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status N prog [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("status: %v", err)
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("%v", err)
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

func TestParseTestArgs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args     []string
		out      string
		tags     string
		strict   bool
		rest     []string
		pkgs     []string
		errMatch string
	}{
		{args: nil, out: ".simbuild"},
		{
			args: []string{"-o", "/tmp/x", "-run", "TestA", "-tags=foo,bar", "-v", "./bank", "-count", "3", "./other/..."},
			out:  "/tmp/x", tags: "foo,bar",
			rest: []string{"-run", "TestA", "-v", "./bank", "-count", "3", "./other/..."},
			pkgs: []string{"./bank", "./other/..."},
		},
		{
			args: []string{"--o=d", "-strict", "-test.run=X", "-timeout", "1m", "p", "-args", "-o", "q"},
			out:  "d", strict: true,
			rest: []string{"-test.run=X", "-timeout", "1m", "p", "-args", "-o", "q"},
			pkgs: []string{"p"},
		},
		{args: []string{"-overlay", "x.json"}, errMatch: "sets -overlay itself"},
		{args: []string{"-tags"}, errMatch: "flag needs an argument"},
		{args: []string{"-o="}, errMatch: "-o needs a directory"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			o, rest, err := parseTestArgs(tc.args)
			if tc.errMatch != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errMatch) || !errors.Is(err, errUsage) {
					t.Fatalf("error = %v, want a usage error containing %q", err, tc.errMatch)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o.out != tc.out || o.tags != tc.tags || o.strict != tc.strict {
				t.Errorf("options = %+v", o)
			}
			if !reflect.DeepEqual(rest, tc.rest) {
				t.Errorf("rest = %q, want %q", rest, tc.rest)
			}
			if pkgs := explore.TestPackages(rest); !reflect.DeepEqual(pkgs, tc.pkgs) {
				t.Errorf("packages = %q, want %q", pkgs, tc.pkgs)
			}
		})
	}
}

// TestUsageErrors checks the exit status of command lines that must fail
// before anything is loaded.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-nosuchflag"},
		{"-o"},
		{"-o", ""},
		{"version", "extra"},
		{"test", "-overlay=x"},
		{"test", "-o"},
		{"-C"},
		{"-C="},
		{"-v", "-C", "."},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, nil, &stdout, &stderr); code != 2 {
			t.Errorf("simgen %q exited %d, want 2", args, code)
		}
		if !strings.Contains(stderr.String(), "usage: simgen") || stdout.Len() != 0 {
			t.Errorf("simgen %q: stdout %q, stderr %q", args, stdout.String(), stderr.String())
		}
	}
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}, {"test", "-h"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, nil, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "Examples:") {
			t.Errorf("simgen %q exited %d with %q", args, code, stdout.String())
		}
	}
	var stdout bytes.Buffer
	if code := run([]string{"-version"}, nil, &stdout, &stdout); code != 0 || stdout.String() != fmt.Sprintf("simgen %s\n", simgen.Version) {
		t.Errorf("simgen -version exited %d with %q", code, stdout.String())
	}
}

// TestExploreFlags checks that simgen test takes its exploration flags out
// of go test's arguments, wherever they stand, and refuses bad values.
func TestExploreFlags(t *testing.T) {
	t.Parallel()
	o, rest, err := parseTestArgs([]string{"-seeds", "500", "-run", "TestA", "-parallel=3", "-tags", "x", "-budget", "1m30s",
		"-keep=false", "./a", "-args", "-seeds", "1"})
	if err != nil {
		t.Fatal(err)
	}
	want := explore.Options{Seeds: 500, Parallel: 3, Budget: 90 * time.Second}
	if o.explore != want || o.buildTags() != "sim,x" {
		t.Errorf("options %+v, tags %q; want %+v, sim,x", o.explore, o.buildTags(), want)
	}
	if want := []string{"-run", "TestA", "./a", "-args", "-seeds", "1"}; !reflect.DeepEqual(rest, want) {
		t.Errorf("rest = %q, want %q", rest, want)
	}
	if o, _, err := parseTestArgs([]string{"-seeds=5", "-shard", "1/4", "-json", "r.json"}); err != nil || o.explore.ShardK != 1 || o.explore.ShardN != 4 || o.explore.JSON != "r.json" {
		t.Errorf("-shard 1/4 -json r.json: options %+v, error %v", o.explore, err)
	}
	for _, tc := range []struct {
		args  []string
		match string
	}{
		{[]string{"-seeds", "0"}, "-seeds=0: want a positive integer"},
		{[]string{"-seeds", "x"}, "want a positive integer"},
		{[]string{"-seeds"}, "flag needs an argument"},
		{[]string{"-parallel=-1", "-seeds=1"}, "-parallel=-1"},
		{[]string{"-budget", "soon"}, "want a positive duration"},
		{[]string{"-budget", "-1s"}, "want a positive duration"},
		{[]string{"-seeds=1", "-shard", "4/4"}, "want K/N with 0 <= K < N"},
		{[]string{"-seeds=1", "-json", "."}, "want a file for the results, not a directory"},
	} {
		_, _, err := parseTestArgs(tc.args)
		if err == nil || !errors.Is(err, errUsage) || !strings.Contains(err.Error(), tc.match) {
			t.Errorf("%q: error %v, want a usage error containing %q", tc.args, err, tc.match)
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

func TestTraceUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"trace", "-run", "X"},
		{"trace", "-seed", "1"},
		{"trace", "-seed", "x", "-run", "X"},
		{"trace", "-seed", "1", "-run", "X", "a", "b"},
		{"trace", "-seed", "1", "-run", "X", "-nosuch"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, nil, &stdout, &stderr); code != 2 {
			t.Errorf("simgen %q exited %d, want 2 (stderr %q)", args, code, stderr.String())
		}
	}
}
