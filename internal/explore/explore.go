package explore

// This file is simgen test's exploration: with -seeds N (or SIM_SEEDS=N in
// its environment) or -budget D, simgen test builds one test binary per
// package (build.go) and runs it in many processes at once (pool.go), each
// over a contiguous block of seeds (SIM_SEED=start SIM_SEEDS=len) that the
// seed search hands out (search.go), shows progress (display.go), and
// reports the smallest failing seed of each package (report.go).
//
// With -json or -shard, the built packages go to runCampaign instead
// (campaign.go), which runs every seed and reports distinct failures; both
// keep failing seeds under testdata/simgen (keep.go) and run the kept ones
// first.

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// ErrUsage marks an error as a misuse of the command line: the caller
// prints its usage and exits with status 2.
var ErrUsage = errors.New("usage")

// ExitError carries an exit status out to the command without printing
// anything more: go test's own status, or 1 after the report said why.
type ExitError int

// Error is the status as os/exec words it.
func (e ExitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// Options are simgen test's exploration flags, as parsed by the command.
type Options struct {
	Seeds    int           // -seeds; 0: SIM_SEEDS, else unbounded (with -budget) or not exploring
	Parallel int           // -parallel; 0: runtime.NumCPU()
	Budget   time.Duration // -budget; 0: none
	JSON     string        // -json FILE: a campaign's results (results.go)
	ShardK   int           // -shard K/N: K, -1 when only N was given (ParseShard)
	ShardN   int           // -shard K/N: N; 0: not given
	Keep     bool          // -keep: keep failing seeds under testdata/simgen
}

// Explorer is one exploration: simgen test with -seeds or -budget.
type Explorer struct {
	opts     Options
	tags     string   // sim[,user tags]
	build    []string // build flags, for go list and go test -c and the replay line
	vet      []string // go test -c only
	test     []string // -test.* flags for every process
	rerun    []string // -test.* flags for the rerun alone (-v)
	args     []string // after -args
	run      string   // the user's -run pattern, "" if none
	skip     string   // the user's -skip pattern
	count    int      // -count, for the progress estimate
	patterns []string
	base     uint64
	getenv   func(string) string
	camp     *campaignOptions // -json, -shard: explore every seed, report distinct failures (campaign.go)
	keep     bool             // keep failing seeds under testdata/simgen (keep.go)
}

// New returns the exploration that simgen test's arguments ask for, or
// nil if they ask for a plain go test: neither -seeds, -budget nor
// SIM_SEEDS. tags are the build tags (sim, then the user's); rest is what
// the command left for go test after taking its own flags; getenv reads
// simgen test's environment (SIM_SEED, SIM_SEEDS, the shard variables and
// the settings a replay line carries).
func New(o Options, tags string, rest []string, getenv func(string) string) (*Explorer, error) {
	x := &Explorer{opts: o, count: 1, getenv: getenv}
	if x.opts.Seeds == 0 {
		if s := getenv("SIM_SEEDS"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("%w: SIM_SEEDS=%q: want a positive integer", ErrUsage, s)
			}
			x.opts.Seeds = n
		}
	}
	if x.opts.Seeds == 0 && x.opts.Budget == 0 {
		if x.opts.JSON != "" || x.opts.ShardN > 0 {
			return nil, fmt.Errorf("%w: -json and -shard need -seeds or -budget", ErrUsage)
		}
		return nil, nil
	}
	x.keep = x.opts.Keep
	if err := x.setupCampaign(getenv); err != nil {
		return nil, err
	}
	if x.opts.Parallel == 0 {
		x.opts.Parallel = runtime.NumCPU()
	}
	x.base = 1
	if s := getenv("SIM_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: SIM_SEED=%q: want a non-negative integer", ErrUsage, s)
		}
		x.base = n
	}
	x.tags = tags
	timeout, err := x.takeArgs(rest)
	if err != nil {
		return nil, err
	}
	x.test = append(x.test, "-test.timeout="+timeout)
	x.rerun = append(x.rerun, "-test.timeout="+timeout)
	if x.skip != "" {
		x.test = append(x.test, "-test.skip="+x.skip)
		x.rerun = append(x.rerun, "-test.skip="+x.skip)
	}
	if len(x.patterns) == 0 {
		x.patterns = []string{"."}
	}
	return x, nil
}

// takeArgs sorts go test's arguments into the explorer's package patterns
// and flags (goTestFlags says what each flag is for), and returns the
// -timeout of each test process.
func (x *Explorer) takeArgs(rest []string) (timeout string, err error) {
	timeout = "10m0s" // as go test sets for each test binary
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "-args" || a == "--args" {
			x.args = rest[i+1:]
			break
		}
		if !strings.HasPrefix(a, "-") {
			x.patterns = append(x.patterns, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		name = strings.TrimPrefix(name, "test.")
		kind, known := goTestFlags[name]
		switch {
		case !known:
			return "", fmt.Errorf("%w: simgen test -seeds: unknown flag %s", ErrUsage, a)
		case kind == kNoExplore || kind == kNoExploreValue:
			return "", fmt.Errorf("%w: simgen test -seeds does not support -%s", ErrUsage, name)
		}
		if !hasVal && (kind == kTest || kind == kBuild || kind == kVet) {
			if i+1 == len(rest) {
				return "", fmt.Errorf("%w: flag needs an argument: %s", ErrUsage, a)
			}
			i++
			val = rest[i]
		}
		if !hasVal && (kind == kTestBool || kind == kBuildBool || kind == kRerun) {
			val = "true"
		}
		flag := "-" + name + "=" + val
		switch kind {
		case kTest, kTestBool:
			switch name {
			case "run":
				x.run = val
				continue
			case "skip":
				x.skip = val
				continue
			case "timeout":
				timeout = val
				continue
			case "count":
				n, err := strconv.Atoi(val)
				if err != nil || n < 1 {
					return "", fmt.Errorf("%w: -count=%s: want a positive integer", ErrUsage, val)
				}
				x.count = n
			}
			x.test = append(x.test, "-test."+name+"="+val)
		case kBuild, kBuildBool:
			x.build = append(x.build, flag)
		case kVet:
			x.vet = append(x.vet, flag)
		case kRerun:
			if name == "v" {
				x.rerun = append(x.rerun, "-test.v="+val)
			}
		}
	}
	return timeout, nil
}

// Run builds the test binaries and explores their seeds; overlay is the
// shadow tree's overlay.json. The report goes to stdout, the builds'
// errors to stderr. It returns an ExitError when a seed failed.
func (x *Explorer) Run(overlay string, stdout, stderr io.Writer) error {
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "simgen-explore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	pkgs, err := x.list(overlay, stderr)
	if err != nil {
		return err
	}
	x.buildAll(pkgs, overlay, tmp, stderr)
	if x.camp != nil {
		return x.runCampaign(pkgs, overlay, cwd, tmp, stdout)
	}
	total := 0
	for _, p := range pkgs {
		if p.skip == "" && p.failed == "" {
			p.s = newSearch(x.base, x.opts.Seeds)
			total += x.opts.Seeds
		}
	}
	keptFailed := x.runKept(pkgs, stdout) // keep.go
	d := newDisplay(stdout, x.opts.Budget, total)
	err = x.loop(pkgs, tmp, d)
	if err := x.report(pkgs, overlay, cwd, d, err, stdout); err != nil || len(keptFailed) == 0 {
		return err
	}
	return ExitError(1)
}
