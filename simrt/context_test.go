package simrt_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
)

type ctxKey struct{}

// cenv is package context as a scenario sees it: the real one, or simrt's.
type cenv interface {
	withCancel(p context.Context) (context.Context, context.CancelFunc)
	withCancelCause(p context.Context) (context.Context, context.CancelCauseFunc)
	withTimeout(p context.Context, d time.Duration) (context.Context, context.CancelFunc)
	withTimeoutCause(p context.Context, d time.Duration, cause error) (context.Context, context.CancelFunc)
	withDeadlineCause(p context.Context, d time.Time, cause error) (context.Context, context.CancelFunc)
	cause(c context.Context) error
	afterFunc(c context.Context, f func()) func() bool
	wait(c context.Context) // until c is done
	sleep(d time.Duration)
	now() time.Time
	spawn(f func())
}

type nativeC struct{}

func (nativeC) withCancel(p context.Context) (context.Context, context.CancelFunc) {
	return context.WithCancel(p)
}
func (nativeC) withCancelCause(p context.Context) (context.Context, context.CancelCauseFunc) {
	return context.WithCancelCause(p)
}
func (nativeC) withTimeout(p context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(p, d)
}
func (nativeC) withTimeoutCause(p context.Context, d time.Duration, c error) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(p, d, c)
}
func (nativeC) withDeadlineCause(p context.Context, d time.Time, c error) (context.Context, context.CancelFunc) {
	return context.WithDeadlineCause(p, d, c)
}
func (nativeC) cause(c context.Context) error                     { return context.Cause(c) }
func (nativeC) afterFunc(c context.Context, f func()) func() bool { return context.AfterFunc(c, f) }
func (nativeC) wait(c context.Context)                            { <-c.Done() }
func (nativeC) sleep(d time.Duration)                             { time.Sleep(d) }
func (nativeC) now() time.Time                                    { return time.Now() }
func (nativeC) spawn(f func())                                    { go f() }

type simC struct{}

func (simC) withCancel(p context.Context) (context.Context, context.CancelFunc) {
	return simrt.WithCancel(p)
}
func (simC) withCancelCause(p context.Context) (context.Context, context.CancelCauseFunc) {
	return simrt.WithCancelCause(p)
}
func (simC) withTimeout(p context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return simrt.WithTimeout(p, d)
}
func (simC) withTimeoutCause(p context.Context, d time.Duration, c error) (context.Context, context.CancelFunc) {
	return simrt.WithTimeoutCause(p, d, c)
}
func (simC) withDeadlineCause(p context.Context, d time.Time, c error) (context.Context, context.CancelFunc) {
	return simrt.WithDeadlineCause(p, d, c)
}
func (simC) cause(c context.Context) error                     { return simrt.Cause(c) }
func (simC) afterFunc(c context.Context, f func()) func() bool { return simrt.ContextAfterFunc(c, f) }
func (simC) wait(c context.Context)                            { simrt.Recv(simrt.NativeRecv(c.Done())) }
func (simC) sleep(d time.Duration)                             { simrt.Sleep(d) }
func (simC) now() time.Time                                    { return simrt.Now() }
func (simC) spawn(f func())                                    { simrt.Go(f) }

func ctxSideBySide(t *testing.T, want string, f func(e cenv) string) {
	t.Helper()
	if got := f(nativeC{}); got != want {
		t.Errorf("native:\n got %s\nwant %s", got, want)
	}
	var got string
	simrt.Test(t, func(t *testing.T) { got = f(simC{}) })
	if got != want {
		t.Errorf("simulated:\n got %s\nwant %s", got, want)
	}
}

func errName(err error) string {
	switch {
	case err == nil:
		return "nil"
	case err == context.Canceled:
		return "Canceled"
	case err == context.DeadlineExceeded:
		return "DeadlineExceeded"
	}
	return err.Error()
}

func TestContextCancelPropagates(t *testing.T) {
	want := "before: nil nil nil nil; after: Canceled Canceled Canceled Canceled; done all; String context.Background.WithCancel"
	ctxSideBySide(t, want, func(e cenv) string {
		parent, cancel := e.withCancel(context.Background())
		child, cancelChild := e.withCancel(parent)
		defer cancelChild()
		realChild, cancelReal := context.WithCancel(parent) // the standard library's child of a simulated parent
		defer cancelReal()
		grandchild, cancelGrand := e.withTimeout(child, time.Hour)
		defer cancelGrand()
		all := []context.Context{parent, child, realChild, grandchild}
		errs := func() string {
			var s []string
			for _, c := range all {
				s = append(s, errName(c.Err()))
			}
			return strings.Join(s, " ")
		}
		out := "before: " + errs()
		cancel()
		out += "; after: " + errs() // synchronously, as in package context
		for _, c := range all {
			e.wait(c)
		}
		out += "; done all"
		out += "; String " + fmt.Sprint(parent)
		return out
	})
}

func TestContextCancelChildOnly(t *testing.T) {
	ctxSideBySide(t, "parent nil child Canceled", func(e cenv) string {
		parent, cancel := e.withCancel(context.Background())
		defer cancel()
		child, cancelChild := e.withCancel(parent)
		cancelChild()
		cancelChild() // twice is fine
		return fmt.Sprintf("parent %s child %s", errName(parent.Err()), errName(child.Err()))
	})
}

func TestContextCauseForms(t *testing.T) {
	errA, errB, errT := errors.New("A"), errors.New("B"), errors.New("T")
	want := strings.Join([]string{
		"cause: Canceled/A child Canceled/A",
		"nil cause: Canceled/Canceled",
		"timeout cause: DeadlineExceeded/T",
		"canceled before timeout: Canceled/Canceled",
		"past deadline: DeadlineExceeded/B",
		"plain: nil/nil",
		"background: nil",
	}, "; ")
	ctxSideBySide(t, want, func(e cenv) string {
		var s []string
		pair := func(c context.Context) string { return errName(c.Err()) + "/" + errName(e.cause(c)) }

		c1, cancel1 := e.withCancelCause(context.Background())
		child, cancelChild := e.withCancel(c1)
		defer cancelChild()
		cancel1(errA)
		cancel1(errB) // the first cause stays
		s = append(s, "cause: "+pair(c1)+" child "+pair(child))

		c2, cancel2 := e.withCancelCause(context.Background())
		cancel2(nil)
		s = append(s, "nil cause: "+pair(c2))

		c3, cancel3 := e.withTimeoutCause(context.Background(), time.Millisecond, errT)
		e.wait(c3)
		cancel3()
		s = append(s, "timeout cause: "+pair(c3))

		c4, cancel4 := e.withTimeoutCause(context.Background(), time.Hour, errT)
		cancel4()
		s = append(s, "canceled before timeout: "+pair(c4))

		c5, cancel5 := e.withDeadlineCause(context.Background(), e.now().Add(-time.Second), errB)
		defer cancel5()
		s = append(s, "past deadline: "+pair(c5))

		c6, cancel6 := e.withCancel(context.Background())
		defer cancel6()
		s = append(s, "plain: "+pair(c6))
		s = append(s, "background: "+errName(e.cause(context.Background())))
		return strings.Join(s, "; ")
	})
}

func TestContextAfterFuncStop(t *testing.T) {
	want := "stop before=true; stop after cancel=false; ran once"
	ctxSideBySide(t, want, func(e cenv) string {
		ctx, cancel := e.withCancel(context.Background())
		stopped := e.afterFunc(ctx, func() { panic("stopped AfterFunc ran") })
		s := fmt.Sprintf("stop before=%v", stopped())
		ran := make(chan int, 2)
		stop := e.afterFunc(ctx, func() { ran <- 1 })
		cancel()
		for len(ran) == 0 {
			e.sleep(time.Millisecond)
		}
		s += fmt.Sprintf("; stop after cancel=%v", stop())
		e.sleep(10 * time.Millisecond)
		if len(ran) == 1 {
			s += "; ran once"
		}
		return s
	})
}

func TestContextWithTimeoutExact(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		simrt.Sleep(time.Minute)
		ctx, cancel := simrt.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		dl, ok := ctx.Deadline()
		if !ok || !dl.Equal(simrt.Epoch.Add(time.Minute+5*time.Second)) {
			t.Fatalf("Deadline() = %v, %v; want Epoch+1m5s", dl, ok)
		}
		simrt.Sleep(5*time.Second - time.Nanosecond)
		if err := ctx.Err(); err != nil {
			t.Errorf("1ns before the deadline: Err() = %v", err)
		}
		simrt.Sleep(time.Nanosecond)
		if err := ctx.Err(); err != context.DeadlineExceeded {
			t.Errorf("at the deadline: Err() = %v, want DeadlineExceeded", err)
		}
	})
}

func TestContextDeadlineInherited(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		parent, cancel := simrt.WithTimeout(context.Background(), time.Second)
		defer cancel()
		child, cancelChild := simrt.WithTimeout(parent, time.Hour)
		defer cancelChild()
		if dl, _ := child.Deadline(); !dl.Equal(simrt.Epoch.Add(time.Second)) {
			t.Errorf("child deadline %v, want the parent's, Epoch+1s", dl)
		}
		simrt.Recv(simrt.NativeRecv(child.Done()))
		if d := since(); d != time.Second || child.Err() != context.DeadlineExceeded {
			t.Errorf("child done at +%v with %v", d, child.Err())
		}
	})
}

// TestContextDoneBlocksInSimulation: waiting on Done through NativeRecv
// parks the goroutine in the simulation; the clock jumps to the deadline
// and no wall time passes.
func TestContextDoneBlocksInSimulation(t *testing.T) {
	start := time.Now()
	simrt.Test(t, func(t *testing.T) {
		ctx, cancel := simrt.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		c := simrt.MakeChan[int](0)
		simrt.Go(func() {
			simrt.Recv(simrt.NativeRecv(ctx.Done()))
			simrt.Send(c, 1)
		})
		never := simrt.MakeChan[int](0)
		if i := simrt.Select(false, simrt.OnRecv(never), simrt.OnRecv(simrt.NativeRecv(ctx.Done()))); i != 1 {
			t.Errorf("select = %d", i)
		}
		simrt.Recv(c)
		if d := since(); d != time.Hour {
			t.Errorf("Done at +%v", d)
		}
	})
	if wall := time.Since(start); wall > time.Second {
		t.Errorf("an hour's timeout took %v of wall time", wall)
	}
}

// TestContextNativeParentCanceledBySimulatedCode: a simulated child of a
// standard-library context is canceled when simulated code cancels the
// parent.
func TestContextNativeParentCanceledBySimulatedCode(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		parent, cancel := context.WithCancelCause(context.Background())
		child, cancelChild := simrt.WithTimeout(parent, time.Hour)
		defer cancelChild()
		simrt.Go(func() {
			simrt.Sleep(time.Second)
			cancel(errors.New("stop"))
		})
		simrt.Recv(simrt.NativeRecv(child.Done()))
		if child.Err() != context.Canceled || simrt.Cause(child).Error() != "stop" {
			t.Errorf("child: %v, cause %v", child.Err(), simrt.Cause(child))
		}
		if d := since(); d != time.Second {
			t.Errorf("child done at +%v, want +1s", d)
		}
	})
}

func TestContextAfterFuncRunsInGoroutine(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		ctx, cancel := simrt.WithTimeout(context.Background(), time.Second)
		defer cancel()
		c := simrt.MakeChan[string](0)
		simrt.ContextAfterFunc(ctx, func() {
			// An unbuffered send: were f run inline by the timer or by
			// cancel, nobody could receive.
			simrt.Send(c, fmt.Sprintf("+%v %d goroutines", since(), simrt.NumGoroutine()))
		})
		if got := simrt.Recv(c); got != "+1s 2 goroutines" {
			t.Errorf("AfterFunc ran with %q", got)
		}
	})
}

func TestContextAfterFuncOnNativeContext(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		c := simrt.MakeChan[int](0)
		simrt.ContextAfterFunc(ctx, func() { simrt.Send(c, 1) })
		simrt.Go(func() {
			simrt.Sleep(time.Second)
			cancel()
		})
		simrt.Recv(c)
		if d := since(); d != time.Second {
			t.Errorf("AfterFunc ran at +%v", d)
		}
	})
}

// TestContextStdParentCancelIsSynchronous: package context cancels every
// descendant before cancel returns, also through a context.WithValue layer
// and through a standard-library cancelCtx. A simulated child must too, or
// code that checks ctx.Err() right after cancel() sees nil.
func TestContextStdParentCancelIsSynchronous(t *testing.T) {
	ctxSideBySide(t, "Canceled Canceled Canceled", func(e cenv) string {
		stdParent, cancel := context.WithCancel(context.Background())
		direct, cancelDirect := e.withCancel(stdParent)
		defer cancelDirect()
		viaValue, cancelViaValue := e.withCancel(context.WithValue(stdParent, ctxKey{}, 1))
		defer cancelViaValue()
		parent, cancelParent := e.withCancel(context.Background())
		simViaValue, cancelSimViaValue := e.withTimeout(context.WithValue(parent, ctxKey{}, 1), time.Hour)
		defer cancelSimViaValue()
		cancel()
		cancelParent()
		return errName(direct.Err()) + " " + errName(viaValue.Err()) + " " + errName(simViaValue.Err())
	})
}
