package main

// This file is simgen trace: generate the shadow tree, run one test once
// under one seed with SIM_TRACE=json:FILE, and render the events as one
// self-contained HTML page (inline CSS and script from tracehtml/, the
// events as JSON in the page; nothing is fetched from the network).

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"

	"simgen.dev/simgen/simrt/replay"
)

var (
	//go:embed tracehtml/trace.html.tmpl
	traceTemplate string
	//go:embed tracehtml/trace.css
	traceCSS string
	//go:embed tracehtml/trace.js
	traceJS string
)

// maxTraceEvents bounds the events a page shows: a run that long fails at
// its end, so the page keeps the last ones.
const maxTraceEvents = 20000

// maxTraceOutput bounds the test output a page shows (its end is kept).
const maxTraceOutput = 64 << 10

// traceUsage is simgen trace's usage line.
const traceUsage = "simgen trace [-o dir] [-tags list] -seed N [-schedule S] -run regexp [-out file.html] [package]"

// traceArgs are simgen trace's arguments.
type traceArgs struct {
	o                 options
	seed, runPat, out string
	schedule          string // -schedule: a schedule of simgen test -exhaustive (SIM_SCHEDULE)
	pkgs              []string
}

// parseTraceArgs parses simgen trace's flags, which may follow the
// package, as in go test.
func parseTraceArgs(args []string) (traceArgs, error) {
	a := traceArgs{o: options{out: ".simbuild"}}
	fs := flag.NewFlagSet("simgen trace", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&a.o.out, "o", ".simbuild", "Write the shadow tree to `dir`.")
	fs.StringVar(&a.o.tags, "tags", "", "Also satisfy the build tags in the comma-separated `list`.")
	fs.StringVar(&a.seed, "seed", "", "Run under seed `N` (required).")
	fs.StringVar(&a.schedule, "schedule", "", "Replay the schedule `S` that simgen test -exhaustive printed (SIM_SCHEDULE=S); -seed is then 1 unless given.")
	fs.StringVar(&a.runPat, "run", "", "Run the test matching `regexp`, as go test -run (required).")
	fs.StringVar(&a.out, "out", "trace.html", "Write the page to `file`.")
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return a, err
			}
			return a, fmt.Errorf("%w: %v", errUsage, err)
		}
		if fs.NArg() == 0 {
			break
		}
		a.pkgs = append(a.pkgs, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if a.seed == "" && a.schedule != "" {
		a.seed = "1" // the seed of simgen test -exhaustive
	}
	switch {
	case a.seed == "":
		return a, fmt.Errorf("%w: simgen trace needs -seed N\nusage: %s", errUsage, traceUsage)
	case a.runPat == "":
		return a, fmt.Errorf("%w: simgen trace needs -run with the test to trace\nusage: %s", errUsage, traceUsage)
	case len(a.pkgs) > 1:
		return a, fmt.Errorf("%w: simgen trace traces one package, not %d", errUsage, len(a.pkgs))
	case a.o.out == "":
		return a, fmt.Errorf("%w: -o needs a directory", errUsage)
	case a.out == "":
		return a, fmt.Errorf("%w: -out needs a file", errUsage)
	}
	if _, err := strconv.ParseUint(a.seed, 10, 64); err != nil {
		return a, fmt.Errorf("%w: -seed %q: want a non-negative integer", errUsage, a.seed)
	}
	return a, nil
}

// runTrace is simgen trace.
func runTrace(args []string, stdout, stderr io.Writer) error {
	a, err := parseTraceArgs(args)
	if err != nil {
		return err
	}
	o, seed, runPat, out, pkgs := a.o, a.seed, a.runPat, a.out, a.pkgs
	pkg := "."
	if len(pkgs) == 1 {
		pkg = pkgs[0]
	}
	overlay, err := generate(o, []string{pkg}, io.Discard, stderr)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "simgen-trace-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	events := filepath.Join(tmp, "events.jsonl")
	tags := o.buildTags()
	// The test's own output (its failure, the report) goes to stderr: it is
	// what the page shows, and stdout is left for the page's path.
	cmd := exec.Command("go", "test", "-tags", tags, "-overlay", overlay, "-count=1", "-run", runPat, pkg)
	var output bytes.Buffer
	tee := io.MultiWriter(stderr, &output)
	cmd.Stdout, cmd.Stderr = tee, tee
	cmd.Env = traceEnv(os.Environ(), seed, events)
	if a.schedule != "" {
		cmd.Env = append(cmd.Env, "SIM_SCHEDULE="+a.schedule)
	}
	env := envLookup(cmd.Env)
	runErr := cmd.Run()
	var ee *exec.ExitError
	if runErr != nil && !errors.As(runErr, &ee) {
		return runErr
	}
	f, err := os.Open(events)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no simulated test ran: does -run %q match a test of %s, and does it build?", runPat, pkg)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := readTraceRun(f)
	if err != nil {
		return err
	}
	r.Package = pkg
	// The test's own messages (t.Errorf's "balance went negative") are
	// written by package testing, not by simrt: the page shows them from
	// the go test output.
	r.Output = output.String()
	if len(r.Output) > maxTraceOutput {
		r.Output = "...\n" + r.Output[len(r.Output)-maxTraceOutput:]
	}
	n, _ := strconv.ParseUint(seed, 10, 64)
	r.Replay = replay.Line{Seed: n, Getenv: env, Tags: tags, Overlay: relOverlay(overlay), Run: runPat, Package: pkg}.String()
	var page bytes.Buffer
	if err := renderTrace(&page, r); err != nil {
		return err
	}
	if err := os.WriteFile(out, page.Bytes(), 0o666); err != nil {
		return err
	}
	outcome := "passed"
	if r.Failure != nil {
		outcome = r.Failure.Kind
	}
	fmt.Fprintf(stdout, "simgen: wrote %s (%s seed %d: %d goroutines, %d events, %s)\n",
		out, r.Test, r.Seed, len(r.goroutines()), len(r.Events), outcome)
	if r.Failure != nil || runErr != nil {
		// As simgen test: a failing test fails the command, page or not.
		return exitError(1)
	}
	return nil
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

// traceRun is one run of a trace file, as the page gets it.
type traceRun struct {
	Test     string            `json:"test"`
	Seed     uint64            `json:"seed"`
	Strategy string            `json:"strategy"`
	Root     int               `json:"root"`
	Events   []json.RawMessage `json:"events"`
	Failure  *traceFailure     `json:"failure,omitempty"`
	Dropped  int               `json:"dropped,omitempty"`
	Package  string            `json:"-"`
	Replay   string            `json:"-"`
	Output   string            `json:"-"` // what go test printed`
	gs       map[int]bool
}

type traceFailure struct {
	Kind   string `json:"kind"`
	Report string `json:"report"`
	G      int    `json:"g,omitempty"` // the goroutine that failed, if one did alone
}

// traceHead is the part of an event readTraceRun needs.
type traceHead struct {
	Op       string `json:"op"`
	G        int    `json:"g"`
	Run      int    `json:"run"`
	By       int    `json:"by"`
	Target   int    `json:"target"`
	Test     string `json:"test"`
	Seed     uint64 `json:"seed"`
	Strategy string `json:"strategy"`
	Kind     string `json:"kind"`
	Report   string `json:"report"`
}

// readTraceRun reads a SIM_TRACE=json stream and returns the run to show:
// the last that failed, or else the last (a -run pattern may match several
// tests, each a run of its own).
func readTraceRun(rd io.Reader) (*traceRun, error) {
	var runs []*traceRun
	var cur *traceRun
	sc := bufio.NewScanner(rd)
	sc.Buffer(nil, 1<<26)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var h traceHead
		if err := json.Unmarshal(b, &h); err != nil {
			return nil, fmt.Errorf("trace line %d: %w", line, err)
		}
		if h.Op == "start" || cur == nil {
			cur = &traceRun{Test: h.Test, Seed: h.Seed, Strategy: h.Strategy, Root: 1, gs: make(map[int]bool)}
			runs = append(runs, cur)
		}
		cur.Events = append(cur.Events, json.RawMessage(bytes.Clone(b)))
		for _, g := range []int{h.G, h.Run, h.By} {
			if g > 0 {
				cur.gs[g] = true
			}
		}
		if h.Op == "spawn" && h.Target > 0 {
			cur.gs[h.Target] = true
		}
		if h.Op == "failure" {
			cur.Failure = &traceFailure{Kind: h.Kind, Report: h.Report, G: h.Target}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return nil, errors.New("the trace is empty: no simulated test ran")
	}
	r := runs[len(runs)-1]
	for i := len(runs) - 1; i >= 0; i-- {
		if runs[i].Failure != nil {
			r = runs[i]
			break
		}
	}
	if n := len(r.Events); n > maxTraceEvents {
		r.Dropped = n - maxTraceEvents
		r.Events = r.Events[r.Dropped:]
	}
	return r, nil
}

// goroutines returns the goroutines the run's events name.
func (r *traceRun) goroutines() map[int]bool { return r.gs }

// renderTrace writes the page for r.
func renderTrace(w io.Writer, r *traceRun) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	// The events sit in a script element: no "<" may close it. Marshal
	// escapes <, > and & in strings already; raw events are made sure of.
	data = bytes.ReplaceAll(data, []byte("<"), []byte(`\u003c`))
	tmpl, err := template.New("trace").Parse(traceTemplate)
	if err != nil {
		return err
	}
	esc := html.EscapeString
	return tmpl.Execute(w, map[string]any{
		"Test":     esc(r.Test),
		"Seed":     r.Seed,
		"Strategy": esc(r.Strategy),
		"Package":  esc(r.Package),
		"Replay":   esc(r.Replay),
		"Output":   esc(r.Output),
		"CSS":      traceCSS,
		"JS":       traceJS,
		"Data":     string(data),
	})
}
