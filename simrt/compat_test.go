package simrt_test

// Regression tests for runtime bugs found by running real modules' test
// suites under simulation (docs/compatibility.md).

import (
	"flag"
	"runtime"
	"strings"
	"testing"

	"simgen.dev/simgen/simrt"
)

// b.RunParallel (golang.org/x/time/rate, panjf2000/ants, x/sync/syncmap
// benchmarks) runs its body on GOMAXPROCS simulated goroutines that share
// b.N iterations, and the goroutines interleave.
func TestCompatRunParallel(t *testing.T) {
	shortBench(t)
	var total, benchN, maxLive int
	var switches int
	res := testing.Benchmark(func(b *testing.B) {
		simrt.Benchmark(b, func(b *testing.B) {
			total, benchN = 0, b.N
			last := -1
			id := 0
			simrt.RunParallel(b, func(pb *simrt.PB) {
				me := id
				id++
				if n := simrt.NumGoroutine(); n > maxLive {
					maxLive = n
				}
				for pb.Next() {
					total++
					if last != me {
						switches++
						last = me
					}
				}
			})
		})
	})
	if res.N == 0 || total != benchN {
		t.Fatalf("ran %d iterations for b.N = %d", total, benchN)
	}
	if p := runtime.GOMAXPROCS(0); p > 1 && (maxLive < 3 || maxLive > p+1) {
		t.Errorf("%d goroutines live at most, want 3 to GOMAXPROCS+1 = %d", maxLive, p+1)
	}
	if runtime.GOMAXPROCS(0) > 1 && benchN > 100 && switches < 2 {
		t.Errorf("the parallel bodies never interleaved (%d switches in %d iterations)", switches, benchN)
	}
}

// Outside a simulation the body runs on the caller for all b.N iterations.
func TestCompatRunParallelOutside(t *testing.T) {
	shortBench(t)
	res := testing.Benchmark(func(b *testing.B) {
		n := 0
		simrt.RunParallel(b, func(pb *simrt.PB) {
			for pb.Next() {
				n++
			}
		})
		if n != b.N {
			b.Fatalf("ran %d iterations for b.N = %d", n, b.N)
		}
	})
	if res.N == 0 {
		t.Fatal("benchmark failed")
	}
}

// shortBench makes testing.Benchmark run 1000 iterations, not a second's
// worth, for the rest of the test.
func shortBench(t *testing.T) {
	f := flag.Lookup("test.benchtime")
	old := f.Value.String()
	if err := flag.Set("test.benchtime", "1000x"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { flag.Set("test.benchtime", old) })
}

// runtime.Stack(buf, true) (go.uber.org/goleak, in smallnest/chanx's
// tests) leaves out the simulation's own goroutines: idle workers and the
// watchdog were reported as leaks. Simulated goroutines, blocked or not,
// stay.
func TestCompatStackAll(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		// Goroutines that end leave idle workers behind.
		var wg simrt.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			simrt.Go(func() { wg.Done() })
		}
		wg.Wait()
		c, started := simrt.MakeChan[int](0), simrt.MakeChan[int](0)
		simrt.Go(func() { blockedInStackTest(started, c) })
		simrt.Recv(started)
		buf := make([]byte, 1<<20)
		dump := string(buf[:simrt.Stack(buf, true)])
		if !strings.Contains(dump, "TestCompatStackAll") {
			t.Errorf("the caller's own goroutine is missing:\n%s", dump)
		}
		if !strings.Contains(dump, "blockedInStackTest") {
			t.Errorf("the blocked simulated goroutine is missing:\n%s", dump)
		}
		for _, internal := range []string{"(*worker).loop", "simrt.watchdog"} {
			for _, block := range strings.Split(dump, "\n\n") {
				if strings.Contains(block, internal) && !strings.Contains(block, "simrt_test.") {
					t.Errorf("the dump holds a goroutine of the simulation's own:\n%s", block)
				}
			}
		}
		// A buffer too small is filled, as runtime.Stack fills it.
		small := make([]byte, 10)
		if n := simrt.Stack(small, true); n != len(small) {
			t.Errorf("Stack into 10 bytes = %d", n)
		}
		simrt.Send(c, 1)
	})
}

func blockedInStackTest(started, c *simrt.Chan[int]) {
	simrt.Send(started, 1)
	simrt.Recv(c)
}
