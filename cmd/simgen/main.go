// Simgen rewrites a Go module's concurrency into calls of a deterministic,
// seeded runtime, so that the module's own tests run under simulation: one
// goroutine at a time, a virtual clock, and every scheduling choice drawn
// from a seed. The same seed replays the same interleaving exactly; many
// seeds explore many interleavings.
//
// Simgen never touches the module's sources. It writes a shadow build tree
// (by default .simbuild) whose overlay.json the go command reads with
// -overlay: rewritten files replace the originals at their own paths, so
// tests run in their own directories and every position names the original
// file and line.
//
// Usage:
//
//	simgen [-C dir] [-o dir] [-tags list] [-v] [-strict] [packages]
//	simgen [-C dir] test [-o dir] [-tags list] [-strict] [go test flags] [packages]
//	simgen [-C dir] test -seeds n|-budget d [-parallel p] [...] [packages]
//	simgen [-C dir] test -seeds n [-shard k/n] [-json file] [-keep=false] [...] [packages]
//	simgen [-C dir] test -exhaustive [-preemptions k] [-budget d] [-dpor=false] [...] [packages]
//	simgen merge [-json file] results.json...
//	simgen [-C dir] trace [-o dir] [-tags list] -seed n [-schedule s] -run regexp [-out file.html] [package]
//	simgen version
//	simgen help
//
// The first form writes the shadow tree for the packages (default ./...).
// It prints diagnostics as file:line:col lines on standard error and a
// one-line summary on standard output. Then run the tests under simulation
// with
//
//	go test -tags sim -overlay .simbuild/overlay.json ./...
//
// The second form does both steps: it writes the shadow tree, then runs
// `go test -tags sim,<list> -overlay <dir>/overlay.json` with the remaining
// flags and packages in the current directory, and exits with go test's
// status. The -v flag there is go test's.
//
// With -seeds n (or SIM_SEEDS=n in its environment), or -budget d, simgen
// test explores seeds itself: it builds each package's test binary once and
// runs seeds SIM_SEED (default 1) and up in blocks, in -parallel p
// processes at once (default the number of CPUs), showing progress as it
// goes. It reports each package's smallest failing seed whatever p is: it
// runs that seed again alone, prints its output and a replay line, and
// exits with status 1; it exits 0 when every seed passes. -budget d stops
// after d and reports what the seeds run so far found. The smallest
// failing seed is kept as a regression test under the package's
// testdata/simgen/<TestName>/ (the only place simgen writes outside -o;
// -keep=false keeps nothing), and later simulated runs of the test that
// name no seed run it first.
//
// With -json file or -shard k/n (or a shard from JOB_COMPLETION_INDEX,
// TEST_SHARD_INDEX/TEST_TOTAL_SHARDS or SLURM_ARRAY_TASK_ID and
// SLURM_ARRAY_TASK_COUNT), exploration is a campaign: every seed runs, the
// failing seeds are grouped into distinct failures (test, kind, positions),
// and each is reported with its smallest seed, hit count and replay line,
// and written to the file as it is found. simgen merge reads the shards'
// files and prints what one process over all their seeds would have
// printed. docs/campaigns.md describes the file format.
//
// simgen trace writes the shadow tree, runs the tests of one package that
// match -run once under seed n with SIM_TRACE=json, and writes a
// self-contained HTML page (default trace.html) with the run's timeline:
// goroutines as lanes over the steps, what each waited on, who woke whom,
// the virtual clock, and the failure with its report. It prints the page's
// path; the test's own output goes to standard error.
//
// Simgen writes nothing, and exits with status 1, when the packages do not
// load or type-check, when a construct cannot be simulated (an error
// diagnostic), or with -strict when a construct would run outside the
// simulation (a warning). Misused flags exit with status 2.
//
// The flags are:
//
//	-C dir
//		Change to dir before doing anything else, as go -C does. It must
//		come first.
//	-o dir
//		Write the shadow tree to dir (default .simbuild). Simgen refuses a
//		dir that is or contains the module root, and a non-empty dir that
//		an earlier run did not write.
//	-tags list
//		Load the packages with these extra comma-separated build tags, as
//		go build -tags does; sim is always set.
//	-v
//		Print the count of each rewritten construct and each file written.
//	-strict
//		Treat warnings as errors.
//	-version
//		Print simgen's version and exit.
//	-seeds n
//		(simgen test) Explore seeds SIM_SEED, SIM_SEED+1, ... (from 1 if
//		SIM_SEED is unset), n of them, in parallel processes.
//	-parallel p
//		(simgen test) Run p test processes at once (default the number of
//		CPUs) when exploring. Simulated tests run one at a time within a
//		process, so go test's own -parallel has nothing to do.
//	-budget d
//		(simgen test) Explore seeds for at most the duration d, then
//		report; with -seeds, stop at whichever comes first.
//	-json file
//		(simgen test, exploring) Run a campaign and write its results to
//		file, JSON Lines, flushed as they come.
//	-shard k/n
//		(simgen test, exploring) Explore shard k (from 0) of n of the
//		seeds; ?/n takes k from the environment.
//	-keep=false
//		(simgen test, exploring) Keep no failing seed under testdata/simgen.
//	-exhaustive
//		(simgen test) Run each selected test under every schedule with at
//		most -preemptions preemptions, in-process, with partial-order
//		reduction, within 0 preemptions first, then 1, and so on; stop at
//		the first failing schedule, found within the smallest bound that
//		has one, with its replay line (SIM_SCHEDULE=...), or end with
//		"simgen: explored all N schedules (K preemptions): no failure".
//		With -budget d, stop after d and say how far it got and the
//		largest bound proven (exit status 3).
//	-preemptions k
//		(simgen test -exhaustive) The preemption bound (default 2).
//	-dpor=false
//		(simgen test -exhaustive) Enumerate without the reduction.
//
// go test's -race works under simulation (simgen test -race, or go test
// -race -tags sim -overlay ...): the race detector sees the program's own
// happens-before edges only, not the scheduler's handoffs, so a data race
// is reported on the seed that interleaves it, and the replay line (which
// then includes -race) reports it again.
//
// A simulated run is steered by environment variables:
//
//	SIM_SEED=N               replay seed N (unset: a fresh seed per test)
//	SIM_SEEDS=K              try K seeds, N, N+1, ..., stop at the first failure
//	SIM_STRATEGY=S           portfolio (default), random, pct, pct:D or pct:D:K,
//	                         or exhaustive (enumerate schedules)
//	SIM_SCHEDULE=S           replay the schedule S that exhaustive exploration printed
//	SIM_PREEMPTIONS=K        the preemption bound of exhaustive exploration (default 2)
//	SIM_DPOR=0               exhaustive exploration without partial-order reduction
//	SIM_BUDGET=D|N           stop an exhaustive exploration after D or N schedules
//	SIM_CHECK_DETERMINISM=1  run each seed twice and report where they diverge
//	SIM_LEAKS=fail           fail a test that ends with goroutines still alive
//	SIM_TRACE=1              print every scheduling decision to standard error
//	SIM_TRACE=json:PATH      write the run's events to PATH (simgen trace's input)
//	SIM_WATCHDOG=D           wall-clock limit for a goroutine that does not
//	                         yield (default 5s)
//	SIM_TIMELIMIT=D          virtual-time limit of a run (default 1000h)
//	SIM_BUGGIFY=on|off       every sim.Buggify site on, or none
//	SIM_TIME=exact           computation costs no virtual time (default slip:
//	                         each scheduling point costs a seeded few ns)
//	SIM_LIVELOCK=N           scheduling points without progress before a run
//	                         fails as a livelock (default 16777216)
//	SIM_KEPT=off|only        skip the kept seeds of testdata/simgen, or run only them
//	SIM_REPLAY_CHECK=off     do not rerun a failure alone to check its replay line
//	SIM_RACE=off             under -race, every scheduler handoff is an edge again
//
// simgen -h prints the same list from the one table of the variables,
// package simenv; its test checks this comment, simrt's harness doc and
// docs/usage.md against that table.
//
// A failing test prints a replay line with its seed and every SIM_* setting
// that changes the run, shell-quoted: paste it as printed.
//
// Examples:
//
//	simgen ./...
//	go test -tags sim -overlay .simbuild/overlay.json -run TestTransfer ./bank
//	simgen test -run TestTransfer ./bank
//	SIM_SEEDS=500 simgen test -count=1 ./...
//	simgen test -seeds 10000 -run TestTransfer ./bank
//	simgen test -budget 1m ./...
//	simgen test -exhaustive -preemptions 2 -run TestQueue ./queue
//
// In a go:generate line:
//
//	//go:generate simgen -o .simbuild ./...
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"simgen.dev/simgen"
	"simgen.dev/simgen/internal/explore"
	"simgen.dev/simgen/simrt/simenv"
)

// usage is the short form printed on a usage error and at the top of -h.
const usage = `usage: simgen [-C dir] [-o dir] [-tags list] [-v] [-strict] [packages]
       simgen [-C dir] test [-o dir] [-tags list] [-strict] [go test flags] [packages]
       simgen [-C dir] test -seeds n|-budget d [-parallel p] [...] [packages]
       simgen [-C dir] test -seeds n [-shard k/n] [-json file] [-keep=false] [...] [packages]
       simgen [-C dir] test -exhaustive [-preemptions k] [-budget d] [-dpor=false] [...] [packages]
       simgen merge [-json file] results.json...
       simgen [-C dir] trace [-o dir] [-tags list] -seed n [-schedule s] -run regexp [-out file.html] [package]
       simgen version
       simgen help
`

// help is what -h prints after usage and the flags.
const help = `
Simgen rewrites the packages' concurrency (go statements, channels, select,
sync, time, context timeouts, ...) into calls of a deterministic runtime and
writes a shadow build tree; the sources are never changed. Run the tests
under simulation with

	go test -tags sim -overlay .simbuild/overlay.json ./...

or generate and test in one step with simgen test. Besides go test's
flags and -o, -tags and -strict, simgen test takes:

  -seeds n
    	Explore n seeds, SIM_SEED (default 1) and up, in parallel test
    	processes, and report each package's smallest failing seed with its
    	output and a replay line. SIM_SEEDS=n in the environment means the
    	same.
  -parallel p
    	Run p test processes at once while exploring (default the number
    	of CPUs).
  -budget d
    	Explore seeds for at most the duration d (such as 30s), then
    	report what they found. With -exhaustive, enumerate for at most d.
  -exhaustive
    	Prove each selected test within a bound: run it under every
    	schedule with at most -preemptions preemptions (in-process, with
    	partial-order reduction, bounds 0, 1, ... in turn), stop at the
    	first failing schedule and print its replay line, or end with
    	"explored all N schedules". Exit status 3 when -budget ran out
    	first; the last line then says the largest bound proven.
  -preemptions k
    	The preemption bound of -exhaustive (default 2).
  -dpor=false
    	With -exhaustive, enumerate every schedule, without partial-order
    	reduction (to check it, or for programs with data races).
  -json file
    	Run a campaign: explore every seed, report each distinct failure
    	with its smallest seed and hit count, and write the results to
    	file as they come.
  -shard k/n
    	Explore shard k (from 0) of n; ?/n takes k from
    	JOB_COMPLETION_INDEX, TEST_SHARD_INDEX or SLURM_ARRAY_TASK_ID.
    	simgen merge combines the shards' -json files.
  -keep=false
    	Do not keep failing seeds under testdata/simgen/<TestName>/.

go test's -race works under simulation: the detector sees the program's
own happens-before edges only, not the scheduler's, so a data race is
reported on the seed that interleaves it, at your lines, and its replay
line (with -race) reports it again.

A simulated run reads these environment variables (docs/usage.md says
more of each; a replay line carries those that change a run):

{{env}}

Examples:

	simgen ./...
	simgen -o /tmp/shadow -tags integration ./server/...
	simgen test -run TestTransfer ./bank
	SIM_SEEDS=500 simgen test -count=1 ./...
	simgen test -seeds 10000 -run TestTransfer ./bank
	simgen test -budget 1m ./...
	simgen test -exhaustive -preemptions 2 -run TestQueue ./queue
	simgen test -seeds 1000000 -shard 3/8 -json shard-3.json ./...
	simgen merge shard-*.json
	simgen trace -seed 42 -run '^TestTransfer$' -out transfer.html ./bank
`

// errUsage marks an error as a misuse of the command line (exit status 2);
// package explore's usage errors are the same.
var errUsage = explore.ErrUsage

// exitError carries an exit status out of run without printing anything
// more: go test's own status, or 1 after the diagnostics said why.
type exitError = explore.ExitError

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main with its process state passed in, returning the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	args, err := chdir(args)
	switch {
	case err != nil:
	case len(args) > 0 && args[0] == "version":
		if len(args) > 1 {
			err = fmt.Errorf("%w: simgen version takes no arguments", errUsage)
			break
		}
		fmt.Fprintf(stdout, "simgen %s\n", simgen.Version)
	case len(args) > 0 && args[0] == "test":
		err = runTest(args[1:], stdin, stdout, stderr)
	case len(args) > 0 && args[0] == "trace":
		err = runTrace(args[1:], stdout, stderr)
	case len(args) > 0 && args[0] == "merge":
		err = runMerge(args[1:], stdout, stderr)
	case len(args) > 0 && args[0] == "help":
		printHelp(stdout, newFlags(new(options)))
	case len(args) > 0 && mistypedCommand(args[0]) != "":
		err = fmt.Errorf("%w: unknown command %q: did you mean simgen %s?", errUsage, args[0], mistypedCommand(args[0]))
	default:
		err = runGenerate(args, stdout, stderr)
	}
	var code exitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		printHelp(stdout, newFlags(new(options)))
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "simgen: %s\n%sRun 'simgen -h' for details.\n", strings.TrimPrefix(err.Error(), "usage: "), usage)
		return 2
	case errors.As(err, &code):
		return int(code)
	default:
		fmt.Fprintf(stderr, "simgen: %v\n", err)
		return 1
	}
}

// commands are simgen's subcommands.
var commands = []string{"test", "trace", "version", "help"}

// mistypedCommand returns the subcommand that word looks like a typo of
// ("tset": test), or "". A word that names a directory, or looks like a
// package pattern (a dot or a slash in it), is taken as a package.
func mistypedCommand(word string) string {
	if word == "" || strings.ContainsAny(word, "./-") {
		return ""
	}
	if fi, err := os.Stat(word); err == nil && fi.IsDir() {
		return ""
	}
	for _, c := range commands {
		if word != c && editDistance(word, c) <= 2 && len(word) >= 3 {
			return c
		}
	}
	return ""
}

// editDistance is the Damerau-Levenshtein distance (adjacent swaps count
// one) between a and b.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// chdir handles a leading -C dir, as the go command does: first, so that
// every path after it, -o included, is taken relative to dir.
func chdir(args []string) ([]string, error) {
	if len(args) == 0 {
		return args, nil
	}
	var dir string
	switch a := args[0]; {
	case a == "-C" || a == "--C":
		if len(args) < 2 {
			return nil, fmt.Errorf("%w: flag needs an argument: -C", errUsage)
		}
		dir, args = args[1], args[2:]
	case strings.HasPrefix(a, "-C=") || strings.HasPrefix(a, "--C="):
		_, dir, _ = strings.Cut(a, "=")
		args = args[1:]
	default:
		return args, nil
	}
	if dir == "" {
		return nil, fmt.Errorf("%w: -C needs a directory", errUsage)
	}
	return args, os.Chdir(dir)
}

// options are the flags of both forms.
type options struct {
	out        string
	tags       string
	verbose    bool
	strict     bool
	version    bool
	explore    explore.Options        // simgen test's -seeds, -parallel, -budget, -json, -shard, -keep
	exhaustive bool                   // simgen test -exhaustive
	exhaust    explore.ExhaustOptions // simgen test's -preemptions and -dpor
}

// buildTags are the tags every build of the shadow tree uses: sim, then
// the user's -tags.
func (o options) buildTags() string {
	if o.tags == "" {
		return "sim"
	}
	return "sim," + o.tags
}

// newFlags defines the generate form's flags on a fresh FlagSet; the test
// form parses the same names by hand, as its other flags are go test's.
func newFlags(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("simgen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.String("C", "", "Change to `dir` before doing anything else, as go -C does. It must come first.")
	fs.StringVar(&o.out, "o", ".simbuild", "Write the shadow tree to `dir`. Simgen refuses a dir that is or contains the module root, and a non-empty dir that an earlier run did not write.")
	fs.StringVar(&o.tags, "tags", "", "Also satisfy the build tags in the comma-separated `list`, as go build -tags does; sim is always set.")
	fs.BoolVar(&o.verbose, "v", false, "Print the count of each rewritten construct and each file written.")
	fs.BoolVar(&o.strict, "strict", false, "Treat warnings (constructs that would run outside the simulation) as errors: write nothing and exit 1.")
	fs.BoolVar(&o.version, "version", false, "Print simgen's version and exit.")
	return fs
}

func printHelp(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, usage, "\nFlags:\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprint(w, strings.Replace(help, "{{env}}", envHelp(), 1))
}

// envHelp lists the variables users set, from simenv's table, one a line.
func envHelp() string {
	var b strings.Builder
	for _, v := range simenv.Vars {
		if v.Internal {
			continue
		}
		line := fmt.Sprintf("  %-26s", v.Name+"="+v.Value)
		for _, w := range strings.Fields(v.Meaning + " (default " + v.Default + ")") {
			if len(line)+1+len(w) > 78 {
				b.WriteString(line + "\n")
				line = strings.Repeat(" ", 29) + w
				continue
			}
			line += " " + w
		}
		b.WriteString(line + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func runGenerate(args []string, stdout, stderr io.Writer) error {
	var o options
	fs := newFlags(&o)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.Lookup("C").Value.String() != "" {
		return fmt.Errorf("%w: -C must be the first flag", errUsage)
	}
	if o.version {
		fmt.Fprintf(stdout, "simgen %s\n", simgen.Version)
		return nil
	}
	if o.out == "" {
		return fmt.Errorf("%w: -o needs a directory", errUsage)
	}
	patterns := fs.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	_, err := generate(o, patterns, stdout, stderr)
	return err
}
