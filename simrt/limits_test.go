package simrt_test

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simatomic"
)

// TestSpinWaitsForASleeper: the root spins on a flag that a sleeping
// goroutine sets. Natively the spin costs wall time while the sleeper's
// timer runs; here each scheduling point costs virtual time (slip.go), so
// the sleeper's timer fires after about as many points as the spin takes
// natively, at its own instant. (A spin of a second would be 8 to 60
// million points, past SIM_LIVELOCK on some seeds: a livelock report.)
func TestSpinWaitsForASleeper(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		flag := false
		simrt.Go(func() {
			simrt.Sleep(10 * time.Millisecond)
			flag = true
		})
		for !flag {
			simrt.Gosched()
		}
		if d := since(); d != 10*time.Millisecond {
			t.Errorf("the sleeper woke at +%v, want +10ms", d)
		}
	})
}

// TestSpinWaitsForASleeperExact: under SIM_TIME=exact computation costs
// nothing, and the clock moves to the sleeper's timer after spinLimit
// points of the world at one instant instead, however long the sleep.
func TestSpinWaitsForASleeperExact(t *testing.T) {
	spinForHourSleeper(t, true, 1<<24)
}

// TestSpinWaitsForAFarTimer: a spin whose points cost a few nanoseconds
// each waits for a timer an hour away, far past SIM_LIVELOCK's worth of
// work: after that many points the clock moves to the timer, which ends the
// spin as the deadline ends it natively (bigcache's
// TestParallelSetAndIteration polls a 10 s deadline).
func TestSpinWaitsForAFarTimer(t *testing.T) {
	spinForHourSleeper(t, false, 100000)
}

// spinForHourSleeper spins on Gosched until a goroutine that sleeps an
// hour sets a flag, under SIM_TIME=exact or slip and the given
// SIM_LIVELOCK, and checks that the sleeper woke at +1h exactly.
func spinForHourSleeper(t *testing.T, exact bool, livelock int64) {
	var woke time.Duration
	simrt.RunSeedTime(1, "", exact, livelock, func() {
		flag := false
		simrt.Go(func() {
			simrt.Sleep(time.Hour)
			flag = true
		})
		for !flag {
			simrt.Gosched()
		}
		woke = since()
	})
	if woke != time.Hour {
		t.Errorf("the sleeper woke at +%v, want +1h", woke)
	}
}

// TestSpinFeedingAConsumer: the spinner polls a stop channel and feeds a
// consumer that blocks again after each value (dgraph-io/ristretto's
// TestCacheMetricsClear, which hung: the consumer's blocks kept resetting
// a count of points that was the world's, not the spinner's).
func TestSpinFeedingAConsumer(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		items, stop := simrt.MakeChan[int](0), simrt.MakeChan[struct{}](0)
		simrt.Go(func() {
			for {
				if _, ok := simrt.Recv2(items); !ok {
					return
				}
			}
		})
		simrt.Go(func() {
			for {
				switch simrt.Select(true, simrt.OnRecv(stop)) {
				case 0:
					simrt.Close(items)
					return
				default:
					simrt.Select(true, simrt.OnSend(items, 1))
				}
			}
		})
		simrt.Sleep(10 * time.Millisecond)
		simrt.Send(stop, struct{}{})
		if d := since(); d != 10*time.Millisecond {
			t.Errorf("the sleeper woke at +%v, want +10ms", d)
		}
	})
}

// TestHelperTickerKeepsDeadlockAlive: the root waits for a value nobody
// sends, while a ticker goroutine keeps the clock moving.
func TestHelperTickerKeepsDeadlockAlive(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		tk := simrt.NewTicker(time.Minute)
		simrt.Go(func() {
			for {
				simrt.Recv(tk.C)
			}
		})
		simrt.Recv(simrt.MakeChan[int](0)) // MARK forever
	})
}

func TestHarnessTimeLimit(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperTickerKeepsDeadlockAlive$", "SIM_SEED=1", "SIM_TIMELIMIT=10h")
	failsWith(t, r,
		"virtual time limit: the clock passed +10h0m0s (SIM_TIMELIMIT)",
		"[chan receive]",
		"limits_test.go:"+foreverLine(t),
		"SIM_SEED=1",
	)
}

// foreverLine is the line of the MARK forever comment in this file.
func foreverLine(t *testing.T) string {
	data, err := os.ReadFile("limits_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasSuffix(l, "// MARK forever") {
			return strconv.Itoa(i + 1)
		}
	}
	t.Fatal("no MARK forever")
	return ""
}

// TestHelperLivelock: two goroutines wait for each other's flag by
// spinning, and nothing else can set them: no timer pending, no progress.
func TestHelperLivelock(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		var a, b atomicFlag
		simrt.Go(func() {
			for !b.get() { // MARK spin-b
				simrt.Gosched()
			}
			a.set()
		})
		for !a.get() { // MARK spin-a
			simrt.Gosched()
		}
		b.set()
	})
}

// TestHelperLivelockTicker: the same two spinners, with an hourly ticker
// nobody receives from: the clock moves to its first tick, which ends
// nothing, and the run is a livelock after a second stretch.
func TestHelperLivelockTicker(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		tk := simrt.NewTicker(time.Hour)
		defer tk.Stop()
		var a, b atomicFlag
		simrt.Go(func() {
			for !b.get() {
				simrt.Gosched()
			}
			a.set()
		})
		for !a.get() {
			simrt.Gosched()
		}
		b.set()
	})
}

func TestHarnessLivelockTicker(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperLivelockTicker$", "SIM_SEED=1", "SIM_LIVELOCK=100000")
	failsWith(t, r,
		"livelock: 200000 scheduling points in a row without any goroutine blocking, starting or ending, and the clock moved to the next timer after 100000 of them without ending it; the next timer is due at +2h0m0s (SIM_LIVELOCK=100000",
		"goroutine 1 (root) [",
		"goroutine 2 [",
		"simrt: replay with: SIM_SEED=1 SIM_LIVELOCK=100000 go test",
	)
}

// atomicFlag is a flag read at a scheduling point, as a rewritten
// atomic.Bool is.
type atomicFlag struct{ v bool }

func (f *atomicFlag) get() bool { simrt.Yield(); return f.v }
func (f *atomicFlag) set()      { simrt.Yield(); f.v = true }

func TestHarnessLivelock(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperLivelock$", "SIM_SEED=1", "SIM_LIVELOCK=100000")
	failsWith(t, r,
		"livelock: 100000 scheduling points in a row without any goroutine blocking, starting or ending, and no timer is pending (SIM_LIVELOCK=100000",
		"goroutine 1 (root) [",
		"goroutine 2 [",
		"limits_test.go:"+markLine(t, "spin-a"),
		"limits_test.go:"+markLine(t, "spin-b"),
		"simrt: replay with: SIM_SEED=1 SIM_LIVELOCK=100000 go test",
	)
	if r.wall > 30*time.Second {
		t.Errorf("the livelock took %v to report", r.wall)
	}
}

// markLine is the line of the comment "// MARK name" in this file.
func markLine(t *testing.T, name string) string {
	data, err := os.ReadFile("limits_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasSuffix(l, "// MARK "+name) {
			return strconv.Itoa(i + 1)
		}
	}
	t.Fatalf("no MARK %s", name)
	return ""
}

// TestHelperDeadTicker: the root blocks for good while a 50µs ticker
// nobody receives from ticks on: every tick is dropped.
func TestHelperDeadTicker(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		tk := simrt.NewTicker(50 * time.Microsecond)
		defer tk.Stop()
		simrt.Recv(simrt.MakeChan[int](0)) // MARK dead-ticker
	})
}

func TestHarnessDeadTicker(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperDeadTicker$", "SIM_SEED=1")
	failsWith(t, r,
		"deadlock: every simulated goroutine is blocked, and the only pending timers are tickers whose values nobody receives",
		"limits_test.go:"+markLine(t, "dead-ticker"),
		"SIM_SEED=1",
	)
	if r.wall > 20*time.Second {
		t.Errorf("the deadlock took %v to report", r.wall)
	}
}

// TestHelperLoneComputation: one goroutine computes for 500,000 points,
// five times SIM_LIVELOCK in the harness test, while the root waits for
// it: nothing else can run, so it is not a livelock (puzpuzpuz/xsync's
// TestMapAtomicSnapshot, whose loader goroutine outlives its writers).
func TestHelperLoneComputation(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		var f atomicFlag
		done := simrt.MakeChan[int](0)
		simrt.Go(func() {
			n := 0
			for range 250000 {
				if !f.get() {
					n++
				}
			}
			simrt.Send(done, n)
		})
		if n := simrt.Recv(done); n != 250000 {
			t.Errorf("the loop ran %d times, want 250000", n)
		}
	})
}

func TestHarnessLoneComputation(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperLoneComputation$", "SIM_SEED=1", "SIM_LIVELOCK=100000")
	if r.code != 0 || !strings.Contains(r.out, "--- PASS: TestHelperLoneComputation") {
		t.Fatalf("exit code %d:\n%s", r.code, r.out)
	}
}

// TestHelperLoneSpin: one goroutine spins on a flag that nobody can set
// while the root waits for it, alone and forever: a livelock after
// loneFactor times SIM_LIVELOCK points.
func TestHelperLoneSpin(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		var f atomicFlag
		done := simrt.MakeChan[struct{}](0)
		simrt.Go(func() {
			for !f.get() {
				simrt.Gosched() // MARK lone-spin
			}
			simrt.Close(done)
		})
		simrt.Recv(done)
	})
}

func TestHarnessLoneSpin(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperLoneSpin$", "SIM_SEED=1", "SIM_LIVELOCK=10000")
	failsWith(t, r,
		"livelock: 160000 scheduling points in a row without any goroutine blocking, starting or ending, and no timer is pending (SIM_LIVELOCK=10000",
		"goroutine 2 [",
		"limits_test.go:"+markLine(t, "lone-spin"),
		"simrt: replay with: SIM_SEED=1 SIM_LIVELOCK=10000 go test",
	)
}

// failsWith checks that a helper run failed and that its output holds
// every one of wants.
func failsWith(t *testing.T, r result, wants ...string) {
	t.Helper()
	if r.code == 0 {
		t.Fatalf("the run passed:\n%s", r.out)
	}
	for _, want := range wants {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
}

// TestHelperAtomicWriter: four readers spin on an atomic counter while a
// writer increments it 10,000 times, and nobody blocks for about five
// times SIM_LIVELOCK points in the harness test: each change the writer
// makes is progress, so it is not a livelock (maypok86/otter's hashmap
// test, readers spinning on atomics while a writer works).
func TestHelperAtomicWriter(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		const n = 10000
		var c simatomic.Int64
		done := simrt.MakeChan[int](5)
		for range 4 {
			simrt.Go(func() {
				spins := 0
				for c.Load() < n {
					spins++
				}
				simrt.Send(done, spins)
			})
		}
		simrt.Go(func() {
			for range n {
				c.Add(1)
			}
			simrt.Send(done, 0)
		})
		spins := 0
		for range 5 {
			spins += simrt.Recv(done)
		}
		t.Logf("readers spun %d times", spins)
	})
}

func TestHarnessAtomicWriter(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperAtomicWriter$", "SIM_SEED=1", "SIM_LIVELOCK=10000")
	if r.code != 0 || !strings.Contains(r.out, "--- PASS: TestHelperAtomicWriter") {
		t.Fatalf("exit code %d:\n%s", r.code, r.out)
	}
	m := regexp.MustCompile(`readers spun (\d+) times`).FindStringSubmatch(r.out)
	if m == nil {
		t.Fatalf("no count of spins:\n%s", r.out)
	}
	if spins, _ := strconv.Atoi(m[1]); spins <= 10000 {
		t.Fatalf("the readers spun %d times, not past SIM_LIVELOCK: the test shows nothing", spins)
	}
}

// TestHelperBusyWriters: two goroutines keep incrementing a counter while
// they wait for a flag that nobody sets. Each increment changes a value,
// but nothing ever blocks, starts or ends: a livelock after loneFactor
// times SIM_LIVELOCK points.
func TestHelperBusyWriters(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		var c simatomic.Int64
		var f simatomic.Bool
		done := simrt.MakeChan[struct{}](0)
		for range 2 {
			simrt.Go(func() {
				for !f.Load() { // MARK busy-writer
					c.Add(1)
				}
				simrt.Send(done, struct{}{})
			})
		}
		simrt.Recv(done)
	})
}

func TestHarnessBusyWriters(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperBusyWriters$", "SIM_SEED=1", "SIM_LIVELOCK=10000")
	failsWith(t, r,
		"livelock: 160000 scheduling points in a row without any goroutine blocking, starting or ending, and no timer is pending (SIM_LIVELOCK=10000",
		"goroutine 2 [",
		"goroutine 3 [",
		"limits_test.go:"+markLine(t, "busy-writer"),
		"simrt: replay with: SIM_SEED=1 SIM_LIVELOCK=10000 go test",
	)
}

// TestHelperBusyWritersTimer: the busy writers of TestHelperBusyWriters,
// with an hour's timer that sets their flag. Their writes end every quiet
// stretch, but the stretch without a block is long enough: the clock moves
// to the timer once, as it does for a spin, and they end.
func TestHelperBusyWritersTimer(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		var c simatomic.Int64
		var f simatomic.Bool
		start := simrt.Now()
		simrt.AfterFunc(time.Hour, func() { f.Store(true) })
		done := simrt.MakeChan[struct{}](0)
		for range 2 {
			simrt.Go(func() {
				for !f.Load() {
					c.Add(1)
				}
				simrt.Send(done, struct{}{})
			})
		}
		simrt.Recv(done)
		simrt.Recv(done)
		t.Logf("ended at +%v", simrt.Since(start))
	})
}

func TestHarnessBusyWritersTimer(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperBusyWritersTimer$", "SIM_SEED=1", "SIM_LIVELOCK=10000")
	if r.code != 0 || !strings.Contains(r.out, "--- PASS: TestHelperBusyWritersTimer") || !strings.Contains(r.out, "ended at +1h0m0s") {
		t.Fatalf("exit code %d:\n%s", r.code, r.out)
	}
}
