package simrt_test

// Channel tests. Each scenario is written once against env, a tiny
// interface over the primitives it needs, and run twice: natively (real
// channels, goroutines and reflect.Select, which is Go's own select) and
// under simrt, the way rewritten code calls it. The two results must match.

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
)

// ch is a channel of int.
type ch interface {
	send(v int)
	recv() int
	recv2() (int, bool)
	close()
	len() int
	cap() int
}

// sc is one select case: a receive, or a send of v when send is set.
type sc struct {
	c    ch
	send bool
	v    int
}

// env is the runtime a scenario runs on.
type env interface {
	mk(size int) ch
	nilc() ch
	spawn(f func())
	// sel is a select over cs (with a default when def is set). It returns
	// the chosen index (-1 for default) and, for a receive, v, ok.
	sel(def bool, cs ...sc) (i, v int, ok bool)
	sleep(d time.Duration)
}

type nativeEnv struct{}

type nch chan int

func (c nch) send(v int)         { c <- v }
func (c nch) recv() int          { return <-c }
func (c nch) recv2() (int, bool) { v, ok := <-c; return v, ok }
func (c nch) close()             { close(c) }
func (c nch) len() int           { return len(c) }
func (c nch) cap() int           { return cap(c) }

func (nativeEnv) mk(size int) ch        { return nch(make(chan int, size)) }
func (nativeEnv) nilc() ch              { return nch(nil) }
func (nativeEnv) spawn(f func())        { go f() }
func (nativeEnv) sleep(d time.Duration) { time.Sleep(d) }
func (nativeEnv) sel(def bool, cs ...sc) (int, int, bool) {
	var rc []reflect.SelectCase
	for _, c := range cs {
		k := reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(chan int(c.c.(nch)))}
		if c.send {
			k.Dir, k.Send = reflect.SelectSend, reflect.ValueOf(c.v)
		}
		rc = append(rc, k)
	}
	if def {
		rc = append(rc, reflect.SelectCase{Dir: reflect.SelectDefault})
	}
	i, v, ok := reflect.Select(rc)
	if def && i == len(cs) {
		return -1, 0, false
	}
	if cs[i].send {
		return i, 0, false
	}
	return i, int(v.Int()), ok
}

type simEnv struct{}

type sch struct{ c *simrt.Chan[int] }

func (c sch) send(v int)         { simrt.Send(c.c, v) }
func (c sch) recv() int          { return simrt.Recv(c.c) }
func (c sch) recv2() (int, bool) { return simrt.Recv2(c.c) }
func (c sch) close()             { simrt.Close(c.c) }
func (c sch) len() int           { return simrt.Len(c.c) }
func (c sch) cap() int           { return simrt.Cap(c.c) }

func (simEnv) mk(size int) ch        { return sch{simrt.MakeChan[int](size)} }
func (simEnv) nilc() ch              { return sch{nil} }
func (simEnv) spawn(f func())        { simrt.Go(f) }
func (simEnv) sleep(d time.Duration) { simrt.Sleep(d) }
func (simEnv) sel(def bool, cs ...sc) (int, int, bool) {
	cases := make([]simrt.Case, len(cs))
	recvs := make([]*simrt.RecvOp[int], len(cs))
	for i, c := range cs {
		if c.send {
			cases[i] = simrt.OnSend(c.c.(sch).c, c.v)
		} else {
			recvs[i] = simrt.OnRecv(c.c.(sch).c)
			cases[i] = recvs[i]
		}
	}
	i := simrt.Select(def, cases...)
	if i < 0 || cs[i].send {
		return i, 0, false
	}
	return i, recvs[i].V, recvs[i].OK
}

// sideBySide runs scenario natively and simulated and fails unless both
// give want.
func sideBySide(t *testing.T, want string, scenario func(t *testing.T, e env) string) {
	t.Helper()
	if got := scenario(t, nativeEnv{}); got != want {
		t.Errorf("native:\n got %q\nwant %q", got, want)
	}
	var got string
	simrt.Test(t, func(t *testing.T) { got = scenario(t, simEnv{}) })
	if got != want {
		t.Errorf("simulated:\n got %q\nwant %q", got, want)
	}
}

func TestChanUnbufferedRendezvous(t *testing.T) {
	sideBySide(t, "recv 1 2 3 4 5; done after all; len 0 cap 0", func(t *testing.T, e env) string {
		c, done := e.mk(0), e.mk(0)
		e.spawn(func() {
			for i := 1; i <= 5; i++ {
				c.send(i)
			}
			done.send(0)
		})
		var b strings.Builder
		b.WriteString("recv")
		for i := 0; i < 5; i++ {
			fmt.Fprintf(&b, " %d", c.recv())
		}
		done.recv()
		b.WriteString("; done after all")
		fmt.Fprintf(&b, "; len %d cap %d", c.len(), c.cap())
		return b.String()
	})
}

func TestChanUnbufferedSendWaitsForReceiver(t *testing.T) {
	// The sender of an unbuffered channel cannot complete before a receiver
	// arrives, however long the receiver takes.
	sideBySide(t, "no send yet; got 7; sent", func(t *testing.T, e env) string {
		c, sent := e.mk(0), e.mk(1)
		e.spawn(func() {
			c.send(7)
			sent.send(1)
		})
		var b strings.Builder
		e.sleep(10 * time.Millisecond)
		if i, _, _ := e.sel(true, sc{c: sent}); i == -1 {
			b.WriteString("no send yet")
		} else {
			b.WriteString("send completed alone")
		}
		fmt.Fprintf(&b, "; got %d", c.recv())
		sent.recv()
		b.WriteString("; sent")
		return b.String()
	})
}

func TestChanBufferedFIFO(t *testing.T) {
	sideBySide(t, "len 3 cap 3; full; 1; len 2; 2 3 4; empty", func(t *testing.T, e env) string {
		c := e.mk(3)
		c.send(1)
		c.send(2)
		c.send(3)
		var b strings.Builder
		fmt.Fprintf(&b, "len %d cap %d", c.len(), c.cap())
		if i, _, _ := e.sel(true, sc{c: c, send: true, v: 9}); i == -1 {
			b.WriteString("; full")
		}
		fmt.Fprintf(&b, "; %d", c.recv())
		fmt.Fprintf(&b, "; len %d", c.len())
		c.send(4)
		fmt.Fprintf(&b, "; %d %d %d", c.recv(), c.recv(), c.recv())
		if i, _, _ := e.sel(true, sc{c: c}); i == -1 {
			b.WriteString("; empty")
		}
		return b.String()
	})
}

func TestChanBufferedWrapsAround(t *testing.T) {
	sideBySide(t, "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19", func(t *testing.T, e env) string {
		c := e.mk(3)
		var out []string
		for i := 0; i < 20; i++ {
			c.send(i)
			if i%2 == 1 {
				out = append(out, fmt.Sprint(c.recv()), fmt.Sprint(c.recv()))
			}
		}
		return strings.Join(out, " ")
	})
}

func TestChanCloseDrainsThenZero(t *testing.T) {
	sideBySide(t, "len 2; 1 true; 2 true; 0 false; 0 false; len 0", func(t *testing.T, e env) string {
		c := e.mk(2)
		c.send(1)
		c.send(2)
		c.close()
		var b strings.Builder
		fmt.Fprintf(&b, "len %d", c.len())
		for i := 0; i < 4; i++ {
			v, ok := c.recv2()
			fmt.Fprintf(&b, "; %d %v", v, ok)
		}
		fmt.Fprintf(&b, "; len %d", c.len())
		return b.String()
	})
}

func TestChanCloseWakesReceivers(t *testing.T) {
	sideBySide(t, "0 false,0 false,0 false", func(t *testing.T, e env) string {
		c, res := e.mk(0), e.mk(3)
		for i := 0; i < 3; i++ {
			e.spawn(func() {
				v, ok := c.recv2()
				if ok {
					v = -1
				}
				res.send(v)
			})
		}
		e.sleep(5 * time.Millisecond)
		c.close()
		var out []string
		for i := 0; i < 3; i++ {
			out = append(out, fmt.Sprintf("%d %v", res.recv(), false))
		}
		return strings.Join(out, ",")
	})
}

func TestChanRange(t *testing.T) {
	sideBySide(t, "0 1 2 3 4 5 6 7 8 9 end", func(t *testing.T, e env) string {
		c := e.mk(2)
		e.spawn(func() {
			for i := 0; i < 10; i++ {
				c.send(i)
			}
			c.close()
		})
		var out []string
		// The rewritten form of `for v := range c`.
		for {
			v, ok := c.recv2()
			if !ok {
				break
			}
			out = append(out, fmt.Sprint(v))
		}
		return strings.Join(out, " ") + " end"
	})
}

// catch runs f and returns what it panicked with, and whether that is a
// runtime.Error, as text.
func catch(f func()) (s string) {
	defer func() {
		r := recover()
		_, isRT := r.(runtime.Error)
		var err error
		if e, ok := r.(error); ok {
			err = e
		}
		s = fmt.Sprintf("%v (runtime.Error %v, error %v)", r, isRT, err != nil)
	}()
	f()
	return "no panic"
}

func TestChanPanicTexts(t *testing.T) {
	const want = "send on closed channel (runtime.Error true, error true)|" +
		"close of closed channel (runtime.Error true, error true)|" +
		"close of nil channel (runtime.Error true, error true)|" +
		"send on closed channel (runtime.Error true, error true)"
	sideBySide(t, want, func(t *testing.T, e env) string {
		c := e.mk(1)
		c.close()
		return strings.Join([]string{
			catch(func() { c.send(1) }),
			catch(func() { c.close() }),
			catch(func() { e.nilc().close() }),
			catch(func() { e.sel(true, sc{c: c, send: true, v: 1}) }),
		}, "|")
	})
}

// TestChanCloseWakesBlockedSenderToPanic is simulated only: natively, a
// close concurrent with a blocked send is a data race by the race
// detector's rules, though Go's runtime makes the sender panic.
func TestChanCloseWakesBlockedSenderToPanic(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		c, res := simrt.MakeChan[int](0), simrt.MakeChan[string](1)
		simrt.Go(func() { simrt.Send(res, catch(func() { simrt.Send(c, 1) })) })
		simrt.Sleep(time.Millisecond)
		simrt.Close(c)
		if got, want := simrt.Recv(res), "send on closed channel (runtime.Error true, error true)"; got != want {
			t.Errorf("blocked sender: %q, want %q", got, want)
		}
	})
}

func TestChanNilInSelectWithDefault(t *testing.T) {
	sideBySide(t, "default default", func(t *testing.T, e env) string {
		n := e.nilc()
		i, _, _ := e.sel(true, sc{c: n}, sc{c: n, send: true, v: 1})
		j, _, _ := e.sel(true, sc{c: n})
		return fmt.Sprintf("%s %s", map[int]string{-1: "default"}[i], map[int]string{-1: "default"}[j])
	})
}

func TestChanNilLenCap(t *testing.T) {
	sideBySide(t, "0 0", func(t *testing.T, e env) string {
		n := e.nilc()
		return fmt.Sprintf("%d %d", n.len(), n.cap())
	})
}

func TestChanNilIgnoredBesideReadyCase(t *testing.T) {
	sideBySide(t, "1 5 true", func(t *testing.T, e env) string {
		c := e.mk(1)
		c.send(5)
		i, v, ok := e.sel(false, sc{c: e.nilc()}, sc{c: c}, sc{c: e.nilc(), send: true})
		return fmt.Sprintf("%d %d %v", i, v, ok)
	})
}

// The FIFO order of waiters cannot be observed natively without racing on
// when each goroutine blocks; in the simulation, virtual sleeps put them in
// the queue in a known order.

func TestChanWaitingSendersServedFIFO(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		for _, size := range []int{0, 2} {
			c := simrt.MakeChan[int](size)
			for i := 0; i < size; i++ {
				simrt.Send(c, 100+i)
			}
			for i := 1; i <= 5; i++ {
				simrt.Go(func() {
					simrt.Sleep(time.Duration(i) * time.Millisecond)
					simrt.Send(c, i)
				})
			}
			simrt.Sleep(time.Second)
			var got []int
			for i := 0; i < size+5; i++ {
				got = append(got, simrt.Recv(c))
			}
			want := []int{1, 2, 3, 4, 5}
			if size == 2 {
				want = []int{100, 101, 1, 2, 3, 4, 5}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("size %d: got %v, want %v", size, got, want)
			}
		}
	})
}

func TestChanWaitingReceiversServedFIFO(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		c := simrt.MakeChan[int](0)
		order := simrt.MakeChan[string](5)
		for i := 1; i <= 5; i++ {
			simrt.Go(func() {
				simrt.Sleep(time.Duration(i) * time.Millisecond)
				v := simrt.Recv(c)
				simrt.Send(order, fmt.Sprintf("g%d:%d", i, v))
			})
		}
		simrt.Sleep(time.Second)
		for v := 10; v < 15; v++ {
			simrt.Send(c, v)
		}
		got := map[string]bool{}
		for i := 0; i < 5; i++ {
			got[simrt.Recv(order)] = true
		}
		for i := 1; i <= 5; i++ {
			if k := fmt.Sprintf("g%d:%d", i, 9+i); !got[k] {
				t.Errorf("missing %s in %v: receivers not served first in, first out", k, got)
			}
		}
	})
}

func TestChanTimerLenCap(t *testing.T) {
	const want = "0 0 0 0 true"
	tm := time.NewTimer(0)
	time.Sleep(2 * time.Millisecond)
	native := fmt.Sprintf("%d %d %d %d %v", len(tm.C), cap(tm.C), len(time.After(0)), cap(time.Tick(time.Hour)), !(<-tm.C).IsZero())
	if native != want {
		t.Errorf("native: got %q, want %q", native, want)
	}
	simrt.Test(t, func(t *testing.T) {
		tm := simrt.NewTimer(0)
		simrt.Sleep(time.Millisecond)
		got := fmt.Sprintf("%d %d %d %d %v", simrt.Len(tm.C), simrt.Cap(tm.C), simrt.Len(simrt.After(0)), simrt.Cap(simrt.Tick(time.Hour)), !simrt.Recv(tm.C).IsZero())
		if got != want {
			t.Errorf("simulated: got %q, want %q", got, want)
		}
	})
}

func TestChanMakeNegativeSize(t *testing.T) {
	n := -1
	native := catch(func() { _ = make(chan int, n) })
	sim := catch(func() { simrt.MakeChan[int](n) })
	if native != sim {
		t.Errorf("make(chan int, -1): native %q, simulated %q", native, sim)
	}
}

func TestChanStructValues(t *testing.T) {
	type pair struct {
		a int
		b string
	}
	simrt.Test(t, func(t *testing.T) {
		c := simrt.MakeChan[pair](1)
		simrt.Send(c, pair{1, "x"})
		simrt.Close(c)
		if v, ok := simrt.Recv2(c); v != (pair{1, "x"}) || !ok {
			t.Errorf("got %v %v", v, ok)
		}
		if v, ok := simrt.Recv2(c); v != (pair{}) || ok {
			t.Errorf("after drain: got %v %v, want zero value and false", v, ok)
		}
	})
}

func TestChanErrorsAsRuntimeError(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		defer func() {
			var re runtime.Error
			err, _ := recover().(error)
			if !errors.As(err, &re) || re.Error() != "close of nil channel" {
				t.Errorf("recovered %v, want runtime.Error close of nil channel", err)
			}
		}()
		simrt.Close[int](nil)
	})
}
