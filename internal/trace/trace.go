// Package trace is simgen trace's run and page: it runs the tests of one
// package that match a -run pattern once, under one seed, with
// SIM_TRACE=json, and writes a self-contained HTML page of the run's
// timeline: goroutines as lanes over the steps, what each waited on, who
// woke whom, the virtual clock, and the failure with its report.
// cmd/simgen parses simgen trace's flags, writes the shadow tree and calls
// Run.
//
// The files:
//
//	trace.go     Options and Run: the go test run, its environment and
//	             its replay line (built by simrt/replay)
//	page.go      the SIM_TRACE=json stream read into the run to show, and
//	             the page rendered from it
//	tracehtml/   the page's template, style and script, embedded
package trace

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"simgen.dev/simgen/simrt/replay"
)

// Options say what to trace.
type Options struct {
	Tags     string // the build tags: sim, then the user's
	Overlay  string // the shadow tree's overlay.json
	Seed     string // the seed, a non-negative integer
	Schedule string // a schedule of simgen test -exhaustive (SIM_SCHEDULE); "" for none
	Run      string // go test's -run pattern
	Package  string // the package, as go test takes it
	Out      string // the page's file
}

// Run runs the traced test and writes the page, then prints its path and
// what the run did on stdout; the test's own output goes to stderr. failed
// says that the test failed: the page is written all the same.
func Run(o Options, stdout, stderr io.Writer) (failed bool, err error) {
	tmp, err := os.MkdirTemp("", "simgen-trace-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp)
	events := filepath.Join(tmp, "events.jsonl")
	// The test's own output (its failure, the report) goes to stderr: it is
	// what the page shows, and stdout is left for the page's path.
	cmd := exec.Command("go", "test", "-tags", o.Tags, "-overlay", o.Overlay, "-count=1", "-run", o.Run, o.Package)
	var output bytes.Buffer
	tee := io.MultiWriter(stderr, &output)
	cmd.Stdout, cmd.Stderr = tee, tee
	cmd.Env = traceEnv(os.Environ(), o.Seed, events)
	if o.Schedule != "" {
		cmd.Env = append(cmd.Env, "SIM_SCHEDULE="+o.Schedule)
	}
	env := envLookup(cmd.Env)
	runErr := cmd.Run()
	var ee *exec.ExitError
	if runErr != nil && !errors.As(runErr, &ee) {
		return false, runErr
	}
	f, err := os.Open(events)
	if errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("no simulated test ran: does -run %q match a test of %s, and does it build?", o.Run, o.Package)
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	r, err := readTraceRun(f)
	if err != nil {
		return false, err
	}
	r.Package = o.Package
	// The test's own messages (t.Errorf's "balance went negative") are
	// written by package testing, not by simrt: the page shows them from
	// the go test output.
	r.Output = output.String()
	if len(r.Output) > maxTraceOutput {
		r.Output = "...\n" + r.Output[len(r.Output)-maxTraceOutput:]
	}
	n, _ := strconv.ParseUint(o.Seed, 10, 64)
	r.Replay = replay.Line{Seed: n, Getenv: env, Tags: o.Tags, Overlay: relOverlay(o.Overlay), Run: o.Run, Package: o.Package}.String()
	var page bytes.Buffer
	if err := renderTrace(&page, r); err != nil {
		return false, err
	}
	if err := os.WriteFile(o.Out, page.Bytes(), 0o666); err != nil {
		return false, err
	}
	outcome := "passed"
	if r.Failure != nil {
		outcome = r.Failure.Kind
	}
	fmt.Fprintf(stdout, "simgen: wrote %s (%s seed %d: %d goroutines, %d events, %s)\n",
		o.Out, r.Test, r.Seed, len(r.goroutines()), len(r.Events), outcome)
	return r.Failure != nil || runErr != nil, nil
}

// traceEnv is the environment of the traced test: the seed, the trace file,
// one run of it (no SIM_SEEDS, no determinism check running it twice).
func traceEnv(env []string, seed, events string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "SIM_SEED", "SIM_SEEDS", "SIM_TRACE", "SIM_CHECK_DETERMINISM":
			continue
		}
		out = append(out, kv)
	}
	return append(out, "SIM_SEED="+seed, "SIM_TRACE=json:"+events)
}

// envLookup is a getenv over the environment env, the last entry of a
// name winning, as in exec.Cmd.
func envLookup(env []string) func(string) string {
	m := make(map[string]string)
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return func(k string) string { return m[k] }
}

// relOverlay shortens the overlay path for the replay line.
func relOverlay(p string) string {
	if wd, err := os.Getwd(); err == nil {
		return relTo(wd, p)
	}
	return p
}

// relTo shortens p to a path relative to dir when it lies below dir, as the
// go command prints positions.
func relTo(dir, p string) string {
	if rel, err := filepath.Rel(dir, p); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return p
}
