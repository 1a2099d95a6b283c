package simrt_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
)

// since returns the virtual time elapsed since Epoch.
func since() time.Duration { return simrt.Since(simrt.Epoch) }

func TestTimeStartsAtEpoch(t *testing.T) {
	if want := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC); !simrt.Epoch.Equal(want) {
		t.Fatalf("Epoch = %v, want %v", simrt.Epoch, want)
	}
	for i := 0; i < 2; i++ { // and again in a fresh world
		simrt.Test(t, func(t *testing.T) {
			if now := simrt.Now(); !now.Equal(simrt.Epoch) {
				t.Errorf("Now() = %v, want Epoch", now)
			}
			simrt.Sleep(time.Hour)
		})
	}
}

func TestTimeSleepExact(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		simrt.Sleep(1500 * time.Millisecond)
		if d := since(); d != 1500*time.Millisecond {
			t.Errorf("after Sleep(1.5s): +%v", d)
		}
		// Sleep(0) and Sleep(-1s) are scheduling points: they cost the
		// time of two points, no more.
		simrt.Sleep(0)
		simrt.Sleep(-time.Second)
		d := since()
		if d < 1500*time.Millisecond || d > 1500*time.Millisecond+time.Microsecond {
			t.Errorf("Sleep(0) and Sleep(-1s) moved the clock to +%v", d)
		}
		// A sleep counts from the latest reading.
		simrt.Sleep(time.Nanosecond)
		if d2 := since(); d2 != d+time.Nanosecond {
			t.Errorf("after Sleep(1ns) at +%v: +%v", d, d2)
		}
	})
}

func TestTimeSinceUntil(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		start := simrt.Now()
		simrt.Sleep(2 * time.Second)
		if d := simrt.Since(start); d != 2*time.Second {
			t.Errorf("Since = %v", d)
		}
		if d := simrt.Until(simrt.Epoch.Add(5 * time.Second)); d != 3*time.Second {
			t.Errorf("Until = %v", d)
		}
	})
}

func TestTimeComputationCostsNothing(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		x := 0
		for i := 0; i < 1000000; i++ {
			x += i
		}
		for i := 0; i < 1000; i++ {
			simrt.Gosched()
		}
		c := simrt.MakeChan[int](0)
		simrt.Go(func() {
			for i := 0; i < 1000; i++ {
				simrt.Send(c, i)
			}
		})
		for i := 0; i < 1000; i++ {
			simrt.Recv(c)
		}
		if d := since(); d != 0 || x == 0 {
			t.Errorf("computation and channel traffic moved the clock to +%v", d)
		}
	})
}

func TestTimeDayOfSleepIsFast(t *testing.T) {
	start := time.Now()
	simrt.Test(t, func(t *testing.T) {
		var wg simrt.WaitGroup
		for i := 0; i < 100; i++ {
			wg.Add(1)
			simrt.Go(func() {
				defer wg.Done()
				for h := 0; h < 24; h++ {
					simrt.Sleep(time.Hour)
				}
			})
		}
		for m := 0; m < 24*60; m++ {
			simrt.Sleep(time.Minute)
		}
		wg.Wait()
		if d := since(); d != 24*time.Hour {
			t.Errorf("after a day: +%v", d)
		}
	})
	if wall := time.Since(start); wall > 2*time.Second {
		t.Errorf("a simulated day took %v of wall time", wall)
	}
}

func TestTimeAfter(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		v := simrt.Recv(simrt.After(3 * time.Second))
		if !v.Equal(simrt.Epoch.Add(3*time.Second)) || since() != 3*time.Second {
			t.Errorf("After(3s) delivered %v at +%v", v, since())
		}
		// After in a select against a channel that never becomes ready.
		never := simrt.MakeChan[int](0)
		if i := simrt.Select(false, simrt.OnRecv(never), simrt.OnRecv(simrt.After(time.Minute))); i != 1 {
			t.Errorf("select picked %d", i)
		}
		if d := since(); d != time.Minute+3*time.Second {
			t.Errorf("timeout fired at +%v", d)
		}
	})
}

func TestTimeTimerValue(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		simrt.Sleep(time.Second)
		tm := simrt.NewTimer(2 * time.Second)
		simrt.Sleep(5 * time.Second)
		// Delivered late: the value is the firing time, not the receive time.
		if v := simrt.Recv(tm.C); !v.Equal(simrt.Epoch.Add(3 * time.Second)) {
			t.Errorf("timer value %v, want Epoch+3s", v)
		}
	})
}

func TestTimeAfterFuncOwnGoroutine(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		c := simrt.MakeChan[string](0)
		simrt.AfterFunc(time.Second, func() {
			// Blocking here must not block the clock or the root.
			simrt.Send(c, fmt.Sprintf("+%v goroutines %d", since(), simrt.NumGoroutine()))
		})
		if n := simrt.NumGoroutine(); n != 1 {
			t.Errorf("before firing: %d goroutines", n)
		}
		if got := simrt.Recv(c); got != "+1s goroutines 2" {
			t.Errorf("AfterFunc ran with %q", got)
		}
	})
}

func TestTimeAfterFuncStop(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		ran := 0
		tm := simrt.AfterFunc(time.Second, func() { ran++ })
		if tm.C != nil {
			t.Error("AfterFunc timer has a channel")
		}
		simrt.Sleep(500 * time.Millisecond)
		if !tm.Stop() {
			t.Error("Stop of a pending AfterFunc returned false")
		}
		simrt.Sleep(time.Hour)
		if ran != 0 {
			t.Error("stopped AfterFunc ran")
		}
		if tm.Reset(time.Second) {
			t.Error("Reset of a stopped AfterFunc returned true")
		}
		simrt.Sleep(2 * time.Second)
		if ran != 1 {
			t.Errorf("reset AfterFunc ran %d times", ran)
		}
		if tm.Stop() {
			t.Error("Stop after the func ran returned true")
		}
	})
}

func TestTimeTick(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		c := simrt.Tick(time.Second)
		var got []string
		for i := 0; i < 3; i++ {
			v := simrt.Recv(c)
			got = append(got, fmt.Sprintf("%v@%v", v.Sub(simrt.Epoch), since()))
		}
		if s := strings.Join(got, " "); s != "1s@1s 2s@2s 3s@3s" {
			t.Errorf("ticks %s", s)
		}
		if simrt.Tick(0) != nil || simrt.Tick(-1) != nil {
			t.Error("Tick(<=0) is not nil")
		}
	})
}

// tenv is what the timer scenarios need: real or virtual timers.
type tenv interface {
	timer(d time.Duration) tmr
	ticker(d time.Duration) tmr
	sleep(d time.Duration)
}

type tmr interface {
	stop() bool
	reset(d time.Duration) bool
	ready() bool // a non-blocking receive from C succeeded
}

type nativeT struct{}
type nativeTimer struct{ t *time.Timer }
type nativeTicker struct{ t *time.Ticker }

func (nativeT) timer(d time.Duration) tmr  { return nativeTimer{time.NewTimer(d)} }
func (nativeT) ticker(d time.Duration) tmr { return nativeTicker{time.NewTicker(d)} }
func (nativeT) sleep(d time.Duration)      { time.Sleep(d) }
func (x nativeTimer) stop() bool           { return x.t.Stop() }
func (x nativeTimer) reset(d time.Duration) bool {
	return x.t.Reset(d)
}
func (x nativeTimer) ready() bool {
	select {
	case <-x.t.C:
		return true
	default:
		return false
	}
}
func (x nativeTicker) stop() bool                 { x.t.Stop(); return false }
func (x nativeTicker) reset(d time.Duration) bool { x.t.Reset(d); return false }
func (x nativeTicker) ready() bool {
	select {
	case <-x.t.C:
		return true
	default:
		return false
	}
}

type simT struct{}
type simTimer struct{ t *simrt.Timer }
type simTicker struct{ t *simrt.Ticker }

func (simT) timer(d time.Duration) tmr         { return simTimer{simrt.NewTimer(d)} }
func (simT) ticker(d time.Duration) tmr        { return simTicker{simrt.NewTicker(d)} }
func (simT) sleep(d time.Duration)             { simrt.Sleep(d) }
func (x simTimer) stop() bool                  { return x.t.Stop() }
func (x simTimer) reset(d time.Duration) bool  { return x.t.Reset(d) }
func (x simTimer) ready() bool                 { return simrt.Select(true, simrt.OnRecv(x.t.C)) == 0 }
func (x simTicker) stop() bool                 { x.t.Stop(); return false }
func (x simTicker) reset(d time.Duration) bool { x.t.Reset(d); return false }
func (x simTicker) ready() bool                { return simrt.Select(true, simrt.OnRecv(x.t.C)) == 0 }
func timeSideBySide(t *testing.T, want string, f func(e tenv) string) {
	t.Helper()
	if got := f(nativeT{}); got != want {
		t.Errorf("native:\n got %s\nwant %s", got, want)
	}
	var got string
	simrt.Test(t, func(t *testing.T) { got = f(simT{}) })
	if got != want {
		t.Errorf("simulated:\n got %s\nwant %s", got, want)
	}
}

// TestTimeTimerStopResetGo123 checks Stop's and Reset's results and that
// no stale value is received after either returns (Go 1.23+ semantics).
// The native run uses real time, with margins wide enough that the outcome
// does not depend on timing.
func TestTimeTimerStopResetGo123(t *testing.T) {
	const (
		short = time.Millisecond
		wait  = 30 * time.Millisecond
	)
	want := strings.Join([]string{
		"fired-unreceived stop=true ready=false",
		"stop again=false",
		"reset stopped=false ready after=true",
		"stop after receive=false",
		"reset fired-received=false",
		"reset active=true",
		"reset fired-unreceived=true ready=false",
		"stop active=true ready=false",
		"reset to zero=false ready=true",
	}, "; ")
	timeSideBySide(t, want, func(e tenv) string {
		var s []string
		tm := e.timer(short)
		e.sleep(wait)
		s = append(s, fmt.Sprintf("fired-unreceived stop=%v ready=%v", tm.stop(), tm.ready()))
		s = append(s, fmt.Sprintf("stop again=%v", tm.stop()))
		r := tm.reset(short)
		e.sleep(wait)
		s = append(s, fmt.Sprintf("reset stopped=%v ready after=%v", r, tm.ready()))
		s = append(s, fmt.Sprintf("stop after receive=%v", tm.stop()))
		s = append(s, fmt.Sprintf("reset fired-received=%v", tm.reset(time.Hour)))
		s = append(s, fmt.Sprintf("reset active=%v", tm.reset(short)))
		e.sleep(wait)
		s = append(s, fmt.Sprintf("reset fired-unreceived=%v ready=%v", tm.reset(time.Hour), tm.ready()))
		s = append(s, fmt.Sprintf("stop active=%v ready=%v", tm.stop(), tm.ready()))
		r = tm.reset(0)
		e.sleep(wait)
		s = append(s, fmt.Sprintf("reset to zero=%v ready=%v", r, tm.ready()))
		return strings.Join(s, "; ")
	})
}

func TestTimeTickerStopResetDiscardsTick(t *testing.T) {
	timeSideBySide(t, "ready=true; after stop ready=false; after reset ready=false; later ready=true", func(e tenv) string {
		tk := e.ticker(time.Millisecond)
		e.sleep(30 * time.Millisecond)
		s := fmt.Sprintf("ready=%v", tk.ready())
		e.sleep(30 * time.Millisecond)
		tk.stop()
		s += fmt.Sprintf("; after stop ready=%v", tk.ready())
		e.sleep(30 * time.Millisecond)
		tk.reset(time.Hour)
		s += fmt.Sprintf("; after reset ready=%v", tk.ready())
		tk.reset(time.Millisecond)
		e.sleep(30 * time.Millisecond)
		s += fmt.Sprintf("; later ready=%v", tk.ready())
		tk.stop()
		return s
	})
}

func TestTimeTickerExactTimes(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		tk := simrt.NewTicker(time.Second)
		var got []time.Duration
		got = append(got, simrt.Recv(tk.C).Sub(simrt.Epoch))
		tk.Reset(5 * time.Second) // at +1s: next tick at +6s
		got = append(got, simrt.Recv(tk.C).Sub(simrt.Epoch))
		got = append(got, simrt.Recv(tk.C).Sub(simrt.Epoch))
		// A slow receiver misses ticks: Go drops them rather than queue.
		simrt.Sleep(12 * time.Second) // +23s: ticks at 16 and 21, one kept
		got = append(got, simrt.Recv(tk.C).Sub(simrt.Epoch))
		got = append(got, simrt.Recv(tk.C).Sub(simrt.Epoch))
		tk.Stop()
		if i := simrt.Select(false, simrt.OnRecv(tk.C), simrt.OnRecv(simrt.After(time.Hour))); i != 1 {
			t.Error("a stopped ticker ticked")
		}
		if s := fmt.Sprint(got); s != "[1s 6s 11s 16s 26s]" {
			t.Errorf("ticks at %s", s)
		}
	})
}

func TestTimeTickerPanics(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		native := catch(func() { time.NewTicker(0) })
		sim := catch(func() { simrt.NewTicker(0) })
		if native != sim {
			t.Errorf("NewTicker(0): native %q, simulated %q", native, sim)
		}
		tk := time.NewTicker(time.Hour)
		stk := simrt.NewTicker(time.Hour)
		native = catch(func() { tk.Reset(-1) })
		sim = catch(func() { stk.Reset(-1) })
		if native != sim {
			t.Errorf("Ticker.Reset(-1): native %q, simulated %q", native, sim)
		}
		tk.Stop()
		stk.Stop()
	})
}

// timerOrder fires eight AfterFuncs due at the same instant and returns the
// order they ran in.
func timerOrder(seed uint64) string {
	var order []string
	simrt.RunSeed(seed, "", func() {
		var wg simrt.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			simrt.AfterFunc(time.Second, func() {
				order = append(order, fmt.Sprint(i))
				wg.Done()
			})
		}
		wg.Wait()
	})
	return strings.Join(order, "")
}

func TestTimeSameInstantOrderFollowsSeed(t *testing.T) {
	seen := map[string]bool{}
	for seed := uint64(1); seed <= 10; seed++ {
		a, b := timerOrder(seed), timerOrder(seed)
		if a != b {
			t.Errorf("seed %d: %s, then %s", seed, a, b)
		}
		seen[a] = true
	}
	if len(seen) < 5 {
		t.Errorf("10 seeds gave only %d orders of 8 simultaneous timers: %v", len(seen), seen)
	}
}

// TestTimeSameInstantSleepersAllWake: sleepers due at one instant all wake
// at it, and the clock does not move further while they run.
func TestTimeSameInstantSleepersAllWake(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		c := simrt.MakeChan[time.Duration](10)
		for i := 0; i < 10; i++ {
			simrt.Go(func() {
				simrt.Sleep(time.Second)
				simrt.Send(c, since())
			})
		}
		for i := 0; i < 10; i++ {
			if d := simrt.Recv(c); d != time.Second {
				t.Errorf("sleeper woke at +%v", d)
			}
		}
	})
}

// A duration too long for the clock never fires (reugn/go-quartz resets
// its timer to time.Duration(1<<63-1) when its queue is empty): the
// instant saturates, as in Go's runtime, rather than wrapping into the
// past, which made the timer fire at once, forever, at the same instant.
func TestTimerMaxDurationNeverFires(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		const never = time.Duration(math.MaxInt64)
		tm := simrt.NewTimer(never)
		tm2 := simrt.NewTimer(time.Second)
		tm2.Reset(never)
		af := simrt.AfterFunc(never, func() { t.Error("AfterFunc(max) fired") })
		ctx, cancel := simrt.WithTimeout(context.Background(), never)
		defer cancel()
		simrt.Sleep(time.Hour)
		for _, c := range []*simrt.Chan[time.Time]{tm.C, tm2.C} {
			if simrt.Select(true, simrt.OnRecv(c)) == 0 {
				t.Error("a timer of the maximum duration fired")
			}
		}
		if ctx.Err() != nil {
			t.Error("a context with the maximum timeout expired:", ctx.Err())
		}
		tm.Stop()
		tm2.Stop()
		af.Stop()
	})
}
