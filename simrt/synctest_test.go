//go:build go1.25

package simrt_test

import (
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
