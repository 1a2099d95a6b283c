package simrt_test

import (
	"fmt"
	"strings"
	"testing"

	"simgen.dev/simgen/simrt"
)

// progressProbe is the probe of issue 15: a worker takes 40 locked steps;
// at steps 10 and 30 it updates a record in two critical sections (the
// bug), leaving it torn in between. Two observers each look once; the test
// fails only when the first sees the record torn at step 10 and the second
// sees it torn at step 30: two exact preemptions. fixed takes each update
// in one critical section.
func progressProbe(fixed bool) string {
	var mu simrt.Mutex
	var wg simrt.WaitGroup
	type record struct{ step, half int }
	var rec record
	wg.Add(3)
	simrt.Go(func() {
		defer wg.Done()
		for i := 1; i <= 40; i++ {
			mu.Lock()
			rec.step = i
			if (i == 10 || i == 30) && !fixed {
				rec.half = 1
				mu.Unlock()
				mu.Lock()
			}
			rec.half = 0
			mu.Unlock()
		}
	})
	var seen [2]record
	for k := range 2 {
		simrt.Go(func() {
			defer wg.Done()
			mu.Lock()
			seen[k] = rec
			mu.Unlock()
		})
	}
	wg.Wait()
	if seen[0] == (record{10, 1}) && seen[1] == (record{30, 1}) {
		return fmt.Sprintf("FAIL: observers saw torn records at steps %d and %d", seen[0].step, seen[1].step)
	}
	return "ok"
}

func TestExhaustiveFindsProbe(t *testing.T) {
	e := simrt.Explore(2, true, 0, func() string { return progressProbe(false) })
	if !strings.HasPrefix(e.End, "failed") {
		t.Fatalf("two preemptions: %+v, want a failure", e)
	}
	t.Logf("found after %d schedules, schedule %s", e.Schedules, e.Schedule)
	if got := simrt.ReplaySchedule(e.Schedule, func() string { return progressProbe(false) }); !strings.HasPrefix(got, "FAIL") {
		t.Errorf("replaying %s: %q, want the failure", e.Schedule, got)
	}
	one := simrt.Explore(1, true, 0, func() string { return progressProbe(false) })
	if one.End != "done" {
		t.Errorf("one preemption: %+v, want every schedule to pass (the bug needs two)", one)
	}
}

func TestExhaustiveProbeFixedTwin(t *testing.T) {
	a := simrt.Explore(2, true, 0, func() string { return progressProbe(true) })
	b := simrt.Explore(2, true, 0, func() string { return progressProbe(true) })
	if a.End != "done" || b.End != "done" || a.Schedules != b.Schedules {
		t.Fatalf("fixed twin: %+v then %+v, want done twice with the same count", a, b)
	}
	t.Logf("explored all %d schedules (2 preemptions)", a.Schedules)
}
