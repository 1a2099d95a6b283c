package simrt_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
)

// timerChanCase checks the timer-channel semantics of this process, async
// (asynctimerchan=1, Go 1.22 and before) or not (Go 1.23+), as Go does.
func timerChanCase(t *testing.T, async bool) {
	simrt.Test(t, func(t *testing.T) {
		// A fired, unreceived timer.
		tm := simrt.NewTimer(time.Millisecond)
		simrt.Sleep(2 * time.Millisecond)
		wantLen, wantCap := 0, 0
		if async {
			wantLen, wantCap = 1, 1
		}
		if l, c := simrt.Len(tm.C), simrt.Cap(tm.C); l != wantLen || c != wantCap {
			t.Errorf("fired timer: len, cap = %d, %d, want %d, %d", l, c, wantLen, wantCap)
		}
		// Go 1.23: the unreceived value counts as pending, Stop discards it.
		// Go 1.22: the timer has expired, Stop reports false and leaves it.
		if got := tm.Stop(); got == async {
			t.Errorf("Stop of a fired, unreceived timer = %v, want %v", got, !async)
		}
		stale := simrt.Select(true, simrt.OnRecv(tm.C)) == 0
		if stale != async {
			t.Errorf("a value was received after Stop: %v, want %v", stale, async)
		}

		// Reset of a fired timer: Go 1.22 keeps the stale value, which the
		// next receive gets at once; Go 1.23 drains it.
		tm2 := simrt.NewTimer(time.Millisecond)
		simrt.Sleep(2 * time.Millisecond)
		if got := tm2.Reset(5 * time.Millisecond); got == async {
			t.Errorf("Reset of a fired, unreceived timer = %v, want %v", got, !async)
		}
		start := simrt.Now()
		v := simrt.Recv(tm2.C)
		waited := simrt.Since(start)
		// At once: no timer waited for, only the receive's own cost.
		if async && (waited >= time.Microsecond || !v.Equal(start.Add(-time.Millisecond))) {
			t.Errorf("after Reset, the receive waited %v for %v, want the stale value of +3ms at once", waited, v)
		}
		if !async && waited != 5*time.Millisecond {
			t.Errorf("after Reset, the receive waited %v, want 5ms", waited)
		}

		// A ticker's unreceived tick stays after Stop under Go 1.22.
		tk := simrt.NewTicker(time.Millisecond)
		simrt.Sleep(time.Millisecond + time.Microsecond)
		tk.Stop()
		if got := simrt.Select(true, simrt.OnRecv(tk.C)) == 0; got != async {
			t.Errorf("a tick was received after Ticker.Stop: %v, want %v", got, async)
		}
	})
}

// TestTimerChanSync: this module's go line is 1.23 or later, so timer
// channels are synchronous.
func TestTimerChanSync(t *testing.T) {
	if strings.Contains(os.Getenv("GODEBUG"), "asynctimerchan=1") {
		t.Skip("GODEBUG asks for Go 1.22 timers")
	}
	timerChanCase(t, false)
}

// TestHelperTimerChanAsync runs the cases under GODEBUG=asynctimerchan=1.
func TestHelperTimerChanAsync(t *testing.T) {
	helper(t)
	timerChanCase(t, true)
}

func TestHarnessTimerChanAsync(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperTimerChanAsync$", "SIM_SEED=1", "GODEBUG=asynctimerchan=1")
	if r.code != 0 || !strings.Contains(r.out, "--- PASS: TestHelperTimerChanAsync") {
		t.Fatalf("Go 1.22 timer semantics under GODEBUG=asynctimerchan=1 (exit %d):\n%s", r.code, r.out)
	}
}
