//go:build go1.25

package simrt_test

import (
	"fmt"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
)

// testing/synctest (gammazero/workerpool's tests, docs/smoke.md): Wait
// returns once every other goroutine is blocked, before the clock moves;
// Test runs f's cleanups when f returns, then waits for the goroutines f
// started. Natively, synctest.Test inside a simulation panicked: the
// simulation's worker goroutines, started inside the bubble, outlived it.
func TestCompatSyncTest(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		var log []string
		simrt.RunSeed(seed, "", func() {
			log = nil
			tt := &testing.T{}
			simrt.SyncTest(tt, func(t *testing.T) {
				start := simrt.Now()
				c := simrt.MakeChan[int](0)
				n := 0
				for i := 0; i < 3; i++ {
					simrt.Go(func() {
						n++
						simrt.Recv(c)
					})
				}
				simrt.SyncWait()
				if n != 3 {
					log = append(log, "Wait returned before every goroutine blocked")
				}
				if d := simrt.Since(start); d != 0 {
					log = append(log, "the clock moved during Wait: "+d.String())
				}
				simrt.Go(func() {
					simrt.Sleep(time.Second)
					for i := 0; i < 3; i++ {
						simrt.Send(c, i)
					}
				})
				simrt.Cleanup(t, func() { log = append(log, "cleanup") })
				simrt.SyncWait()
				if d := simrt.Since(start); d != 0 {
					log = append(log, "the clock moved during the second Wait: "+d.String())
				}
			})
			log = append(log, "returned at +"+simrt.Since(simrt.Epoch).String())
		})
		if len(log) != 2 || log[0] != "cleanup" || log[1] != "returned at +1s" {
			t.Fatalf("seed %d: %q, want the cleanup, then the return after every goroutine exited at +1s", seed, log)
		}
	}
}

func TestHelperSyncTestDeadlock(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		simrt.SyncTest(t, func(t *testing.T) {
			c := simrt.MakeChan[int](0)
			simrt.Go(func() { simrt.Recv(c) })
		})
	})
}

// Goroutines of the bubble that never exit are a deadlock, as synctest
// reports them, not a hang or a leak.
func TestHarnessSyncTestDeadlock(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperSyncTestDeadlock$")
	r.must(t, 1, "deadlock", "synctest.Test", "--- FAIL: TestHelperSyncTestDeadlock")
}

// TestSyncTestTimeIsExact: inside synctest.Test the clock moves only when
// every goroutine in the bubble is blocked, as testing/synctest promises,
// so time slip is off there (gammazero/workerpool's
// TestWaitingQueueSizeRace, docs/smoke.md, needs its workers' 1µs sleeps
// to wait while the submitters compute). The stale-read probe, which slip
// finds outside a bubble, is never found inside one, and slip is on again
// after the bubble.
func TestSyncTestTimeIsExact(t *testing.T) {
	var outside, inside, after []uint64
	for seed := uint64(1); seed <= 50; seed++ {
		var out, in, aft bool
		simrt.RunSeed(seed, "", func() {
			out = staleRead()
			simrt.SyncTest(&testing.T{}, func(*testing.T) { in = staleRead() })
			aft = staleRead()
		})
		if out {
			outside = append(outside, seed)
		}
		if in {
			inside = append(inside, seed)
		}
		if aft {
			after = append(after, seed)
		}
	}
	if len(outside) == 0 || len(after) == 0 {
		t.Fatalf("slip found the stale read outside a bubble at seeds %v and after it at %v of 1..50: want some of each", outside, after)
	}
	if len(inside) > 0 {
		t.Errorf("a timer fired while the bubble's goroutines computed (seeds %v)", inside)
	}
}

// TestSyncTestReadingsAddNoWork: inside a bubble a reading adds no work,
// so two readings around work are equal, and none is earlier than a
// reading with work shown before the bubble began.
func TestSyncTestReadingsAddNoWork(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		simrt.RunSeed(seed, "", func() {
			simrt.Sleep(time.Millisecond)
			start := simrt.Now()
			lockRounds(100)
			before := simrt.Now()
			if !before.After(start) {
				panic(fmt.Sprintf("seed %d: 200 points outside a bubble read %v then %v", seed, start, before))
			}
			simrt.SyncTest(&testing.T{}, func(*testing.T) {
				first := simrt.Now()
				lockRounds(100)
				if again := simrt.Now(); first.Before(before) || !again.Equal(first) {
					panic(fmt.Sprintf("seed %d: in a bubble after a reading of %v, readings %v then %v", seed, before, first, again))
				}
			})
		})
	}
}
