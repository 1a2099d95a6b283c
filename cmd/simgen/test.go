package main

// This file is simgen test's command line: simgen's own flags taken out of
// go test's, then one call: explore.RunExhaustive for -exhaustive,
// (*explore.Explorer).Run for -seeds or -budget, or go test itself under
// the overlay.

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"simgen.dev/simgen/internal/explore"
)

// runTest is simgen test: generate, then go test under the overlay.
func runTest(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o, rest, err := parseTestArgs(args)
	if err != nil {
		return err
	}
	if o.exhaustive && o.explore.Seeds > 0 {
		return fmt.Errorf("%w: -exhaustive enumerates schedules; it does not take -seeds", errUsage)
	}
	var x *explore.Explorer
	if !o.exhaustive {
		if x, err = explore.New(o.explore, o.buildTags(), rest, os.Getenv); err != nil {
			return err
		}
	}
	patterns := explore.TestPackages(rest)
	genPatterns := patterns
	if len(genPatterns) == 0 {
		genPatterns = []string{"./..."}
	}
	// Go test's output is what the user reads here; the summary would only
	// push it down, and diagnostics still go to stderr.
	overlay, err := generate(o, genPatterns, io.Discard, stderr)
	if err != nil {
		return err
	}
	if o.exhaustive {
		o.exhaust.Budget = o.explore.Budget
		return explore.RunExhaustive(o.exhaust, o.buildTags(), rest, overlay, stdin, stdout, stderr)
	}
	if x != nil {
		return x.Run(overlay, stdout, stderr)
	}
	tags := o.buildTags()
	if traceText(os.Getenv("SIM_TRACE")) && !hasVerbose(rest) {
		// go test shows a passing package's output only with -v: the trace
		// the user asked for would vanish.
		rest = append([]string{"-v"}, rest...)
	}
	cmd := exec.Command("go", append([]string{"test", "-tags", tags, "-overlay", overlay}, rest...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return exitError(ee.ExitCode())
	}
	return err
}

// traceText reports whether SIM_TRACE asks for the text trace on stderr
// (1, true, yes, on), as opposed to off or json:PATH.
func traceText(v string) bool {
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// hasVerbose reports whether go test's arguments (before -args) set -v.
func hasVerbose(args []string) bool {
	for _, a := range args {
		if a == "-args" || a == "--args" {
			return false
		}
		switch strings.TrimLeft(a, "-") {
		case "v", "v=true", "test.v", "test.v=true":
			return strings.HasPrefix(a, "-")
		}
	}
	return false
}

// parseTestArgs takes simgen's own flags out of simgen test's arguments,
// wherever they stand, and leaves the rest, in order, for go test. -o and
// -tags are simgen's here (go test's -o and -tags would break the run).
func parseTestArgs(args []string) (options, []string, error) {
	o := options{out: ".simbuild", exhaust: explore.ExhaustOptions{Preemptions: 2}}
	o.explore.Keep = true
	campaign := campaignArgs(args) // -json is go test's own flag unless exploring
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-args" || a == "--args" {
			rest = append(rest, args[i:]...)
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if !strings.HasPrefix(a, "-") {
			name = ""
		}
		if name == "json" && !campaign {
			name = "" // go test's -json
		}
		switch name {
		case "exhaustive", "dpor":
			b, err := strconv.ParseBool(cmp.Or(val, "true"))
			if err != nil {
				return o, nil, fmt.Errorf("%w: -%s=%s: want a boolean", errUsage, name, val)
			}
			if name == "exhaustive" {
				o.exhaustive = b
			} else {
				o.exhaust.NoReduce = !b
			}
		case "preemptions":
			if !hasVal {
				if i+1 == len(args) {
					return o, nil, fmt.Errorf("%w: flag needs an argument: %s", errUsage, a)
				}
				i++
				val = args[i]
			}
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				return o, nil, fmt.Errorf("%w: -preemptions=%s: want a non-negative integer", errUsage, val)
			}
			o.exhaust.Preemptions = n
		case "o", "tags", "seeds", "parallel", "budget", "json", "shard":
			if !hasVal {
				if i+1 == len(args) {
					return o, nil, fmt.Errorf("%w: flag needs an argument: %s", errUsage, a)
				}
				i++
				val = args[i]
			}
			switch name {
			case "o":
				o.out = val
			case "tags":
				o.tags = val
			default:
				if err := setExploreFlag(&o.explore, name, val); err != nil {
					return o, nil, err
				}
			}
		case "strict":
			b, err := strconv.ParseBool(cmp.Or(val, "true"))
			if err != nil {
				return o, nil, fmt.Errorf("%w: -strict=%s: want a boolean", errUsage, val)
			}
			o.strict = b
		case "keep":
			b, err := strconv.ParseBool(cmp.Or(val, "true"))
			if err != nil {
				return o, nil, fmt.Errorf("%w: -keep=%s: want a boolean", errUsage, val)
			}
			o.explore.Keep = b
		case "overlay":
			return o, nil, fmt.Errorf("%w: simgen test sets -overlay itself", errUsage)
		case "h", "help":
			return o, nil, flag.ErrHelp
		default:
			rest = append(rest, a)
		}
	}
	if o.out == "" {
		return o, nil, fmt.Errorf("%w: -o needs a directory", errUsage)
	}
	return o, rest, nil
}

// campaignArgs reports whether simgen test's arguments explore seeds, so
// that -json is simgen's (-json FILE) and not go test's own boolean flag.
func campaignArgs(args []string) bool {
	if os.Getenv("SIM_SEEDS") != "" {
		return true
	}
	for _, a := range args {
		if a == "-args" || a == "--args" {
			break
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && (name == "seeds" || name == "budget" || name == "shard") {
			return true
		}
	}
	return false
}

// setExploreFlag parses the value of the exploration flag name (seeds,
// parallel, budget, json or shard) into o.
func setExploreFlag(o *explore.Options, name, val string) error {
	switch name {
	case "seeds", "parallel":
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 {
			return fmt.Errorf("%w: -%s=%s: want a positive integer", errUsage, name, val)
		}
		if name == "seeds" {
			o.Seeds = n
		} else {
			o.Parallel = n
		}
	case "json":
		if val == "" {
			return fmt.Errorf("%w: -json needs a file name", errUsage)
		}
		if fi, err := os.Stat(val); err == nil && fi.IsDir() {
			return fmt.Errorf("%w: -json %s: want a file for the results, not a directory", errUsage, val)
		}
		o.JSON = val
	case "shard":
		k, n, err := explore.ParseShard(val)
		if err != nil {
			return err
		}
		o.ShardK, o.ShardN = k, n
	case "budget":
		d, err := time.ParseDuration(val)
		if err != nil || d <= 0 {
			return fmt.Errorf("%w: -budget=%s: want a positive duration such as 30s", errUsage, val)
		}
		o.Budget = d
	}
	return nil
}
