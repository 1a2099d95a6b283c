package simrt

// This file runs a test's kept seeds: the failing seeds that simgen's
// exploration found and kept as regression tests under the test's package,
//
//	testdata/simgen/<TestName>/<id>
//
// as go test runs the inputs kept under testdata/fuzz. A simulated run of
// a test that does not name its seeds (SIM_SEED unset) runs the kept seeds
// first, each with the strategy and SIM_ settings it was found with, and
// stops at the first that fails; then it runs its fresh seed as usual.
// SIM_KEPT steers this:
//
//	SIM_KEPT=       kept seeds run first unless SIM_SEED is set (a replay
//	                runs exactly the seed it names)
//	SIM_KEPT=off    kept seeds never run
//	SIM_KEPT=only   only the kept seeds run (simgen test runs them so,
//	                once, before it explores)
//
// A kept file is "key: value" lines after the header "simgen seed v1":
// seed, strategy (SIM_STRATEGY, empty for the default), stream (the
// decision-stream version below), env (SIM_LEAKS=fail and the like),
// signature and replay (for the reader). Unknown keys are ignored.
//
// Invariants:
//   - A kept seed runs only under the decision-stream version it was
//     recorded with: a seed replayed by a different scheduler would be a
//     different schedule, passing or failing by chance. A mismatch is
//     reported as stale, not run.
//   - Kept seeds run in file-name order, so every run of a test runs them
//     in the same order.

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// streamVersion is the version of the decision stream: which schedule a
// seed gives. Bump it with any change to simrt that makes a seed run a
// different schedule (a new scheduling point, a strategy's draws, the order
// of timers), so that kept seeds recorded before are reported stale.
// simgen reads this line from its embedded copy of this file.
const streamVersion = 1

// keptSeed is one kept seed file.
type keptSeed struct {
	file     string // relative to the package directory
	seed     uint64
	strategy string
	stream   int
	env      map[string]string
}

// parseKept reads a kept seed file's text.
func parseKept(file, text string) (keptSeed, error) {
	k := keptSeed{file: file, env: make(map[string]string)}
	lines := strings.Split(text, "\n")
	if strings.TrimSpace(lines[0]) != "simgen seed v1" {
		return k, fmt.Errorf("%s:1: not a kept seed file (want the first line %q)", file, "simgen seed v1")
	}
	have := make(map[string]bool)
	for i, line := range lines[1:] {
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		have[key] = true
		var err error
		switch key {
		case "seed":
			k.seed, err = strconv.ParseUint(val, 10, 64)
		case "strategy":
			k.strategy = val
			_, err = parseStrategy(val)
		case "stream":
			k.stream, err = strconv.Atoi(val)
		case "env":
			for _, kv := range strings.Fields(val) {
				name, v, _ := strings.Cut(kv, "=")
				k.env[name] = v
			}
		}
		if err != nil {
			return k, fmt.Errorf("%s:%d: %s: %v", file, i+2, key, err)
		}
	}
	for _, key := range []string{"seed", "stream"} {
		if !have[key] {
			return k, fmt.Errorf("%s: no %s line", file, key)
		}
	}
	return k, nil
}

// loadKept reads the kept seeds of a test, from the working directory
// (the package's, under go test), in file-name order.
func loadKept(test string) ([]keptSeed, []error) {
	dir := filepath.Join("testdata", "simgen", test)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil
	}
	var ks []keptSeed
	var errs []error
	for _, e := range ents {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		file := filepath.ToSlash(filepath.Join(dir, e.Name()))
		b, err := os.ReadFile(file)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		k, err := parseKept(file, string(b))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b keptSeed) int { return strings.Compare(a.file, b.file) })
	return ks, errs
}

// config returns c as the kept seed was run: its strategy and settings.
func (k keptSeed) config(c *config) (*config, error) {
	kc := *c
	kc.stratName = k.strategy
	st, err := parseStrategy(k.strategy)
	if err != nil {
		return nil, err
	}
	kc.strategy = st
	kc.leaksFail = k.env["SIM_LEAKS"] == "fail"
	kc.check = truthy(k.env["SIM_CHECK_DETERMINISM"])
	if s := k.env["SIM_TIMELIMIT"]; s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			return nil, fmt.Errorf("SIM_TIMELIMIT=%q: %v", s, err)
		}
		kc.timeLimit = d
	}
	return &kc, nil
}

// runKept runs the test's kept seeds, if this run is to. It reports
// whether the test is over: a kept seed failed, or SIM_KEPT=only.
func (s *session) runKept(t *testing.T, body func(t *testing.T)) bool {
	t.Helper()
	mode := os.Getenv("SIM_KEPT")
	switch {
	case mode == "off" || mode == "0":
		return false
	case mode == "only":
	case s.c.seedSet:
		return false
	}
	ks, errs := loadKept(s.name)
	for _, err := range errs {
		t.Errorf("simrt: %v (fix or delete the file)", err)
	}
	if len(errs) > 0 {
		return true
	}
	saved := s.c
	for _, k := range ks {
		if k.stream != streamVersion {
			msg := fmt.Sprintf("%s%s is stale: it was recorded with decision-stream version %d and this simgen runs version %d, so its seed would run another schedule; it is not run. Find the failure again with simgen test -seeds, then delete the file.", keptPrefix, k.file, k.stream, streamVersion)
			t.Log(msg)
			if mode == "only" {
				fmt.Fprintln(os.Stderr, msg)
			}
			continue
		}
		kc, err := k.config(saved)
		if err != nil {
			t.Errorf("simrt: %s: %v (fix or delete the file)", k.file, err)
			return true
		}
		s.c, s.seed = kc, k.seed
		file := k.file
		t.Cleanup(func() {
			// After the failure's report: a cleanup runs even when the
			// kept seed ended the test with t.FailNow.
			if t.Failed() && s.seed == k.seed && s.c == kc {
				logPlain(t, fmt.Sprintf("%s%s fails (seed %d): it was kept by an earlier exploration as a regression test", keptPrefix, file, k.seed))
			}
		})
		r := s.runOnce(k.seed, kc.check, func() { body(t) })
		if r.failure != nil || t.Failed() {
			return true
		}
		if kc.check {
			r2 := s.runOnce(k.seed, true, func() { body(t) })
			if r2.failure != nil || t.Failed() {
				return true
			}
			if d := compareRuns(r, r2); d != "" {
				t.Errorf("%s", d)
				return true
			}
		}
		s.c = saved
	}
	return mode == "only"
}

// keptPrefix starts every line about a kept seed; simgen looks for it.
const keptPrefix = "simrt: kept seed "
