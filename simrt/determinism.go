package simrt

// This file compares two runs of one seed (SIM_CHECK_DETERMINISM=1). A
// simulation is deterministic when the decision streams are identical; the
// first step where they differ, with the goroutine and source position on
// each side, points at the state outside the simulation that changed the
// path (a package variable, a file, the wall clock, a goroutine simgen did
// not start).
//
// Invariant: both worlds were run with dec.keep set, so their logs hold
// every step.

import (
	"fmt"
	"strings"
)

// compareRuns returns "" when the two worlds made the same decisions, or a
// report naming the first divergent step.
//
//go:norace
func compareRuns(a, b *runResult) string {
	la, lb := a.dec.log, b.dec.log
	n := min(len(la), len(lb))
	i := 0
	for i < n && la[i].hash == lb[i].hash {
		i++
	}
	if i == n && len(la) == len(lb) {
		return ""
	}
	var s strings.Builder
	fmt.Fprintf(&s, "simrt: nondeterminism: seed %d ran twice and the runs diverged at step %d of %d/%d.\n",
		a.seed, i+1, len(la), len(lb))
	side := func(name string, w *runResult, l []step) {
		if i < len(l) {
			fmt.Fprintf(&s, "\t%s: %s\n", name, w.dec.format(i+1, l[i]))
		} else {
			fmt.Fprintf(&s, "\t%s: ended after step %d\n", name, len(l))
		}
	}
	side("run 1", a, la)
	side("run 2", b, lb)
	if i > 0 {
		fmt.Fprintf(&s, "\tthe last common step: %s\n", a.dec.format(i, la[i-1]))
	}
	s.WriteString("Something outside the simulation changed the path: a package variable kept from an earlier run, a file, the wall clock, or a goroutine simgen did not start.\n")
	return s.String()
}
