package simrt_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
)

func TestSelectRecvCommaOk(t *testing.T) {
	sideBySide(t, "1 7 true; 1 0 false", func(t *testing.T, e env) string {
		a, b := e.mk(0), e.mk(1)
		b.send(7)
		i, v, ok := e.sel(false, sc{c: a}, sc{c: b})
		b.close()
		j, w, ok2 := e.sel(false, sc{c: a}, sc{c: b})
		return fmt.Sprintf("%d %d %v; %d %d %v", i, v, ok, j, w, ok2)
	})
}

func TestSelectSendCase(t *testing.T) {
	sideBySide(t, "sent 1; got 42; full -1", func(t *testing.T, e env) string {
		a, b := e.mk(0), e.mk(1)
		i, _, _ := e.sel(false, sc{c: a}, sc{c: b, send: true, v: 42})
		var s strings.Builder
		fmt.Fprintf(&s, "sent %d; got %d", i, b.recv())
		b.send(1)
		j, _, _ := e.sel(true, sc{c: b, send: true, v: 2})
		fmt.Fprintf(&s, "; full %d", j)
		return s.String()
	})
}

func TestSelectDefault(t *testing.T) {
	sideBySide(t, "-1 -1 0", func(t *testing.T, e env) string {
		a, b := e.mk(0), e.mk(0)
		i, _, _ := e.sel(true, sc{c: a}, sc{c: b, send: true, v: 1})
		j, _, _ := e.sel(true)
		c := e.mk(1)
		c.send(3)
		k, _, _ := e.sel(true, sc{c: c})
		return fmt.Sprintf("%d %d %d", i, j, k)
	})
}

func TestSelectBlocksUntilSend(t *testing.T) {
	sideBySide(t, "case 1 value 9; b no waiter; a no waiter", func(t *testing.T, e env) string {
		a, b := e.mk(0), e.mk(0)
		e.spawn(func() {
			e.sleep(5 * time.Millisecond)
			b.send(9)
		})
		i, v, _ := e.sel(false, sc{c: a}, sc{c: b})
		var s strings.Builder
		fmt.Fprintf(&s, "case %d value %d", i, v)
		// The fired select withdrew from a: nobody receives there now.
		if j, _, _ := e.sel(true, sc{c: b, send: true, v: 1}); j == -1 {
			s.WriteString("; b no waiter")
		}
		if j, _, _ := e.sel(true, sc{c: a, send: true, v: 1}); j == -1 {
			s.WriteString("; a no waiter")
		}
		return s.String()
	})
}

func TestSelectBlockedSendCase(t *testing.T) {
	sideBySide(t, "case 0; received 5", func(t *testing.T, e env) string {
		a, got := e.mk(0), e.mk(1)
		e.spawn(func() {
			e.sleep(5 * time.Millisecond)
			got.send(a.recv())
		})
		i, _, _ := e.sel(false, sc{c: a, send: true, v: 5}, sc{c: e.mk(0)})
		return fmt.Sprintf("case %d; received %d", i, got.recv())
	})
}

func TestSelectLoopLeavesNoStaleWaiters(t *testing.T) {
	sideBySide(t, "sum 4950; other still empty", func(t *testing.T, e env) string {
		a, other := e.mk(0), e.mk(0)
		e.spawn(func() {
			for i := 0; i < 100; i++ {
				a.send(i)
			}
			a.close()
		})
		sum := 0
		for {
			_, v, ok := e.sel(false, sc{c: a}, sc{c: other})
			if !ok {
				break
			}
			sum += v
		}
		s := fmt.Sprintf("sum %d", sum)
		if j, _, _ := e.sel(true, sc{c: other, send: true, v: 1}); j == -1 {
			s += "; other still empty"
		}
		return s
	})
}

// TestSelectUniform: with two cases ready, each is taken about half of
// 1000 times, natively and under any seed. (A fair coin falls under 400 of
// 1000 with probability below 1e-9.)
func TestSelectUniform(t *testing.T) {
	sideBySide(t, "ok", func(t *testing.T, e env) string {
		a, b := e.mk(1), e.mk(1)
		var n [2]int
		for i := 0; i < 1000; i++ {
			a.send(0)
			b.send(1)
			k, v, _ := e.sel(false, sc{c: a}, sc{c: b})
			if k != v {
				return fmt.Sprintf("case %d delivered %d", k, v)
			}
			n[k]++
			// Empty the other.
			if k == 0 {
				b.recv()
			} else {
				a.recv()
			}
		}
		if n[0] < 400 || n[1] < 400 {
			return fmt.Sprintf("skewed: %v", n)
		}
		return "ok"
	})
}

func TestSelectUniformThreeCasesWithSend(t *testing.T) {
	sideBySide(t, "ok", func(t *testing.T, e env) string {
		a, b, c := e.mk(1), e.mk(1), e.mk(1)
		var n [3]int
		for i := 0; i < 1500; i++ {
			a.send(0)
			b.send(1)
			k, _, _ := e.sel(false, sc{c: a}, sc{c: b}, sc{c: c, send: true, v: 2})
			n[k]++
			for _, x := range []ch{a, b, c} {
				e.sel(true, sc{c: x})
			}
		}
		for _, k := range n {
			if k < 400 {
				return fmt.Sprintf("skewed: %v", n)
			}
		}
		return "ok"
	})
}

// TestSelectChoiceFollowsSeed: the case picked among ready ones is a
// function of the seed.
func TestSelectChoiceFollowsSeed(t *testing.T) {
	run := func(seed uint64) string {
		var picks []byte
		simrt.RunSeed(seed, "", func() {
			a, b := simrt.MakeChan[int](1), simrt.MakeChan[int](1)
			for i := 0; i < 64; i++ {
				simrt.Send(a, 0)
				simrt.Send(b, 1)
				ra, rb := simrt.OnRecv(a), simrt.OnRecv(b)
				k := simrt.Select(false, ra, rb)
				picks = append(picks, byte('0'+k))
				simrt.Select(true, simrt.OnRecv(a), simrt.OnRecv(b))
			}
		})
		return string(picks)
	}
	if a, b := run(7), run(7); a != b {
		t.Errorf("seed 7 twice: %s vs %s", a, b)
	}
	if a, b := run(7), run(8); a == b {
		t.Errorf("seeds 7 and 8 picked the same 64 cases: %s", a)
	}
}

func TestSelectNativeClosedBySimulatedCode(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		real := make(chan int)
		simrt.Go(func() {
			simrt.Sleep(time.Second)
			close(real)
		})
		never := simrt.MakeChan[int](0)
		r := simrt.OnRecv(simrt.NativeRecv(real))
		i := simrt.Select(false, simrt.OnRecv(never), r)
		if i != 1 || r.OK || r.V != 0 {
			t.Errorf("select = %d (%d, %v), want 1 (0, false)", i, r.V, r.OK)
		}
		if d := simrt.Since(simrt.Epoch); d != time.Second {
			t.Errorf("woke at +%v, want +1s", d)
		}
	})
}

func TestSelectNativeBufferedBySimulatedCode(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		real := make(chan int, 2)
		simrt.Go(func() {
			simrt.Sleep(time.Minute)
			real <- 5
			real <- 6
		})
		never := simrt.MakeChan[int](0)
		r := simrt.OnRecv(simrt.NativeRecv(real))
		if i := simrt.Select(false, r, simrt.OnRecv(never)); i != 0 || r.V != 5 || !r.OK {
			t.Errorf("select = %d (%d, %v), want 0 (5, true)", i, r.V, r.OK)
		}
		if d := simrt.Since(simrt.Epoch); d != time.Minute {
			t.Errorf("woke at +%v, want +1m", d)
		}
		// A plain receive and len/cap on the wrapped channel.
		nc := simrt.NativeRecv(real)
		if l, c := simrt.Len(nc), simrt.Cap(nc); l != 1 || c != 2 {
			t.Errorf("len, cap = %d, %d, want 1, 2", l, c)
		}
		if v := simrt.Recv(nc); v != 6 {
			t.Errorf("Recv = %d, want 6", v)
		}
	})
}

func TestSelectNativeSend(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		real := make(chan int, 1)
		nc := simrt.NativeSend(real)
		if i := simrt.Select(true, simrt.OnSend(nc, 3)); i != 0 {
			t.Fatalf("send to empty buffered native channel: case %d", i)
		}
		if i := simrt.Select(true, simrt.OnSend(nc, 4)); i != -1 {
			t.Fatalf("send to full native channel: case %d, want default", i)
		}
		if v := <-real; v != 3 {
			t.Errorf("native side got %d", v)
		}
		bi := simrt.Native(real)
		simrt.Send(bi, 8)
		if v, ok := simrt.Recv2(bi); v != 8 || !ok {
			t.Errorf("Native round trip: %d %v", v, ok)
		}
		simrt.Close(bi)
		if _, ok := <-real; ok {
			t.Error("Close of a Native channel did not close the real one")
		}
	})
}

// TestSelectNativeAndSimulatedUniform: with a ready native case and a ready
// simulated case, both are taken.
func TestSelectNativeAndSimulatedUniform(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		real := make(chan int, 1)
		nc := simrt.NativeRecv(real)
		sc := simrt.MakeChan[int](1)
		var n [2]int
		for i := 0; i < 1000; i++ {
			real <- 0
			simrt.Send(sc, 1)
			k := simrt.Select(false, simrt.OnRecv(nc), simrt.OnRecv(sc))
			n[k]++
			simrt.Select(true, simrt.OnRecv(nc))
			simrt.Select(true, simrt.OnRecv(sc))
		}
		if n[0] < 400 || n[1] < 400 {
			t.Errorf("skewed: %v", n)
		}
	})
}

func TestSelectNilOnlyWithDefault(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var c *simrt.Chan[int]
		if i := simrt.Select(true, simrt.OnRecv(c), simrt.OnSend(c, 1)); i != -1 {
			t.Errorf("select over nil channels with default = %d", i)
		}
	})
}
