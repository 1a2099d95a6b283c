package simrt_test

// Tests of RWMutex, Cond, Once and the OnceFunc family, Map and Pool.
//
// Where a scenario's outcome is fixed by the semantics alone (not by the
// interleaving), it runs side by side on package sync with real goroutines
// and on simrt inside a simulation, and the results must match. Fatal errors
// end the process natively and fail the world in a simulation, so those
// scenarios run in a child process (the test binary re-executed with
// SIMRT_SYNC_CHILD naming the scenario), as Go's runtime tests do.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
)

// The shapes shared by package sync and simrt, so one scenario runs on both.
type (
	rwLike interface {
		sync.Locker
		RLock()
		RUnlock()
		TryLock() bool
		TryRLock() bool
		RLocker() sync.Locker
	}
	condLike interface {
		Wait()
		Signal()
		Broadcast()
	}
	onceLike interface{ Do(func()) }
	wgLike   interface {
		Add(int)
		Done()
		Wait()
	}
	mapLike interface {
		Load(key any) (any, bool)
		Store(key, value any)
		Clear()
		LoadOrStore(key, value any) (any, bool)
		LoadAndDelete(key any) (any, bool)
		Delete(key any)
		Swap(key, value any) (any, bool)
		CompareAndSwap(key, old, new any) bool
		CompareAndDelete(key, old any) bool
		Range(f func(key, value any) bool)
	}
)

// syncImpl is one implementation of the primitives: native or simulated.
type syncImpl struct {
	name       string
	run        func(t *testing.T, body func(t *testing.T))
	spawn      func(func())
	sleep      func(time.Duration)
	mutex      func() sync.Locker
	rw         func() rwLike
	cond       func(sync.Locker) condLike
	once       func() onceLike
	wg         func() wgLike
	newMap     func() mapLike
	onceFunc   func(func()) func()
	onceValue  func(func() any) func() any
	onceValues func(func() (any, error)) func() (any, error)
}

var (
	syncNative = syncImpl{
		name:       "native",
		run:        func(t *testing.T, body func(t *testing.T)) { body(t) },
		spawn:      func(f func()) { go f() },
		sleep:      time.Sleep,
		mutex:      func() sync.Locker { return new(sync.Mutex) },
		rw:         func() rwLike { return new(sync.RWMutex) },
		cond:       func(l sync.Locker) condLike { return sync.NewCond(l) },
		once:       func() onceLike { return new(sync.Once) },
		wg:         func() wgLike { return new(sync.WaitGroup) },
		newMap:     func() mapLike { return new(sync.Map) },
		onceFunc:   sync.OnceFunc,
		onceValue:  sync.OnceValue[any],
		onceValues: sync.OnceValues[any, error],
	}
	syncSim = syncImpl{
		name:       "sim",
		run:        simrt.Test,
		spawn:      simrt.Go,
		sleep:      simrt.Sleep,
		mutex:      func() sync.Locker { return new(simrt.Mutex) },
		rw:         func() rwLike { return new(simrt.RWMutex) },
		cond:       func(l sync.Locker) condLike { return simrt.NewCond(l) },
		once:       func() onceLike { return new(simrt.Once) },
		wg:         func() wgLike { return new(simrt.WaitGroup) },
		newMap:     func() mapLike { return new(simrt.Map) },
		onceFunc:   simrt.OnceFunc,
		onceValue:  simrt.OnceValue[any],
		onceValues: simrt.OnceValues[any, error],
	}
)

// syncSideBySide runs scenario natively, then in a simulation (under every seed
// the harness runs), and fails when any result differs from the native one.
func syncSideBySide(t *testing.T, scenario func(t *testing.T, x syncImpl) []string) {
	t.Helper()
	want := scenario(t, syncNative)
	syncSim.run(t, func(t *testing.T) {
		got := scenario(t, syncSim)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("simulated:\n\t%q\nnative:\n\t%q", got, want)
		}
	})
}

// catch runs f and returns what it panicked with, as text, or "no panic".
func syncCatch(f func()) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprint("panic: ", r)
		}
	}()
	f()
	return "no panic"
}

// ---- RWMutex ----

func TestRWMutexTrySequence(t *testing.T) {
	syncSideBySide(t, func(t *testing.T, x syncImpl) []string {
		rw := x.rw()
		var out []string
		try := func(name string, ok bool) { out = append(out, fmt.Sprint(name, "=", ok)) }
		try("TryRLock", rw.TryRLock())
		try("TryRLock", rw.TryRLock())
		try("TryLock", rw.TryLock())
		rw.RUnlock()
		try("TryLock", rw.TryLock())
		rw.RUnlock()
		try("TryLock", rw.TryLock())
		try("TryRLock", rw.TryRLock())
		try("TryLock", rw.TryLock())
		rw.Unlock()
		rl := rw.RLocker()
		rl.Lock()
		try("TryLock", rw.TryLock())
		try("TryRLock", rw.TryRLock())
		rw.RUnlock()
		rl.Unlock()
		rw.Lock()
		try("TryRLock", rw.TryRLock())
		rw.Unlock()
		rw.RLock()
		try("TryRLock", rw.TryRLock())
		rw.RUnlock()
		rw.RUnlock()
		try("TryLock", rw.TryLock())
		rw.Unlock()
		return out
	})
}

// Readers share the lock, writers exclude everyone, whatever the
// interleaving: the counts seen inside are the same natively.
func TestRWMutexExclusion(t *testing.T) {
	syncSideBySide(t, func(t *testing.T, x syncImpl) []string {
		rw, wg := x.rw(), x.wg()
		var readers, writers, bad int
		guard := x.mutex() // guards the counters, which the native run shares
		enter := func(w bool) {
			guard.Lock()
			if w {
				writers++
			} else {
				readers++
			}
			if writers > 1 || (writers == 1 && readers > 0) {
				bad++
			}
			guard.Unlock()
		}
		leave := func(w bool) {
			guard.Lock()
			if w {
				writers--
			} else {
				readers--
			}
			guard.Unlock()
		}
		for i := 0; i < 6; i++ {
			write := i%3 == 0
			wg.Add(1)
			x.spawn(func() {
				defer wg.Done()
				for j := 0; j < 20; j++ {
					if write {
						rw.Lock()
					} else {
						rw.RLock()
					}
					enter(write)
					runtime.Gosched()
					simrt.Gosched()
					leave(write)
					if write {
						rw.Unlock()
					} else {
						rw.RUnlock()
					}
				}
			})
		}
		wg.Wait()
		return []string{fmt.Sprint("violations=", bad)}
	})
}

func TestRWMutexReadersShareTime(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var rw simrt.RWMutex
		var wg simrt.WaitGroup
		start := simrt.Now()
		for i := 0; i < 3; i++ {
			wg.Go(func() {
				rw.RLock()
				simrt.Sleep(10 * time.Millisecond)
				rw.RUnlock()
			})
		}
		wg.Wait()
		if d := simrt.Since(start); d != 10*time.Millisecond {
			t.Errorf("three readers of 10ms took %v together, want 10ms", d)
		}
		start = simrt.Now()
		for i := 0; i < 3; i++ {
			wg.Go(func() {
				rw.Lock()
				simrt.Sleep(10 * time.Millisecond)
				rw.Unlock()
			})
		}
		wg.Wait()
		if d := simrt.Since(start); d != 30*time.Millisecond {
			t.Errorf("three writers of 10ms took %v together, want 30ms", d)
		}
	})
}

// A writer blocked on readers stops new readers, as in Go: a steady stream
// of readers cannot starve it.
func TestRWMutexWriterPreference(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var rw simrt.RWMutex
		var log []string
		var wg simrt.WaitGroup
		rw.RLock()
		wg.Go(func() {
			rw.Lock()
			log = append(log, "writer")
			rw.Unlock()
		})
		simrt.Sleep(time.Millisecond) // virtual time moves only once the writer blocked
		if rw.TryRLock() {
			t.Fatal("TryRLock succeeded while a writer waited")
		}
		wg.Go(func() {
			rw.RLock()
			log = append(log, "late reader")
			rw.RUnlock()
		})
		simrt.Sleep(time.Millisecond)
		log = append(log, "first reader leaves")
		rw.RUnlock()
		wg.Wait()
		want := []string{"first reader leaves", "writer", "late reader"}
		if !reflect.DeepEqual(log, want) {
			t.Errorf("order %q, want %q", log, want)
		}
	})
}

// Readers that queued behind a writer get the lock before the next writer,
// so writers cannot starve readers either.
func TestRWMutexReadersBeforeNextWriter(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var rw simrt.RWMutex
		var log []string
		var wg simrt.WaitGroup
		rw.Lock()
		wg.Go(func() {
			rw.RLock()
			log = append(log, "reader")
			simrt.Sleep(time.Millisecond)
			rw.RUnlock()
		})
		simrt.Sleep(time.Millisecond)
		wg.Go(func() {
			rw.Lock()
			log = append(log, "writer 2")
			rw.Unlock()
		})
		simrt.Sleep(time.Millisecond)
		log = append(log, "writer 1 leaves")
		rw.Unlock()
		wg.Wait()
		want := []string{"writer 1 leaves", "reader", "writer 2"}
		if !reflect.DeepEqual(log, want) {
			t.Errorf("order %q, want %q", log, want)
		}
	})
}

func TestRWMutexOutside(t *testing.T) {
	var rw simrt.RWMutex
	rw.RLock()
	rw.RLock()
	if rw.TryLock() {
		t.Fatal("TryLock succeeded under readers")
	}
	rw.RUnlock()
	rw.RUnlock()
	rw.Lock()
	if rw.TryRLock() {
		t.Fatal("TryRLock succeeded under a writer")
	}
	rw.Unlock()
	if !rw.TryRLock() {
		t.Fatal("TryRLock of a free RWMutex failed")
	}
	rw.RUnlock()
}

// ---- Cond ----

// slowUnlock is a Locker whose Unlock sleeps after unlocking, which opens
// the gap between Wait's ticket and its park where a wakeup could be lost.
type slowUnlock struct {
	sync.Locker
	sleep func(time.Duration)
	log   *[]string
}

func (l slowUnlock) Unlock() {
	l.Locker.Unlock()
	l.sleep(20 * time.Millisecond)
	*l.log = append(*l.log, "unlock returned")
}

func TestCondNoLostWakeup(t *testing.T) {
	syncSideBySide(t, func(t *testing.T, x syncImpl) []string {
		var log []string
		mu := x.mutex()
		l := slowUnlock{mu, x.sleep, &log}
		c := x.cond(l)
		ready := false
		wg := x.wg()
		wg.Add(1)
		mu.Lock()
		x.spawn(func() {
			defer wg.Done()
			mu.Lock()
			for !ready {
				c.Wait() // unlocks through l, which sleeps
			}
			mu.Unlock()
		})
		mu.Unlock()
		x.sleep(5 * time.Millisecond) // the waiter is inside l.Unlock now
		mu.Lock()
		ready = true
		c.Signal()
		mu.Unlock()
		wg.Wait()
		if x.name == "sim" && !reflect.DeepEqual(log, []string{"unlock returned"}) {
			t.Errorf("log %q", log)
		}
		return []string{"woken"}
	})
}

func TestCondFIFO(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var mu simrt.Mutex
		c := simrt.NewCond(&mu)
		var order []int
		var wg simrt.WaitGroup
		for i := 0; i < 5; i++ {
			wg.Go(func() {
				mu.Lock()
				c.Wait()
				order = append(order, i)
				mu.Unlock()
			})
			simrt.Sleep(time.Millisecond) // i waits before i+1
		}
		for i := 0; i < 5; i++ {
			c.Signal()
			simrt.Sleep(time.Millisecond)
		}
		wg.Wait()
		if want := []int{0, 1, 2, 3, 4}; !reflect.DeepEqual(order, want) {
			t.Errorf("wakeup order %v, want %v", order, want)
		}
	})
}

func TestCondBroadcast(t *testing.T) {
	syncSideBySide(t, func(t *testing.T, x syncImpl) []string {
		mu := x.mutex()
		c := x.cond(mu)
		gen, woken := 0, 0
		wg := x.wg()
		for i := 0; i < 4; i++ {
			wg.Add(1)
			x.spawn(func() {
				defer wg.Done()
				mu.Lock()
				for gen == 0 {
					c.Wait()
				}
				woken++
				mu.Unlock()
			})
		}
		x.sleep(10 * time.Millisecond)
		mu.Lock()
		gen = 1
		c.Broadcast()
		mu.Unlock()
		wg.Wait()
		return []string{fmt.Sprint("woken=", woken)}
	})
}

// A Signal with no waiter is not remembered.
func TestCondSignalNotRemembered(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var mu simrt.Mutex
		c := simrt.NewCond(&mu)
		c.Signal()
		c.Broadcast()
		woken := false
		simrt.Go(func() {
			mu.Lock()
			c.Wait()
			woken = true
			mu.Unlock()
		})
		simrt.Sleep(time.Millisecond)
		if woken {
			t.Fatal("an earlier Signal woke a later Wait")
		}
		c.Signal()
		simrt.Sleep(time.Millisecond)
		if !woken {
			t.Fatal("Signal did not wake the waiter")
		}
	})
}

// Cond works with any Locker: here the read side of an RWMutex.
func TestCondRLocker(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var rw simrt.RWMutex
		c := simrt.NewCond(rw.RLocker())
		flag := false
		var wg simrt.WaitGroup
		for i := 0; i < 3; i++ {
			wg.Go(func() {
				rw.RLock()
				for !flag {
					c.Wait()
				}
				rw.RUnlock()
			})
		}
		simrt.Sleep(time.Millisecond)
		rw.Lock()
		flag = true
		rw.Unlock()
		c.Broadcast()
		wg.Wait()
	})
}

func TestCondCopied(t *testing.T) {
	syncSideBySide(t, func(t *testing.T, x syncImpl) []string {
		c := x.cond(x.mutex())
		c.Signal()
		// Copy through reflect, which go vet's copylocks does not see.
		cp := reflect.New(reflect.TypeOf(c).Elem())
		cp.Elem().Set(reflect.ValueOf(c).Elem())
		c2 := cp.Interface().(condLike)
		return []string{syncCatch(c2.Signal), syncCatch(c2.Broadcast), syncCatch(c.Signal)}
	})
}

func TestCondSignalOutside(t *testing.T) {
	var mu simrt.Mutex
	c := simrt.NewCond(&mu)
	// Outside a simulation, with no waiter, both are no-ops: neither
	// panics, and neither leaves a notification for a later Wait.
	c.Signal()
	c.Broadcast()
	simrt.Test(t, func(t *testing.T) {
		ready := false
		simrt.Go(func() {
			simrt.Sleep(time.Millisecond)
			mu.Lock()
			ready = true
			c.Signal()
			mu.Unlock()
		})
		mu.Lock()
		c.Wait()
		if !ready {
			t.Error("Wait returned before the Signal that came after it: an earlier Signal outside the simulation was kept")
		}
		mu.Unlock()
	})
}

// ---- Once and the OnceFunc family ----

func TestOnceConcurrent(t *testing.T) {
	syncSideBySide(t, func(t *testing.T, x syncImpl) []string {
		o, wg, mu := x.once(), x.wg(), x.mutex()
		calls := 0
		var seen []string
		for i := 0; i < 5; i++ {
			wg.Add(1)
			x.spawn(func() {
				defer wg.Done()
				o.Do(func() {
					x.sleep(10 * time.Millisecond) // the others must wait for this
					calls++
				})
				mu.Lock()
				seen = append(seen, fmt.Sprint("saw calls=", calls))
				mu.Unlock()
			})
		}
		wg.Wait()
		return append(seen, fmt.Sprint("calls=", calls))
	})
}

func TestOncePanicAndGoexit(t *testing.T) {
	syncSideBySide(t, func(t *testing.T, x syncImpl) []string {
		o := x.once()
		first := syncCatch(func() { o.Do(func() { panic("boom") }) })
		second := syncCatch(func() { o.Do(func() { panic("called again") }) })
		o2, wg := x.once(), x.wg()
		wg.Add(1)
		x.spawn(func() {
			defer wg.Done()
			o2.Do(runtime.Goexit)
		})
		wg.Wait()
		third := syncCatch(func() { o2.Do(func() { panic("called after Goexit") }) })
		return []string{first, second, third}
	})
}

func TestOnceWaitsForFirst(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var o simrt.Once
		done := false
		simrt.Go(func() {
			o.Do(func() {
				simrt.Sleep(10 * time.Millisecond)
				done = true
			})
		})
		simrt.Sleep(time.Millisecond)
		start := simrt.Now()
		o.Do(func() { t.Error("second f called") })
		if !done {
			t.Error("Do returned before the first f finished")
		}
		if d := simrt.Since(start); d != 9*time.Millisecond {
			t.Errorf("second Do waited %v, want 9ms", d)
		}
	})
}

func TestOnceOutside(t *testing.T) {
	var o simrt.Once
	n := 0
	o.Do(func() { n++ })
	o.Do(func() { n++ })
	if n != 1 {
		t.Errorf("f ran %d times", n)
	}
}

func TestOnceFuncs(t *testing.T) {
	syncSideBySide(t, func(t *testing.T, x syncImpl) []string {
		var out []string
		n := 0
		f := x.onceFunc(func() { n++ })
		f()
		f()
		out = append(out, fmt.Sprint("OnceFunc calls=", n))

		n = 0
		pf := x.onceFunc(func() { n++; panic(fmt.Errorf("err %d", n)) })
		for i := 0; i < 3; i++ {
			out = append(out, syncCatch(pf))
		}
		out = append(out, fmt.Sprint("panicking OnceFunc calls=", n))

		n = 0
		v := x.onceValue(func() any { n++; return n * 10 })
		out = append(out, fmt.Sprint(v(), v(), " calls=", n))
		pv := x.onceValue(func() any { panic("value boom") })
		out = append(out, syncCatch(func() { pv() }), syncCatch(func() { pv() }))

		n = 0
		vs := x.onceValues(func() (any, error) { n++; return n, fmt.Errorf("e%d", n) })
		a1, e1 := vs()
		a2, e2 := vs()
		out = append(out, fmt.Sprint(a1, e1, a2, e2, " calls=", n))
		pvs := x.onceValues(func() (any, error) { panic("values boom") })
		out = append(out, syncCatch(func() { pvs() }), syncCatch(func() { pvs() }))

		// Concurrent callers all see the one result.
		n = 0
		cv := x.onceValue(func() any { x.sleep(time.Millisecond); n++; return "r" })
		wg, mu := x.wg(), x.mutex()
		var got []string
		for i := 0; i < 3; i++ {
			wg.Add(1)
			x.spawn(func() {
				defer wg.Done()
				r := cv()
				mu.Lock()
				got = append(got, fmt.Sprint(r))
				mu.Unlock()
			})
		}
		wg.Wait()
		return append(out, strings.Join(got, ","), fmt.Sprint("concurrent calls=", n))
	})
}

// ---- Map ----

type mapOp struct {
	op      string
	k, a, b any
}

func applyMap(m mapLike, ops []mapOp) []string {
	var out []string
	for _, o := range ops {
		var r string
		r = syncCatch(func() {
			switch o.op {
			case "Load":
				v, ok := m.Load(o.k)
				r = fmt.Sprint(v, ok)
			case "Store":
				m.Store(o.k, o.a)
			case "LoadOrStore":
				v, ok := m.LoadOrStore(o.k, o.a)
				r = fmt.Sprint(v, ok)
			case "LoadAndDelete":
				v, ok := m.LoadAndDelete(o.k)
				r = fmt.Sprint(v, ok)
			case "Delete":
				m.Delete(o.k)
			case "Swap":
				v, ok := m.Swap(o.k, o.a)
				r = fmt.Sprint(v, ok)
			case "CompareAndSwap":
				r = fmt.Sprint(m.CompareAndSwap(o.k, o.a, o.b))
			case "CompareAndDelete":
				r = fmt.Sprint(m.CompareAndDelete(o.k, o.a))
			case "Clear":
				m.Clear()
			case "Contents":
				r = mapContents(m)
			}
		})
		out = append(out, fmt.Sprintf("%s(%v) %s", o.op, o.k, r))
	}
	return out
}

func mapContents(m mapLike) string {
	var kv []string
	m.Range(func(k, v any) bool {
		kv = append(kv, fmt.Sprintf("%v:%v", k, v))
		return true
	})
	sort.Strings(kv)
	return strings.Join(kv, " ")
}

func TestMapOps(t *testing.T) {
	ops := []mapOp{
		{op: "Load", k: 1},
		{op: "Store", k: 1, a: "a"},
		{op: "Load", k: 1},
		{op: "LoadOrStore", k: 1, a: "b"},
		{op: "LoadOrStore", k: 2, a: "b"},
		{op: "Swap", k: 2, a: "c"},
		{op: "Swap", k: 3, a: "d"},
		{op: "CompareAndSwap", k: 3, a: "x", b: "y"},
		{op: "CompareAndSwap", k: 3, a: "d", b: "e"},
		{op: "CompareAndSwap", k: 9, a: nil, b: 1},
		{op: "CompareAndDelete", k: 2, a: "b"},
		{op: "CompareAndDelete", k: 9, a: nil},
		{op: "Contents"},
		{op: "CompareAndDelete", k: 2, a: "c"},
		{op: "LoadAndDelete", k: 2},
		{op: "LoadAndDelete", k: 3},
		{op: "Delete", k: 1},
		{op: "Delete", k: 1},
		{op: "Contents"},
		{op: "Store", k: nil, a: nil},
		{op: "Load", k: nil},
		{op: "Store", k: "s", a: []int{1}},
		{op: "CompareAndSwap", k: "s", a: []int{1}, b: 2},
		{op: "CompareAndSwap", k: "s", a: 1, b: 2},
		{op: "CompareAndDelete", k: "s", a: []int{1}},
		{op: "Store", k: []int{1}, a: 1},
		{op: "Load", k: []int{1}},
		{op: "Contents"},
		{op: "Clear"},
		{op: "Contents"},
		{op: "Store", k: 1, a: "again"},
		{op: "Contents"},
	}
	// Enough stores and deletes to compact the slots several times.
	for i := 0; i < 200; i++ {
		ops = append(ops, mapOp{op: "Store", k: i, a: i * i})
	}
	for i := 0; i < 200; i++ {
		if i%7 != 0 {
			ops = append(ops, mapOp{op: "LoadAndDelete", k: i})
		}
	}
	ops = append(ops, mapOp{op: "Contents"}, mapOp{op: "Load", k: 14}, mapOp{op: "Load", k: 15})
	syncSideBySide(t, func(t *testing.T, x syncImpl) []string {
		return applyMap(x.newMap(), ops)
	})
	// Outside a simulation too.
	if got, want := applyMap(new(simrt.Map), ops), applyMap(new(sync.Map), ops); !reflect.DeepEqual(got, want) {
		t.Errorf("outside a simulation:\n\t%q\nnative:\n\t%q", got, want)
	}
}

// Range visits every key once and stops when f returns false; keys deleted
// during the Range are not visited.
func TestMapRangeSemantics(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var m simrt.Map
		for i := 0; i < 10; i++ {
			m.Store(i, i)
		}
		seen := map[any]int{}
		m.Range(func(k, v any) bool {
			seen[k]++
			if k != v {
				t.Errorf("key %v has value %v", k, v)
			}
			m.Store(k.(int)+100, 0) // new keys: not visited
			return true
		})
		if len(seen) != 10 {
			t.Errorf("visited %d keys, want 10", len(seen))
		}
		for k, n := range seen {
			if n != 1 || k.(int) >= 100 {
				t.Errorf("key %v visited %d times", k, n)
			}
		}
		n := 0
		m.Range(func(k, v any) bool { n++; return n < 3 })
		if n != 3 {
			t.Errorf("Range went on after false: %d calls", n)
		}
		var visited []any
		m.Range(func(k, v any) bool {
			visited = append(visited, k)
			if len(visited) == 1 {
				m.Clear()
				m.Store(k, "stored again")
			}
			return true
		})
		if len(visited) != 1 {
			t.Errorf("visited %v after Clear", visited)
		}
		// Another goroutine's delete during a Range also counts.
		m.Clear()
		for i := 0; i < 5; i++ {
			m.Store(i, i)
		}
		deleted := map[any]bool{}
		simrt.Go(func() {
			for i := 0; i < 5; i++ {
				m.Delete(i)
				deleted[i] = true
			}
		})
		m.Range(func(k, v any) bool {
			if deleted[k] {
				t.Errorf("visited %v after it was deleted", k)
			}
			return true
		})
	})
}

// mapOrder is the child scenario of TestMapRangeOrder: it prints the order
// of two Ranges over the same map.
func mapOrder(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var m simrt.Map
		for i := 0; i < 12; i++ {
			m.Store(i, i)
		}
		for r := 0; r < 2; r++ {
			var keys []string
			m.Range(func(k, v any) bool {
				keys = append(keys, fmt.Sprint(k))
				return true
			})
			fmt.Printf("ORDER %s\n", strings.Join(keys, ","))
		}
	})
}

func TestMapRangeOrder(t *testing.T) {
	orders := func(seed int) []string {
		out, err := runSyncChild(t, "map-order", fmt.Sprintf("SIM_SEED=%d", seed))
		if err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, out)
		}
		var os []string
		for _, line := range strings.Split(out, "\n") {
			if s, ok := strings.CutPrefix(line, "ORDER "); ok {
				os = append(os, s)
			}
		}
		if len(os) != 2 {
			t.Fatalf("seed %d: want 2 orders in:\n%s", seed, out)
		}
		return os
	}
	first := orders(1)
	if again := orders(1); !reflect.DeepEqual(first, again) {
		t.Errorf("seed 1 ran twice gave orders %q and %q", first, again)
	}
	if first[0] == first[1] {
		t.Errorf("two Ranges of one run visited in the same order %s", first[0])
	}
	distinct := map[string]bool{first[0]: true}
	for seed := 2; seed <= 4; seed++ {
		distinct[orders(seed)[0]] = true
	}
	if len(distinct) < 3 {
		t.Errorf("4 seeds gave only %d distinct orders of 12 keys", len(distinct))
	}
}

// TestMapOutsideRange: outside a test's world a Map still ranges over
// exactly its entries (in the ambient world's order, once that exists).
func TestMapOutsideRange(t *testing.T) {
	var m simrt.Map
	for _, k := range []string{"c", "a", "b"} {
		m.Store(k, 0)
	}
	m.Delete("a")
	m.Store("a", 1)
	var keys []string
	m.Range(func(k, v any) bool { keys = append(keys, k.(string)); return true })
	sort.Strings(keys)
	if want := []string{"a", "b", "c"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("Range outside a simulation: %v, want %v", keys, want)
	}
}

// ---- Pool ----

func TestPool(t *testing.T) {
	check := func(t *testing.T) {
		var p simrt.Pool
		if v := p.Get(); v != nil {
			t.Errorf("Get of an empty Pool without New: %v", v)
		}
		p.Put(1)
		p.Put(nil) // ignored, as in Go
		p.Put(2)
		p.Put(3)
		var got []any
		for i := 0; i < 4; i++ {
			got = append(got, p.Get())
		}
		if want := []any{3, 2, 1, nil}; !reflect.DeepEqual(got, want) {
			t.Errorf("Gets %v, want %v (LIFO, never dropped)", got, want)
		}
		made := 0
		q := simrt.Pool{New: func() any { made++; return made }}
		q.Put("x")
		if a, b, c := q.Get(), q.Get(), q.Get(); a != "x" || b != 1 || c != 2 {
			t.Errorf("Gets with New: %v %v %v", a, b, c)
		}
	}
	simrt.Test(t, check)
	check(t)
}

// A nil Pool panics with Go's text. (Not side by side: a native nil Pool
// panics with the race detector disabled and never enables it again, which
// makes the rest of a -race run report false races.)
func TestPoolNil(t *testing.T) {
	check := func(t *testing.T) {
		var p *simrt.Pool
		for _, f := range []func(){func() { p.Get() }, func() { p.Put(1) }} {
			if got := syncCatch(f); got != "panic: nil Pool" {
				t.Errorf("nil Pool: %s", got)
			}
		}
		p.Put(nil) // returns before it looks at the Pool, as in Go
	}
	simrt.Test(t, check)
	check(t)
}

// ---- fatal errors and deadlocks, in a child process ----

// syncChildren are the scenarios a child process runs, by name.
var syncChildren = map[string]func(t *testing.T){
	"map-order": mapOrder,
	"sim-runlock": func(t *testing.T) {
		simrt.Test(t, func(t *testing.T) {
			var rw simrt.RWMutex
			if !rw.TryRLock() {
				t.Fatal("TryRLock failed")
			}
			rw.RUnlock()
			defer func() {
				if r := recover(); r != nil {
					fmt.Println("RECOVERED", r)
				}
			}()
			rw.RUnlock()
		})
	},
	"sim-runlock-writer": func(t *testing.T) {
		simrt.Test(t, func(t *testing.T) {
			var rw simrt.RWMutex
			rw.Lock()
			simrt.Go(rw.RUnlock)
			simrt.Sleep(time.Second)
		})
	},
	"sim-unlock": func(t *testing.T) {
		simrt.Test(t, func(t *testing.T) {
			var rw simrt.RWMutex
			rw.RLock()
			defer func() {
				if r := recover(); r != nil {
					fmt.Println("RECOVERED", r)
				}
			}()
			rw.Unlock()
		})
	},
	// Outside every test, a wait runs in the ambient world, where nothing
	// can wake these: a deadlock that ends the process.
	"outside-rw-lock-under-readers": func(t *testing.T) {
		var rw simrt.RWMutex
		rw.RLock()
		rw.Lock()
	},
	"outside-rw-rlock-under-writer": func(t *testing.T) {
		var rw simrt.RWMutex
		rw.Lock()
		rw.RLock()
	},
	"outside-cond-wait": func(t *testing.T) {
		var mu simrt.Mutex
		c := simrt.NewCond(&mu)
		mu.Lock()
		c.Wait()
	},
	"outside-once-recursive": func(t *testing.T) {
		var o simrt.Once
		o.Do(func() { o.Do(func() {}) })
	},
	"outside-runlock": func(t *testing.T) {
		var rw simrt.RWMutex
		rw.RUnlock()
	},
	"outside-unlock": func(t *testing.T) {
		var rw simrt.RWMutex
		rw.Unlock()
	},
	"native-runlock": func(t *testing.T) {
		var rw sync.RWMutex
		rw.RUnlock()
	},
	"native-unlock": func(t *testing.T) {
		var rw sync.RWMutex
		rw.Unlock()
	},
	"sim-once-recursive": func(t *testing.T) {
		simrt.Test(t, func(t *testing.T) {
			var o simrt.Once
			o.Do(func() { o.Do(func() {}) })
		})
	},
	"sim-cond-no-signal": func(t *testing.T) {
		simrt.Test(t, func(t *testing.T) {
			var mu simrt.Mutex
			c := simrt.NewCond(&mu)
			mu.Lock()
			c.Wait()
		})
	},
	"sim-rw-upgrade": func(t *testing.T) {
		simrt.Test(t, func(t *testing.T) {
			var rw simrt.RWMutex
			rw.RLock()
			rw.Lock()
		})
	},
	"sim-rw-recursive-rlock": func(t *testing.T) {
		// The classic: a recursive read lock deadlocks once a writer waits.
		simrt.Test(t, func(t *testing.T) {
			var rw simrt.RWMutex
			rw.RLock()
			simrt.Go(func() { rw.Lock() })
			simrt.Sleep(time.Millisecond)
			rw.RLock()
		})
	},
}

const syncChildEnv = "SIMRT_SYNC_CHILD"

// TestSyncChild runs the scenario a parent test asked for; it is skipped in a
// normal run.
func TestSyncChild(t *testing.T) {
	name := os.Getenv(syncChildEnv)
	if name == "" {
		t.Skip("runs only as a child process of another test")
	}
	syncChildren[name](t)
}

// runSyncChild runs scenario name in a child process and returns its output;
// err is non-nil when the child failed.
func runSyncChild(t *testing.T, name string, env ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSyncChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), syncChildEnv+"="+name, "SIM_SEEDS=1", "SIM_CHECK_DETERMINISM=")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestFatalAndDeadlock(t *testing.T) {
	t.Parallel()
	cases := []struct {
		child string
		want  []string
	}{
		{"native-runlock", []string{"fatal error: sync: RUnlock of unlocked RWMutex"}},
		{"native-unlock", []string{"fatal error: sync: Unlock of unlocked RWMutex"}},
		{"outside-runlock", []string{"fatal error: sync: RUnlock of unlocked RWMutex"}},
		{"outside-unlock", []string{"fatal error: sync: Unlock of unlocked RWMutex"}},
		{"sim-runlock", []string{"fatal error: sync: RUnlock of unlocked RWMutex", "SIM_SEED="}},
		{"sim-runlock-writer", []string{"fatal error: sync: RUnlock of unlocked RWMutex", "SIM_SEED="}},
		{"sim-unlock", []string{"fatal error: sync: Unlock of unlocked RWMutex", "SIM_SEED="}},
		{"sim-once-recursive", []string{"deadlock", "[sync.Once.Do]", "SIM_SEED="}},
		{"sim-cond-no-signal", []string{"deadlock", "[sync.Cond.Wait]", "SIM_SEED="}},
		{"sim-rw-upgrade", []string{"deadlock", "[sync.RWMutex.Lock]", "SIM_SEED="}},
		{"sim-rw-recursive-rlock", []string{"deadlock", "[sync.RWMutex.Lock]", "[sync.RWMutex.RLock]"}},
		{"outside-rw-lock-under-readers", []string{"deadlock", "[sync.RWMutex.Lock]", "outside every test"}},
		{"outside-rw-rlock-under-writer", []string{"deadlock", "[sync.RWMutex.RLock]", "outside every test"}},
		{"outside-cond-wait", []string{"deadlock", "[sync.Cond.Wait]", "outside every test"}},
		{"outside-once-recursive", []string{"deadlock", "[sync.Once.Do]", "outside every test"}},
	}
	for _, c := range cases {
		t.Run(c.child, func(t *testing.T) {
			t.Parallel()
			out, err := runSyncChild(t, c.child)
			if err == nil {
				t.Fatalf("child succeeded:\n%s", out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "RECOVERED") {
				t.Errorf("recover() caught a fatal error:\n%s", out)
			}
		})
	}
}

// ---- API parity with package sync ----

// exportedAPI returns "Recv.Name sig" for every exported function and
// method in the non-test Go files of dir whose receiver (or, for functions,
// whose name) is in names.
func exportedAPI(t *testing.T, dir string, names map[string]bool) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var api []string
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || !fd.Name.IsExported() {
				continue
			}
			owner := fd.Name.Name
			if fd.Recv != nil {
				owner = recvName(fd.Recv.List[0].Type)
			}
			if names[owner] {
				api = append(api, owner+"."+fd.Name.Name+" "+sigString(fset, fd.Type))
			}
		}
	}
	sort.Strings(api)
	return api
}

func recvName(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return "?"
		}
	}
}

// sigString prints a signature's types, without parameter names.
func sigString(fset *token.FileSet, ft *ast.FuncType) string {
	list := func(fl *ast.FieldList) string {
		if fl == nil {
			return ""
		}
		var parts []string
		for _, f := range fl.List {
			var b strings.Builder
			printer.Fprint(&b, fset, f.Type)
			n := len(f.Names)
			if n == 0 {
				n = 1
			}
			for i := 0; i < n; i++ {
				parts = append(parts, b.String())
			}
		}
		return strings.Join(parts, ", ")
	}
	return "[" + list(ft.TypeParams) + "](" + list(ft.Params) + ") (" + list(ft.Results) + ")"
}

// goroot is the GOROOT of the go command that runs the tests.
func goroot(t *testing.T) string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("go env GOROOT: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func TestSyncAPIParity(t *testing.T) {
	names := map[string]bool{
		"Mutex": true, "RWMutex": true, "WaitGroup": true, "Once": true, "Cond": true,
		"Map": true, "Pool": true, "NewCond": true, "OnceFunc": true, "OnceValue": true,
		"OnceValues": true,
	}
	want := exportedAPI(t, filepath.Join(goroot(t), "src", "sync"), names)
	got := exportedAPI(t, ".", names)
	if len(want) < 30 {
		t.Fatalf("found only %d declarations in package sync: %q", len(want), want)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("simrt's API differs from package sync's:\nsimrt:\n\t%s\nsync:\n\t%s",
			strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}
