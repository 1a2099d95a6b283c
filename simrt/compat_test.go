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
		// The blocked goroutine reads as natively: its state, its own
		// function on top, the go statement as its creator.
		for _, block := range strings.Split(dump, "\n\n") {
			if !strings.Contains(block, "blockedInStackTest") {
				continue
			}
			lines := strings.Split(block, "\n")
			if len(lines) < 5 || !(strings.HasSuffix(lines[0], " [chan receive]:") || strings.HasSuffix(lines[0], " [runnable]:")) ||
				!strings.HasPrefix(lines[1], "simgen.dev/simgen/simrt_test.blockedInStackTest(") ||
				!strings.HasPrefix(lines[len(lines)-2], "created by simgen.dev/simgen/simrt_test.TestCompatStackAll.func1 in goroutine ") ||
				!strings.Contains(lines[len(lines)-1], "compat_test.go:") ||
				strings.Contains(block, "simrt.") {
				t.Errorf("the blocked goroutine does not read as it would natively:\n%s", block)
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

// runtime.Stack(buf, false) in a simulated goroutine (goleak's Current,
// IgnoreCurrent) names the caller on top and an id of the goroutine's own:
// the worker that carries it carries others after it, and natively no two
// goroutines share an id.
func TestCompatStackCurrent(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var headers []string
		for i := 0; i < 3; i++ {
			done := simrt.MakeChan[int](0)
			simrt.Go(func() {
				buf := make([]byte, 1<<16)
				lines := strings.Split(string(buf[:simrt.Stack(buf, false)]), "\n")
				if len(lines) < 2 || !strings.HasPrefix(lines[1], "simgen.dev/simgen/simrt_test.TestCompatStackCurrent.func1.1()") {
					t.Errorf("the top frame is not the caller's:\n%s", strings.Join(lines, "\n"))
				}
				headers = append(headers, lines[0])
				simrt.Close(done)
			})
			simrt.Recv(done)
		}
		if headers[0] == headers[1] || headers[1] == headers[2] || headers[0] == headers[2] {
			t.Errorf("goroutines share an id: %q", headers)
		}
	})
}
