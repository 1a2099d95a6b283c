// Package replay builds the replay line: the shell command, printed after a
// failure, that runs the failing seed again and fails the same way. simrt
// prints it from inside a test binary; simgen test and simgen trace print
// it from the driver. Both build it here, so the two can never disagree on
// which settings a line carries or how it is quoted.
//
// Invariants:
//   - A line, pasted into a POSIX shell as printed, sets every SIM_*
//     variable of Settings that was set for the failing run, and no other:
//     a setting missing from the line is a replay that silently passes.
//   - Every word that a shell would split or expand is single-quoted.
//   - This package imports the standard library and simenv only: it is
//     embedded in the simgen binary and copied into every shadow tree with
//     simrt.
package replay

import (
	"regexp"
	"strconv"
	"strings"

	"simgen.dev/simgen/simrt/simenv"
)

// Settings are the variables that change what a simulated run does, in
// the order a line prints them: the rows of simenv.Vars marked Replay, then
// GODEBUG, which is not ours but changes timer channels (asynctimerchan)
// and other behaviour of the run as the go line does. SIM_SEED and
// SIM_SEEDS are the line's own fields; SIM_TRACE and the like only observe.
var Settings = settings()

func settings() []string {
	var s []string
	for _, v := range simenv.Vars {
		if v.Replay {
			s = append(s, v.Name)
		}
	}
	return append(s, "GODEBUG")
}

// Line is one command that reruns a failure.
type Line struct {
	Seed  uint64 // the (first) seed
	Seeds int    // more than 1: the seeds Seed to Seed+Seeds-1 in one process

	// Getenv gives the values of Settings for the failing run; nil: none.
	Getenv func(string) string

	Command string   // "test" (default) or "run", for go test or go run
	Tags    string   // the build tags; "" for sim
	Overlay string   // the overlay file, as the user's shell reaches it
	Flags   []string // further go flags (-race, -gcflags=...), one word each
	Run     string   // the -run pattern; "" for none
	Skip    string   // the -skip pattern; "" for none
	Package string   // the package argument; "" for .
	Args    []string // after -args
}

// String is the line, ready to paste into a shell.
func (l Line) String() string {
	var b strings.Builder
	b.WriteString("SIM_SEED=" + strconv.FormatUint(l.Seed, 10))
	if l.Seeds > 1 {
		b.WriteString(" SIM_SEEDS=" + strconv.Itoa(l.Seeds))
	}
	if l.Getenv != nil {
		for _, k := range Settings {
			if v := l.Getenv(k); v != "" {
				b.WriteString(" " + k + "=" + Quote(v))
			}
		}
	}
	cmd := l.Command
	if cmd == "" {
		cmd = "test"
	}
	tags := l.Tags
	if tags == "" {
		tags = "sim"
	}
	b.WriteString(" go " + cmd + " -tags " + Quote(tags) + " -overlay " + Quote(l.Overlay))
	for _, f := range l.Flags {
		b.WriteString(" " + Quote(f))
	}
	if l.Run != "" {
		b.WriteString(" -run " + Quote(l.Run))
	}
	if l.Skip != "" {
		b.WriteString(" -skip " + Quote(l.Skip))
	}
	pkg := l.Package
	if pkg == "" {
		pkg = "."
	}
	b.WriteString(" " + Quote(pkg))
	if len(l.Args) > 0 {
		b.WriteString(" -args")
		for _, a := range l.Args {
			b.WriteString(" " + Quote(a))
		}
	}
	return b.String()
}

// Quote quotes s for a POSIX shell if it needs it. A -run pattern is
// always quoted, so that the line reads the same for every test: ^ and $
// are safe in most shells but not in all (zsh with extendedglob).
func Quote(s string) string {
	if s != "" && !strings.ContainsAny(s, "^$") && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_=./,:@+%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// RunPattern is the -run pattern that selects exactly the test (or
// subtest path) name: each element anchored and quoted.
func RunPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}
