package simrt_test

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
)

// TestSpinWaitsForASleeper: the root spins on a flag that a sleeping
// goroutine sets. Natively the spin costs wall time while the sleeper's
// timer runs; here computation costs no virtual time, so the clock must
// still move once the spinning has gone on long enough, or this never ends.
func TestSpinWaitsForASleeper(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		flag := false
		simrt.Go(func() {
			simrt.Sleep(time.Second)
			flag = true
		})
		for !flag {
			simrt.Gosched()
		}
		if d := since(); d != time.Second {
			t.Errorf("the sleeper woke at +%v, want +1s", d)
		}
	})
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
	if r.code == 0 {
		t.Fatalf("the run passed:\n%s", r.out)
	}
	for _, want := range []string{
		"virtual time limit: the clock passed +10h0m0s (SIM_TIMELIMIT)",
		"[chan receive]",
		"limits_test.go:" + foreverLine(t),
		"SIM_SEED=1",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
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
