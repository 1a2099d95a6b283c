package simrt_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
)

// racy is a program whose outcome depends on the interleaving: eight
// goroutines yield a few times and then report, in whatever order they get
// there, with a timer or two in the mix.
func racy() string {
	c := simrt.MakeChan[int](8)
	for i := 0; i < 8; i++ {
		simrt.Go(func() {
			for j := 0; j < 3; j++ {
				simrt.Gosched()
			}
			if i%3 == 0 {
				simrt.Sleep(time.Millisecond)
			}
			simrt.Send(c, i)
		})
	}
	var b strings.Builder
	for i := 0; i < 8; i++ {
		fmt.Fprint(&b, simrt.Recv(c))
	}
	return b.String()
}

type run struct {
	order string
	hash  uint64
	steps int64
}

func runRacy(seed uint64, strategy string) run {
	var r run
	r.hash, r.steps = simrt.RunSeed(seed, strategy, func() { r.order = racy() })
	return r
}

func TestSchedSameSeedSameStream(t *testing.T) {
	for _, strategy := range []string{"", "random", "pct", "pct:3", "pct:2:100"} {
		for seed := uint64(0); seed < 20; seed++ {
			a, b := runRacy(seed, strategy), runRacy(seed, strategy)
			if a != b {
				t.Errorf("strategy %q seed %d: %+v, then %+v", strategy, seed, a, b)
			}
		}
	}
}

func TestSchedDifferentSeedsDifferentStreams(t *testing.T) {
	for _, strategy := range []string{"random", "pct:3"} {
		orders, hashes := map[string]bool{}, map[uint64]bool{}
		for seed := uint64(0); seed < 20; seed++ {
			r := runRacy(seed, strategy)
			orders[r.order] = true
			hashes[r.hash] = true
		}
		if len(orders) < 10 || len(hashes) < 10 {
			t.Errorf("strategy %s: 20 seeds gave %d orders and %d decision hashes", strategy, len(orders), len(hashes))
		}
	}
}

// TestSchedRandomAndPCTDiffer: the strategy, not only the seed, shapes the
// run.
func TestSchedRandomAndPCTDiffer(t *testing.T) {
	same := 0
	for seed := uint64(0); seed < 10; seed++ {
		if runRacy(seed, "random").hash == runRacy(seed, "pct:3").hash {
			same++
		}
	}
	if same == 10 {
		t.Error("random and pct:3 made the same decisions for 10 seeds")
	}
}

func TestSchedParseStrategy(t *testing.T) {
	for in, want := range map[string]string{
		"":          "portfolio",
		"portfolio": "portfolio",
		"random":    "random",
		"pct":       "pct:3:10000",
		"pct:3":     "pct:3:10000",
		"pct:1":     "pct:1:10000",
		"pct:5:200": "pct:5:200",
		"fifo":      "error",
		"pct:0":     "error",
		"pct:x":     "error",
		"pct:3:0":   "error",
		"pct:1:2:3": "error",
	} {
		got, err := simrt.ParseStrategy(in)
		if err != nil {
			got = "error"
		}
		if got != want {
			t.Errorf("SIM_STRATEGY=%q: %s, want %s (%v)", in, got, want, err)
		}
	}
}

// TestSchedGoschedYields: a goroutine spinning on Gosched lets the others
// run, under every strategy.
func TestSchedGoschedYields(t *testing.T) {
	for _, strategy := range []string{"random", "pct:3", "pct:1"} {
		for seed := uint64(0); seed < 5; seed++ {
			spins := -1
			simrt.RunSeed(seed, strategy, func() {
				flag := false
				simrt.Go(func() { flag = true })
				for i := 0; i < 100000; i++ {
					if flag {
						spins = i
						return
					}
					simrt.Gosched()
				}
			})
			if spins < 0 {
				t.Errorf("strategy %s seed %d: the spawned goroutine never ran while the root called Gosched", strategy, seed)
			}
		}
	}
}

func TestSchedGoschedOnlyGoroutine(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		for i := 0; i < 100; i++ {
			simrt.Gosched()
		}
		if d := since(); d != 0 {
			t.Errorf("Gosched moved the clock to +%v", d)
		}
	})
}

func TestSchedNumGoroutine(t *testing.T) {
	scenario := func(spawn func(func()), num func() int, yield func()) string {
		base := num()
		release := make(chan struct{})
		exited := make(chan struct{}, 3)
		for i := 0; i < 3; i++ {
			spawn(func() {
				for {
					select {
					case <-release:
						exited <- struct{}{}
						return
					default:
						yield()
					}
				}
			})
		}
		during := num() - base
		close(release)
		for i := 0; i < 3; i++ {
			for len(exited) == 0 {
				yield()
			}
			<-exited
		}
		for i := 0; i < 1000 && num() != base; i++ {
			yield()
		}
		return fmt.Sprintf("during +%d after +%d", during, num()-base)
	}
	const want = "during +3 after +0"
	// Natively, goroutines of parallel tests (child processes' I/O) come and
	// go, so only the simulated count is exact; the native run shows the
	// scenario itself is sound.
	var during, after int
	if _, err := fmt.Sscanf(scenario(func(f func()) { go f() }, runtime.NumGoroutine, func() { time.Sleep(time.Millisecond) }), "during +%d after +%d", &during, &after); err != nil || during < 3 {
		t.Errorf("native: during +%d after +%d (%v)", during, after, err)
	}
	simrt.Test(t, func(t *testing.T) {
		if n := simrt.NumGoroutine(); n != 1 {
			t.Errorf("NumGoroutine() = %d at the start of a world, want 1", n)
		}
		if got := scenario(simrt.Go, simrt.NumGoroutine, simrt.Gosched); got != want {
			t.Errorf("simulated: %s, want %s", got, want)
		}
	})
}

func TestSchedGoexit(t *testing.T) {
	scenario := func(spawn func(func()), goexit func(), wait func(chan string) string) string {
		c := make(chan string, 2)
		spawn(func() {
			defer func() { c <- "deferred ran" }()
			goexit()
			c <- "after Goexit"
		})
		return wait(c)
	}
	nativeWait := func(c chan string) string { return <-c }
	if got := scenario(func(f func()) { go f() }, runtime.Goexit, nativeWait); got != "deferred ran" {
		t.Errorf("native: %s", got)
	}
	simrt.Test(t, func(t *testing.T) {
		simWait := func(c chan string) string {
			return simrt.Recv(simrt.NativeRecv((<-chan string)(c)))
		}
		if got := scenario(simrt.Go, simrt.Goexit, simWait); got != "deferred ran" {
			t.Errorf("simulated: %s", got)
		}
		// The world goes on after a goroutine's Goexit.
		c := simrt.MakeChan[int](0)
		simrt.Go(func() { simrt.Send(c, 1) })
		if simrt.Recv(c) != 1 || simrt.NumGoroutine() > 2 {
			t.Errorf("after Goexit: %d goroutines", simrt.NumGoroutine())
		}
	})
}

// TestSchedGoOutsideWorldStartsInNext: a go statement run outside any
// simulation (package init) starts in the next world.
func TestSchedGoOutsideWorldStartsInNext(t *testing.T) {
	c := simrt.MakeChan[string](1)
	simrt.Go(func() { simrt.Send(c, fmt.Sprintf("ran at +%v", since())) })
	simrt.Test(t, func(t *testing.T) {
		if got := simrt.Recv(c); got != "ran at +0s" {
			t.Errorf("pending goroutine: %s", got)
		}
	})
}

// TestSchedOneAtATime: simulated goroutines never overlap, so unguarded
// shared state is safe (the race detector would flag overlap).
func TestSchedOneAtATime(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		running, counter := 0, 0
		var wg simrt.WaitGroup
		for i := 0; i < 50; i++ {
			wg.Add(1)
			simrt.Go(func() {
				defer wg.Done()
				for j := 0; j < 20; j++ {
					running++
					if running != 1 {
						t.Errorf("%d goroutines running at once", running)
					}
					counter++
					running--
					simrt.Gosched()
				}
			})
		}
		wg.Wait()
		if counter != 1000 {
			t.Errorf("counter = %d", counter)
		}
	})
}

func TestSchedWorldsIndependent(t *testing.T) {
	// The same seed gives the same run even after other worlds ran in
	// between, leaving goroutines behind.
	a := runRacy(42, "")
	simrt.RunSeed(1, "", func() {
		c := simrt.MakeChan[int](0)
		for i := 0; i < 10; i++ {
			simrt.Go(func() { simrt.Recv(c) }) // left blocked at the end
		}
		simrt.Sleep(time.Second)
	})
	if b := runRacy(42, ""); a != b {
		t.Errorf("seed 42 before and after another world: %+v vs %+v", a, b)
	}
}
