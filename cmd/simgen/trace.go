package main

// This file is simgen trace's command line: its flags, then the shadow
// tree, then one call of package trace (internal/trace), which runs the
// test and writes the page.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"

	"simgen.dev/simgen/internal/trace"
)

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
	pkg := "."
	if len(a.pkgs) == 1 {
		pkg = a.pkgs[0]
	}
	overlay, err := generate(a.o, []string{pkg}, io.Discard, stderr)
	if err != nil {
		return err
	}
	failed, err := trace.Run(trace.Options{Tags: a.o.buildTags(), Overlay: overlay, Seed: a.seed,
		Schedule: a.schedule, Run: a.runPat, Package: pkg, Out: a.out}, stdout, stderr)
	if err == nil && failed {
		// As simgen test: a failing test fails the command, page or not.
		return exitError(1)
	}
	return err
}
