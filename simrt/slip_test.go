package simrt_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
)

// staleRead is issue 13's first probe, as simgen rewrites it: an expiry
// timer deletes the key between the check and the read. It reports whether
// the key vanished between the two.
func staleRead() (vanished bool) {
	var mu simrt.Mutex
	m := map[string]int{"k": 1}
	simrt.AfterFunc(time.Microsecond, func() { mu.Lock(); delete(m, "k"); mu.Unlock() })
	for i := 0; i < 2000; i++ {
		mu.Lock()
		_, ok := m["k"]
		mu.Unlock()
		if !ok {
			return false
		}
		mu.Lock()
		_, ok = m["k"]
		mu.Unlock()
		if !ok {
			return true
		}
	}
	return false
}

// generation is the second probe: a 1 µs ticker bumps a counter under the
// lock while a worker reads it twice in two critical sections.
func generation() (changed bool) {
	var mu simrt.Mutex
	gen := 0
	tk := simrt.NewTicker(time.Microsecond)
	stop := simrt.MakeChan[struct{}](0)
	done := simrt.MakeChan[struct{}](0)
	simrt.Go(func() {
		defer simrt.Close(done)
		for {
			switch simrt.Select(false, simrt.OnRecv(tk.C), simrt.OnRecv(stop)) {
			case 0:
				mu.Lock()
				gen++
				mu.Unlock()
			case 1:
				return
			}
		}
	})
	for i := 0; i < 1000 && !changed; i++ {
		mu.Lock()
		g1 := gen
		mu.Unlock()
		mu.Lock()
		g2 := gen
		mu.Unlock()
		changed = g1 != g2
	}
	tk.Stop()
	simrt.Close(stop)
	simrt.Recv(done)
	return changed
}

// seedsHit runs probe under seeds 1..n and returns the seeds where it hit.
func seedsHit(n int, exact bool, probe func() bool) []uint64 {
	var hit []uint64
	for seed := uint64(1); seed <= uint64(n); seed++ {
		var got bool
		simrt.RunSeedTime(seed, "", exact, 0, func() { got = probe() })
		if got {
			hit = append(hit, seed)
		}
	}
	return hit
}

// TestSlipFindsTheProbes: default exploration finds both probes of issue
// 13, a found seed replays, and SIM_TIME=exact never shows them (there,
// time cannot move while the root computes).
func TestSlipFindsTheProbes(t *testing.T) {
	for _, p := range []struct {
		name  string
		probe func() bool
	}{{"stale read", staleRead}, {"generation", generation}} {
		hit := seedsHit(200, false, p.probe)
		t.Logf("%s: %d of 200 seeds, first %v", p.name, len(hit), hit[:min(len(hit), 5)])
		if len(hit) == 0 {
			t.Errorf("%s: no seed of 1..200 found the bug", p.name)
			continue
		}
		var again bool
		simrt.RunSeedTime(hit[0], "", false, 0, func() { again = p.probe() })
		if !again {
			t.Errorf("%s: seed %d found the bug, its replay did not", p.name, hit[0])
		}
		if exact := seedsHit(50, true, p.probe); len(exact) > 0 {
			t.Errorf("%s: SIM_TIME=exact showed the bug at seeds %v", p.name, exact)
		}
	}
}

// TestSlipShortTimersFireLongOnesRarely measures, over 100 seeds, how often
// a timer fires while the root does 5000 Lock/Unlock pairs (10000 points,
// 160 µs to 1.28 ms of work) with nothing else runnable: short timers
// readily, long ones never.
func TestSlipShortTimersFireLongOnesRarely(t *testing.T) {
	fired := func(d time.Duration) int {
		n := 0
		for seed := uint64(1); seed <= 100; seed++ {
			simrt.RunSeedTime(seed, "", false, 0, func() {
				var mu simrt.Mutex
				work := 0
				tm := simrt.AfterFunc(d, func() {})
				for i := 0; i < 5000; i++ {
					mu.Lock()
					work++
					mu.Unlock()
				}
				if !tm.Stop() {
					n++
				}
			})
		}
		return n
	}
	want := map[time.Duration][2]int{ // at least, at most (of 100)
		time.Microsecond:       {100, 100},
		100 * time.Microsecond: {100, 100},
		500 * time.Microsecond: {30, 80},
		time.Millisecond:       {5, 40},
		10 * time.Millisecond:  {0, 0},
		time.Second:            {0, 0},
	}
	var line []string
	for _, d := range []time.Duration{time.Microsecond, 100 * time.Microsecond, 500 * time.Microsecond, time.Millisecond, 10 * time.Millisecond, time.Second} {
		n := fired(d)
		line = append(line, fmt.Sprintf("%v: %d", d, n))
		if n < want[d][0] || n > want[d][1] {
			t.Errorf("a %v timer fired mid-computation under %d of 100 seeds, want %d..%d", d, n, want[d][0], want[d][1])
		}
	}
	t.Logf("timers fired during 10000 points, of 100 seeds: %s", strings.Join(line, ", "))
}

// TestSlipSpinWait: a 1 ms spin-wait (select with default on a channel a
// sleeper closes) ends after about as many points as natively, so 100
// seeds take well under a second, and the sleeper still wakes at +1ms
// exactly.
func TestSlipSpinWait(t *testing.T) {
	start := time.Now()
	var maxSteps int64
	for seed := uint64(1); seed <= 100; seed++ {
		_, steps := simrt.RunSeedTime(seed, "", false, 1<<24, func() {
			done := simrt.MakeChan[struct{}](0)
			simrt.Go(func() { simrt.Sleep(time.Millisecond); simrt.Close(done) })
			for spinning := true; spinning; {
				switch simrt.Select(true, simrt.OnRecv(done)) {
				case 0:
					spinning = false
				}
			}
			if d := since(); d != time.Millisecond {
				panic(fmt.Sprintf("the spin ended at +%v, want +1ms", d))
			}
		})
		maxSteps = max(maxSteps, steps)
	}
	wall := time.Since(start)
	t.Logf("100 seeds of a 1 ms spin-wait: %v wall, at most %d decisions a seed", wall, maxSteps)
	if wall > 20*time.Second {
		t.Errorf("100 seeds of a 1 ms spin-wait took %v", wall)
	}
}

// TestSlipPollerRoundTrips is the consensus library's leader wait: the
// poller asks a node's goroutine for its status over a channel round trip,
// blocking briefly each time, and the node becomes leader on its third
// 5 ms tick. The points of both goroutines count towards the tick (a count
// that restarted at each block would never let the clock move), so 20
// seeds take about as long as one native run (15 ms of polling each).
func TestSlipPollerRoundTrips(t *testing.T) {
	start := time.Now()
	var maxSteps int64
	for seed := uint64(1); seed <= 20; seed++ {
		_, steps := simrt.RunSeedTime(seed, "", false, 1<<24, func() {
			stop := simrt.MakeChan[struct{}](0)
			req := simStatusNode(5*time.Millisecond, stop, func(ticks int) bool { return ticks >= 3 })
			status := func() bool {
				reply := simrt.MakeChan[bool](0)
				simrt.Send(req, reply)
				return simrt.Recv(reply)
			}
			for !status() {
			}
			if d := since(); d != 15*time.Millisecond {
				panic(fmt.Sprintf("leader at +%v, want +15ms", d))
			}
			simrt.Close(stop)
		})
		maxSteps = max(maxSteps, steps)
	}
	wall := time.Since(start)
	t.Logf("20 seeds of a 15 ms poll over round trips: %v wall, at most %d decisions a seed", wall, maxSteps)
	if wall > 20*time.Second {
		t.Errorf("20 seeds of a 15 ms round-trip poll took %v", wall)
	}
}

// TestSlipExactSleepers: 1000 goroutines sleeping 100 times 1 ms take
// exactly 100 ms under every seed, because sleepers that only sleep and
// block do not compute: the acceptance check's property by design.
func TestSlipExactSleepers(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		simrt.RunSeedTime(seed, "", false, 1<<24, func() {
			start := simrt.Now()
			var wg simrt.WaitGroup
			for i := 0; i < 1000; i++ {
				wg.Add(1)
				simrt.Go(func() {
					defer wg.Done()
					for j := 0; j < 100; j++ {
						simrt.Sleep(time.Millisecond)
					}
				})
			}
			wg.Wait()
			if d := simrt.Since(start); d != 100*time.Millisecond {
				panic(fmt.Sprintf("seed %d (cost %v a point): elapsed %v, want 100ms", seed, simrt.CostFor(seed), d))
			}
		})
	}
}

// TestSlipReadingsShowOwnWork: a goroutine that reads the clock again at
// the same instant sees its own computation since its last reading, so a
// duration measured around work with scheduling points is non-zero; the
// first reading after a timer shows the timer's instant; readings never go
// backwards, across goroutines too; a sleep counts from the latest reading;
// and under SIM_TIME=exact nothing of it shows.
func TestSlipReadingsShowOwnWork(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		for _, exact := range []bool{false, true} {
			var elapsed, rtt, slept time.Duration
			simrt.RunSeedTime(seed, "", exact, 1<<24, func() {
				simrt.Sleep(time.Millisecond)
				if d := since(); d != time.Millisecond {
					panic(fmt.Sprintf("first reading after a 1ms sleep: +%v", d))
				}
				start := simrt.Now()
				if again := simrt.Now(); !again.Equal(start) {
					panic(fmt.Sprintf("two readings with nothing between: %v then %v", start, again))
				}
				lockRounds(100)
				elapsed = simrt.Since(start)

				// A reading handed to another goroutine is never later than
				// that goroutine's own readings.
				req, reply := simrt.MakeChan[time.Time](0), simrt.MakeChan[time.Time](0)
				simrt.Go(func() {
					sent := simrt.Recv(req)
					if got := simrt.Now(); got.Before(sent) {
						panic(fmt.Sprintf("a reading at %v after one of %v went backwards", got, sent))
					}
					simrt.Send(reply, simrt.Now())
				})
				t0 := simrt.Now()
				simrt.Send(req, t0)
				if t1 := simrt.Recv(reply); t1.Before(t0) {
					panic("the reply's reading is before the request's")
				}
				rtt = simrt.Since(t0)

				s := simrt.Now()
				simrt.Sleep(time.Millisecond)
				slept = simrt.Since(s)
			})
			if exact {
				if elapsed != 0 || rtt != 0 {
					t.Errorf("seed %d, SIM_TIME=exact: work took %v, a round trip %v; want 0", seed, elapsed, rtt)
				}
			} else {
				if min := 200 * simrt.CostFor(seed); elapsed < min || elapsed > 200*128 {
					t.Errorf("seed %d: 100 Lock/Unlock pairs took %v, want at least 200 points of %v", seed, elapsed, simrt.CostFor(seed))
				}
				if rtt <= 0 {
					t.Errorf("seed %d: a round trip took %v, want > 0", seed, rtt)
				}
			}
			if slept != time.Millisecond {
				t.Errorf("seed %d (exact %v): a reading, a 1ms sleep and a reading: %v", seed, exact, slept)
			}
		}
	}
}

// TestSlipCallAtNeverMovesTheClockBack: a call armed for an absolute time
// that lies between the clock's instant and a reading already shown (a
// deadline computed from an earlier reading, as simnet's SetDeadline or a
// message's arrival) runs at the latest reading, not at its own time: the
// clock moving to it would show readings earlier than one already shown.
func TestSlipCallAtNeverMovesTheClockBack(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		simrt.RunSeedTime(seed, "", false, 1<<24, func() {
			simrt.Sleep(time.Millisecond)
			early := simrt.Now() // the instant itself: the first reading
			lockRounds(100)
			late := simrt.Now()
			if !late.After(early) {
				panic(fmt.Sprintf("seed %d: 200 points of work read %v then %v", seed, early, late))
			}
			done := simrt.MakeChan[time.Time](1)
			simrt.CallAt(early.Add(late.Sub(early)/2), func() {})
			simrt.CallAt(early.Add(late.Sub(early)/2), func() { simrt.Send(done, simrt.Now()) })
			got := simrt.Recv(done)
			if got.Before(late) {
				panic(fmt.Sprintf("seed %d: a call due before the reading %v ran at %v", seed, late, got))
			}
			if now := simrt.Now(); now.Before(late) {
				panic(fmt.Sprintf("seed %d: the clock went back from %v to %v", seed, late, now))
			}
		})
	}
}

// lockRounds takes and releases a fresh mutex n times: 2n scheduling
// points of work that wait on nothing. It returns the rounds counted under
// the lock, so that no critical section is empty.
func lockRounds(n int) int {
	var mu simrt.Mutex
	k := 0
	for i := 0; i < n; i++ {
		mu.Lock()
		k++
		mu.Unlock()
	}
	return k
}
