package simrt_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simatomic"
)

// progressProbe is the probe of issue 15: a worker takes 40 locked steps;
// at steps 10 and 30 it updates a record in two critical sections (the
// bug), leaving it torn in between. Two observers each look once; the test
// fails only when the first sees the record torn at step 10 and the second
// sees it torn at step 30: two exact preemptions. fixed takes each update
// in one critical section.
func progressProbe(fixed bool) string {
	var mu simrt.Mutex
	var wg simrt.WaitGroup
	type record struct{ step, half int }
	var rec record
	wg.Add(3)
	simrt.Go(func() {
		defer wg.Done()
		for i := 1; i <= 40; i++ {
			mu.Lock()
			rec.step = i
			if (i == 10 || i == 30) && !fixed {
				rec.half = 1
				mu.Unlock()
				mu.Lock()
			}
			rec.half = 0
			mu.Unlock()
		}
	})
	var seen [2]record
	for k := range 2 {
		simrt.Go(func() {
			defer wg.Done()
			mu.Lock()
			seen[k] = rec
			mu.Unlock()
		})
	}
	wg.Wait()
	if seen[0] == (record{10, 1}) && seen[1] == (record{30, 1}) {
		return fmt.Sprintf("FAIL: observers saw torn records at steps %d and %d", seen[0].step, seen[1].step)
	}
	return "ok"
}

func TestExhaustiveFindsProbe(t *testing.T) {
	e := simrt.Explore(2, true, 0, func() string { return progressProbe(false) })
	if !strings.HasPrefix(e.End, "failed") {
		t.Fatalf("two preemptions: %+v, want a failure", e)
	}
	t.Logf("found after %d schedules, schedule %s", e.Schedules, e.Schedule)
	if got := simrt.ReplaySchedule(e.Schedule, func() string { return progressProbe(false) }); !strings.HasPrefix(got, "FAIL") {
		t.Errorf("replaying %s: %q, want the failure", e.Schedule, got)
	}
	one := simrt.Explore(1, true, 0, func() string { return progressProbe(false) })
	if one.End != "done" {
		t.Errorf("one preemption: %+v, want every schedule to pass (the bug needs two)", one)
	}
}

func TestExhaustiveProbeFixedTwin(t *testing.T) {
	a := simrt.Explore(2, true, 0, func() string { return progressProbe(true) })
	b := simrt.Explore(2, true, 0, func() string { return progressProbe(true) })
	if a.End != "done" || b.End != "done" || a.Schedules != b.Schedules {
		t.Fatalf("fixed twin: %+v then %+v, want done twice with the same count", a, b)
	}
	t.Logf("explored all %d schedules (2 preemptions)", a.Schedules)
}

// TestExhaustiveLevels checks iterative preemption bounding: the bounds
// 0, 1, ..., K are enumerated in turn, each level the enumeration a single
// bound makes, so the probe's bug is found at the smallest bound that has
// it (two) after the complete levels 0 and 1, the fixed twin's count is
// that of its bound alone, and a budget that runs out inside a level says
// which bound passed in full.
func TestExhaustiveLevels(t *testing.T) {
	probe := func(fixed bool) func() string { return func() string { return progressProbe(fixed) } }
	var bug, fixed [4]int // the schedules of one level's enumeration, per bound
	for k := range 3 {
		bug[k] = simrt.Explore(k, true, 0, probe(false)).Schedules
		fixed[k] = simrt.Explore(k, true, 0, probe(true)).Schedules
	}
	e := simrt.ExploreLevels(3, 0, probe(false))
	if !strings.HasPrefix(e.End, "failed") || e.Level != 2 || e.Proven != 1 || e.LevelRuns != bug[2] || e.Schedules != bug[0]+bug[1]+bug[2] {
		t.Errorf("the probe within 3: %+v, want it failed within 2 (proven 1) after %d+%d+%d schedules", e, bug[0], bug[1], bug[2])
	}
	if got := simrt.ReplaySchedule(e.Schedule, probe(false)); !strings.HasPrefix(got, "FAIL") {
		t.Errorf("replaying %s: %q, want the failure", e.Schedule, got)
	}
	f := simrt.ExploreLevels(2, 0, probe(true))
	if f.End != "done" || f.Level != 2 || f.Proven != 2 || f.LevelRuns != fixed[2] || f.Schedules != fixed[0]+fixed[1]+fixed[2] {
		t.Errorf("the fixed twin within 2: %+v, want done with %d schedules at the last level, %d in all", f, fixed[2], fixed[0]+fixed[1]+fixed[2])
	}
	t.Logf("bug: %d schedules in all, %d within 2 alone; fixed: %d in all, %d within 2 alone", e.Schedules, bug[2], f.Schedules, fixed[2])

	b := simrt.ExploreLevels(2, fixed[0]+10, probe(true))
	want := fmt.Sprintf("all %d schedules within 0 preemptions passed, and 10 within 1", fixed[0])
	if b.End != "budget" || b.Level != 1 || b.Proven != 0 || b.Budget != want {
		t.Errorf("a budget of %d schedules: %+v, want it spent within 1 after level 0 passed (%q)", fixed[0]+10, b, want)
	}
	b = simrt.ExploreLevels(2, 3, probe(true))
	if want := "no bound fully explored (3 schedules within 0 preemptions)"; b.End != "budget" || b.Proven != -1 || b.Budget != want {
		t.Errorf("a budget of 3 schedules: %+v, want %q", b, want)
	}

	// A level that refused no choice for its bound is every larger
	// bound's enumeration: the levels stop there.
	alone := func() string {
		ch := simrt.MakeChan[int](0)
		simrt.Go(func() { simrt.Send(ch, 1) })
		return fmt.Sprint(simrt.Recv(ch))
	}
	var sums []int // the schedules of levels 0..k
	last := 0      // the schedules within 5 alone
	for k := range 6 {
		last = simrt.Explore(k, true, 0, alone).Schedules
		sums = append(sums, last)
		if k > 0 {
			sums[k] += sums[k-1]
		}
	}
	a := simrt.ExploreLevels(5, 0, alone)
	if i := slices.Index(sums, a.Schedules); a.End != "done" || a.Level != 5 || a.Proven != 5 || i < 0 || i >= 4 || a.LevelRuns != last {
		t.Errorf("a send and a receive within 5: %+v, want done before level 5 with %d schedules at the last level run (the levels' running sums are %v)", a, last, sums)
	}
}

// mutexCopy is testdata/bugs' mutexcopy in small: one goroutine takes a
// struct's lock twice, with a scheduling point inside each critical section,
// while another copies the struct, mutex included, and tries to lock the
// copy. The copy is a plain read no primitive reports; the copy is locked
// when it was taken inside a critical section. copierFirst starts the
// copier first, so that its default schedule copies the mutex before its
// first use (no home yet: dpor.go's onState).
func mutexCopy(copierFirst bool) string {
	type stats struct {
		mu   simrt.Mutex
		hits int64
	}
	s := &stats{}
	var wg simrt.WaitGroup
	var copied []bool
	wg.Add(2)
	hitter := func() {
		defer wg.Done()
		for range 2 {
			s.mu.Lock()
			simatomic.AddInt64(&s.hits, 1)
			s.mu.Unlock()
		}
	}
	copier := func() {
		defer wg.Done()
		for range 2 {
			c := copyOf(s)
			copied = append(copied, c.mu.TryLock())
		}
	}
	if copierFirst {
		simrt.Go(copier)
		simrt.Go(hitter)
	} else {
		simrt.Go(hitter)
		simrt.Go(copier)
	}
	wg.Wait()
	return fmt.Sprint(copied)
}

// goAll runs each function in its own goroutine and waits for them all,
// each through its own channel: a WaitGroup would make the goroutines'
// last events dependent on each other, which helps the reduction reach
// reorderings a missing dependency would otherwise hide.
func goAll(fs ...func()) {
	var done []*simrt.Chan[bool]
	for _, f := range fs {
		c := simrt.MakeChan[bool](1)
		done = append(done, c)
		simrt.Go(func() { f(); simrt.Send(c, true) })
	}
	for _, c := range done {
		simrt.Recv(c)
	}
}

// copyOf copies *p whatever it holds: go vet's copylocks would rightly flag
// the plain assignment that mutexCopy's bug is about.
func copyOf[T any](p *T) T { return *p }

// The reduction's programs: small, each observable only through state its
// primitives guard (or, as mutexcopy, through a copy of a primitive's
// state), so that every outcome is a function of the order of dependent
// operations alone.
var reductionPrograms = map[string]func() string{
	"mutexcopy":       func() string { return mutexCopy(false) },
	"mutexcopy-first": func() string { return mutexCopy(true) },
	// Two goroutines share one mutex and each owns another.
	"mutexes": func() string {
		var shared, own1, own2 simrt.Mutex
		var wg simrt.WaitGroup
		var log []int
		var n1, n2 int
		wg.Add(2)
		for i, own := range []*simrt.Mutex{&own1, &own2} {
			id, n := i+1, &n1
			if id == 2 {
				n = &n2
			}
			simrt.Go(func() {
				defer wg.Done()
				for range 2 {
					own.Lock()
					*n++
					own.Unlock()
					shared.Lock()
					log = append(log, id)
					shared.Unlock()
				}
			})
		}
		wg.Wait()
		return fmt.Sprint(log, n1, n2)
	},
	// A lost update: read and write in two critical sections.
	"lostupdate": func() string {
		var mu, other simrt.Mutex
		var wg simrt.WaitGroup
		x, bystander := 0, 0
		wg.Add(3)
		for range 2 {
			simrt.Go(func() {
				defer wg.Done()
				mu.Lock()
				v := x
				mu.Unlock()
				mu.Lock()
				x = v + 1
				mu.Unlock()
			})
		}
		simrt.Go(func() {
			defer wg.Done()
			for range 3 {
				other.Lock()
				bystander++
				other.Unlock()
			}
		})
		wg.Wait()
		return fmt.Sprint(x, bystander)
	},
	// Two senders on a buffered channel, a receiver that also owns another.
	"channels": func() string {
		c := simrt.MakeChan[int](1)
		d := simrt.MakeChan[int](2)
		done := simrt.MakeChan[string](0)
		for i := 1; i <= 2; i++ {
			simrt.Go(func() { simrt.Send(c, i) })
		}
		simrt.Go(func() {
			simrt.Send(d, 7)
			a := simrt.Recv(c)
			simrt.Send(d, 8)
			b := simrt.Recv(c)
			simrt.Send(done, fmt.Sprint(a, b, simrt.Recv(d), simrt.Recv(d)))
		})
		return simrt.Recv(done)
	},
	// Atomics on two addresses: a split increment on one, flags on the other.
	"atomics": func() string {
		var n, flag int64
		var wg simrt.WaitGroup
		wg.Add(2)
		for range 2 {
			simrt.Go(func() {
				defer wg.Done()
				v := simatomic.LoadInt64(&n)
				simatomic.AddInt64(&flag, 1)
				simatomic.StoreInt64(&n, v+1)
			})
		}
		wg.Wait()
		return fmt.Sprint(simatomic.LoadInt64(&n), simatomic.LoadInt64(&flag))
	},
	// Two readers and a writer on an RWMutex, and a bystander on another.
	"rwmutex": func() string {
		var rw, other simrt.RWMutex
		var wg simrt.WaitGroup
		x, y := 0, 0
		var seen [2][]int
		wg.Add(4)
		for r := range 2 {
			simrt.Go(func() {
				defer wg.Done()
				rw.RLock()
				v := x
				simrt.Gosched()
				seen[r] = append(seen[r], v, x)
				rw.RUnlock()
			})
		}
		simrt.Go(func() {
			defer wg.Done()
			rw.Lock()
			x++
			rw.Unlock()
		})
		simrt.Go(func() {
			defer wg.Done()
			other.Lock()
			y++
			other.Unlock()
			other.RLock()
			y++
			other.RUnlock()
		})
		wg.Wait()
		return fmt.Sprint(seen, x, y)
	},
	// A Cond: waiters with a predicate, which count their wakeups; a
	// Signal outside the lock, then a Broadcast once the predicate holds
	// for good. A waiter sees 1 only if the Signal woke it, or if it never
	// waited.
	"cond": func() string {
		var mu simrt.Mutex
		c := simrt.NewCond(&mu)
		n := 0
		var got []string
		waiter := func() {
			mu.Lock()
			waits := 0
			for n == 0 {
				c.Wait()
				waits++
			}
			got = append(got, fmt.Sprint(n, waits))
			mu.Unlock()
		}
		goAll(waiter, waiter, func() {
			mu.Lock()
			n = 1
			mu.Unlock()
			c.Signal()
			mu.Lock()
			n = 2
			mu.Unlock()
			c.Broadcast()
		})
		return fmt.Sprint(got)
	},
	// Once with a scheduling point inside f, and an observer.
	"once": func() string {
		var o, other simrt.Once
		var by, ob int64
		var seen [3]int64
		do := func(i int) func() {
			return func() {
				if i == 2 {
					other.Do(func() { simatomic.StoreInt64(&ob, 1) })
				}
				o.Do(func() {
					simrt.Gosched()
					simatomic.StoreInt64(&by, int64(i+1))
				})
				seen[i] = simatomic.LoadInt64(&by)
			}
		}
		goAll(do(0), do(1), do(2))
		return fmt.Sprint(seen, ob)
	},
	// A sync.Map: loads, stores, LoadOrStore and a Range, two maps.
	"syncmap": func() string {
		var m, other simrt.Map
		var seen [3][]string
		goAll(func() {
			m.Store("a", 1)
			v, ok := m.Load("b")
			seen[0] = append(seen[0], fmt.Sprint(v, ok))
			other.Store("z", 0)
		}, func() {
			v, loaded := m.LoadOrStore("b", 2)
			seen[1] = append(seen[1], fmt.Sprint(v, loaded))
			v, ok := m.Load("a")
			seen[1] = append(seen[1], fmt.Sprint(v, ok))
		}, func() {
			n := 0
			m.Range(func(k, v any) bool { n++; return true })
			seen[2] = append(seen[2], fmt.Sprint(n))
			other.Load("z")
		})
		return fmt.Sprint(seen)
	},
	// Selects over overlapping channels: one sends on b or a, another on c
	// or b, a third polls c; then what each channel holds.
	"selects": func() string {
		a, b, c := simrt.MakeChan[int](2), simrt.MakeChan[int](2), simrt.MakeChan[int](2)
		var polled []string
		goAll(func() {
			simrt.Select(false, simrt.OnSend(b, 1), simrt.OnSend(a, 1))
		}, func() {
			simrt.Select(false, simrt.OnSend(c, 2), simrt.OnSend(b, 2))
		}, func() {
			for range 2 {
				r := simrt.OnRecv(c)
				polled = append(polled, fmt.Sprint(simrt.Select(true, r), r.V))
			}
		})
		out := fmt.Sprint(polled)
		for _, ch := range []*simrt.Chan[int]{a, b, c} {
			out += " ["
			for simrt.Len(ch) > 0 {
				out += fmt.Sprint(simrt.Recv(ch))
			}
			out += "]"
		}
		return out
	},
	// A timer stopped by one goroutine and polled by another, a second
	// one reset and stopped, while the clock moves. Microseconds: a timer
	// may fire early only once the world has worked long enough for it
	// (exhaustive.go, clockEnabled).
	"timers": func() string {
		t := simrt.NewTimer(time.Microsecond)
		u := simrt.NewTimer(3 * time.Microsecond)
		var seen [3][]string
		goAll(func() {
			simrt.Sleep(time.Microsecond)
			seen[0] = append(seen[0], fmt.Sprint(t.Stop()))
		}, func() {
			for range 2 {
				r := simrt.OnRecv(t.C)
				seen[1] = append(seen[1], fmt.Sprint(simrt.Select(true, r)))
				simrt.Sleep(time.Microsecond)
			}
		}, func() {
			seen[2] = append(seen[2], fmt.Sprint(u.Reset(time.Microsecond)))
			simrt.Gosched()
			seen[2] = append(seen[2], fmt.Sprint(u.Stop()))
		})
		return fmt.Sprint(seen)
	},
	// ctxcommit's shape: a batch polls a deadline between steps and the
	// deadline is stopped at the end, so that in the default schedule the
	// clock never moves; a bystander works on its own mutex.
	"deadline": func() string {
		var mu, other simrt.Mutex
		tm := simrt.NewTimer(time.Microsecond) // due after 8 points of work (exhaustive.go, clockEnabled)
		applied, bystander := 0, 0
		goAll(func() {
			for range 4 {
				mu.Lock()
				if simrt.Select(true, simrt.OnRecv(tm.C)) < 0 {
					applied++
				}
				mu.Unlock()
			}
			tm.Stop()
		}, func() {
			other.Lock()
			bystander++
			other.Unlock()
		})
		return fmt.Sprint(applied, bystander)
	},
	// Sleep sets (sleep.go): two goroutines touch their own mutex, then
	// poll a shared channel, while a third sends on it. Their first events
	// commute, so sleep sets prune reorderings of them. Putting events that
	// end at a scheduling point to sleep regardless of the bound does not
	// lose an outcome here; it does in select, selects, cond, condalone,
	// broadcastalone, syncmap and timers, within 0 preemptions already,
	// and in 22 comparisons of random programs (sleep.go's header says
	// why).
	"sleepsets": func() string {
		var own [2]simrt.Mutex
		var counts [2]int
		c := simrt.MakeChan[int](1)
		var polled [2]int
		poll := func(i int) func() {
			return func() {
				own[i].Lock()
				counts[i]++
				own[i].Unlock()
				r := simrt.OnRecv(c)
				polled[i] = simrt.Select(true, r)
			}
		}
		goAll(poll(0), poll(1), func() { simrt.Send(c, 1) })
		return fmt.Sprint(polled)
	},
	// The next four programs each link two goroutines through one
	// primitive's relation alone, so that weakening that relation loses an
	// outcome: elsewhere a mutex or a channel next to the primitive orders
	// the same events, and the reduction reaches the reorderings through
	// it. One goroutine of each is not joined, since a join orders it
	// against the root and, through the backtracking's fallbacks, against
	// everything; and none touches a fresh mutex first (onState's
	// freshState orders every first operation against every other).
	// Weakening Signal's or Broadcast's relation (touching nothing), the
	// select's (its first case's channel only), Once's Do (a read even
	// when not done) or Stop's (the timer queue only, or nothing) makes
	// this test fail, and so does dropping the access of an operation at a
	// point with no decision (dpor.go, cont). Weakening either of Wait's
	// two accesses does not: each orders the waiter against the notifier
	// when the other is gone. Neither does weakening Once's finish or a Do
	// waiter's wakeup: a Do during f blocks until f is done, so no value
	// tells those orders apart.
	//
	// A Signal (a Broadcast) with no lock around it (condAlone).
	"condalone":      func() string { return condAlone((*simrt.Cond).Signal) },
	"broadcastalone": func() string { return condAlone((*simrt.Cond).Broadcast) },
	// A select that sends on its second case (its first channel is full),
	// not joined, while another goroutine polls that channel.
	"selectalone": func() string {
		a, b := simrt.MakeChan[int](1), simrt.MakeChan[int](1)
		simrt.Send(a, 0)
		simrt.Go(func() { simrt.Select(false, simrt.OnSend(a, 1), simrt.OnSend(b, 1)) })
		var polled int
		goAll(func() { polled = simrt.Select(true, simrt.OnRecv(b)) })
		return fmt.Sprint(polled)
	},
	// Two Do calls on one Once: the first goroutine, not joined, spawns
	// the second, then calls Do with an f that has a scheduling point; the
	// second calls Do and reports who ran f. The second runs first only
	// by preempting the first between the spawn and its Do.
	"oncealone": func() string {
		var o simrt.Once
		by := 0
		seen := simrt.MakeChan[int](1)
		simrt.Go(func() {
			simrt.Go(func() {
				o.Do(func() { by = 2 })
				simrt.Send(seen, by)
			})
			o.Do(func() { simrt.Gosched(); by = 1 })
		})
		return fmt.Sprint(simrt.Recv(seen))
	},
	// A timer that has fired, its value waiting in the channel: one
	// goroutine, not joined, stops it (Stop drains the channel), another
	// polls it.
	"stopalone": func() string {
		t := simrt.NewTimer(time.Microsecond)
		simrt.Sleep(2 * time.Microsecond)
		simrt.Go(func() { t.Stop() })
		var polled int
		goAll(func() { polled = simrt.Select(true, simrt.OnRecv(t.C)) })
		return fmt.Sprint(polled)
	},
	// Rendezvous, close, and a select.
	"select": func() string {
		a := simrt.MakeChan[int](0)
		b := simrt.MakeChan[int](0)
		out := simrt.MakeChan[string](0)
		simrt.Go(func() { simrt.Send(a, 1); simrt.Close(a) })
		simrt.Go(func() { simrt.Send(b, 2) })
		simrt.Go(func() {
			var got []string
			for len(got) < 3 {
				ra, rb := simrt.OnRecv(a), simrt.OnRecv(b)
				switch simrt.Select(false, ra, rb) {
				case 0:
					got = append(got, fmt.Sprint("a", ra.V, ra.OK))
				case 1:
					got = append(got, fmt.Sprint("b", rb.V))
				}
			}
			simrt.Send(out, fmt.Sprint(got))
		})
		return simrt.Recv(out)
	},
}

// condAlone is the condalone and broadcastalone programs: a notification
// with no lock around it, from a goroutine that is not joined, a waiter
// that records, at each wakeup, whether it was released, and a releaser
// that ends the wait with a Broadcast.
func condAlone(notify func(*simrt.Cond)) string {
	var mu simrt.Mutex
	c := simrt.NewCond(&mu)
	released := false
	var woke []bool
	simrt.Go(func() { notify(c) })
	goAll(func() {
		mu.Lock()
		for !released {
			c.Wait()
			woke = append(woke, released)
		}
		mu.Unlock()
	}, func() {
		mu.Lock()
		released = true
		mu.Unlock()
		c.Broadcast()
	})
	return fmt.Sprint(woke)
}

func TestExhaustiveReductionKeepsOutcomes(t *testing.T) {
	for name, prog := range reductionPrograms {
		for _, bound := range []int{0, 1, 2} {
			full := simrt.Explore(bound, false, 0, prog)
			red := simrt.Explore(bound, true, 0, prog)
			if full.End != "done" || red.End != "done" {
				t.Fatalf("%s, %d preemptions: full %s, reduced %s", name, bound, full.End, red.End)
			}
			if !slices.Equal(full.Outcomes, red.Outcomes) {
				t.Errorf("%s, %d preemptions: full enumeration reaches %q in %d schedules, the reduction %q in %d", name, bound, full.Outcomes, full.Schedules, red.Outcomes, red.Schedules)
			}
			if red.Schedules > full.Schedules {
				t.Errorf("%s, %d preemptions: the reduction ran %d schedules, more than full enumeration's %d", name, bound, red.Schedules, full.Schedules)
			}
			t.Logf("%-10s K=%-3d outcomes %d  schedules: full %d, reduced %d", name, bound, len(full.Outcomes), full.Schedules, red.Schedules)
		}
	}
}

// randomProgram builds a small program from seed: three goroutines, each
// doing three operations drawn from ops, each on one of two objects of its
// kind (randomOps). Its outcome is each object's history and what each
// goroutine observed, which is all a race-free program can observe (and
// the copy of a mutex, the one race the reduction accounts for).
func randomProgram(seed int, ops []randomOp) func() string {
	var prog [3][3]struct{ kind, obj int }
	r := uint32(seed)*2654435761 + 1
	next := func(n int) int {
		r ^= r << 13
		r ^= r >> 17
		r ^= r << 5
		return int(r % uint32(n))
	}
	for g := range prog {
		for i := range prog[g] {
			prog[g][i].kind, prog[g][i].obj = next(len(ops)), next(2)
		}
	}
	waits, timers := false, false
	for g := range prog {
		for _, o := range prog[g] {
			waits = waits || ops[o.kind].name == "condwait"
			timers = timers || ops[o.kind].name == "timerstop"
		}
	}
	return func() string {
		st := newRandomState()
		if timers {
			st.armTimers()
		}
		var wg simrt.WaitGroup
		wg.Add(3)
		for g := range prog {
			simrt.Go(func() {
				defer wg.Done()
				for _, o := range prog[g] {
					ops[o.kind].do(st, g, o.obj)
				}
			})
		}
		if waits {
			st.release()
		}
		wg.Wait()
		return st.outcome()
	}
}

// randomProgramText names the operations of random program seed, for a
// failure message.
func randomProgramText(seed int, ops []randomOp) string {
	var names []string
	r := uint32(seed)*2654435761 + 1
	next := func(n int) int {
		r ^= r << 13
		r ^= r >> 17
		r ^= r << 5
		return int(r % uint32(n))
	}
	for g := range 3 {
		var gs []string
		for range 3 {
			k, o := next(len(ops)), next(2)
			gs = append(gs, fmt.Sprint(ops[k].name, o))
		}
		names = append(names, fmt.Sprintf("g%d: %s", g, strings.Join(gs, " ")))
	}
	return strings.Join(names, "; ")
}

// randomState is the objects a random program's operations share, two of
// each kind, and what each goroutine saw.
type randomState struct {
	mus    [2]simrt.Mutex
	logs   [2][]int
	chans  [2]*simrt.Chan[int]
	seen   [3][]string
	rws    [2]simrt.RWMutex
	rlogs  [2][]int
	onces  [2]simrt.Once
	onceBy [2]int
	maps   [2]simrt.Map
	conds  [2]*simrt.Cond
	flags  [2]int
	slots  [2]*simrt.Chan[int] // capacity 1: a select with a default sees them full
	timers [2]*simrt.Timer
}

func newRandomState() *randomState {
	st := &randomState{
		chans: [2]*simrt.Chan[int]{simrt.MakeChan[int](9), simrt.MakeChan[int](9)},
		slots: [2]*simrt.Chan[int]{simrt.MakeChan[int](1), simrt.MakeChan[int](1)},
	}
	for i := range st.conds {
		st.conds[i] = simrt.NewCond(&st.mus[i])
	}
	return st
}

// armTimers starts the two timers of timerstop: pending timers make the
// clock a choice at every scheduling point, so only programs that use
// them have them.
func (st *randomState) armTimers() {
	for i := range st.timers {
		st.timers[i] = simrt.NewTimer(time.Microsecond * time.Duration(i+1))
	}
}

// release wakes every waiter of condwait for good: a random program's root
// runs it concurrently with the goroutines, so that no schedule deadlocks.
func (st *randomState) release() {
	for i := range st.conds {
		st.mus[i].Lock()
		st.flags[i] += 100
		st.conds[i].Broadcast()
		st.mus[i].Unlock()
	}
}

func (st *randomState) outcome() string {
	var b strings.Builder
	fmt.Fprint(&b, st.logs, st.seen, st.rlogs, st.onceBy, st.flags)
	for i := range st.maps {
		st.maps[i].Range(func(k, v any) bool { fmt.Fprint(&b, " ", i, k, v); return true })
	}
	for _, c := range st.slots {
		fmt.Fprint(&b, " slot", simrt.Len(c))
	}
	for _, c := range st.chans {
		simrt.Close(c)
		for v, ok := simrt.Recv2(c); ok; v, ok = simrt.Recv2(c) {
			fmt.Fprint(&b, v)
		}
		b.WriteString("|")
	}
	return b.String()
}

// randomOp is one kind of operation of a random program.
type randomOp struct {
	name string
	do   func(st *randomState, g, obj int)
}

// randomOps are the operations random programs draw from.
var randomOps = []randomOp{
	// A locked append, with a scheduling point inside the critical section.
	{"lock", func(st *randomState, g, obj int) {
		st.mus[obj].Lock()
		st.logs[obj] = append(st.logs[obj], g)
		simrt.Gosched()
		st.mus[obj].Unlock()
	}},
	{"send", func(st *randomState, g, obj int) { simrt.Send(st.chans[obj], g) }},
	{"gosched", func(st *randomState, g, obj int) { simrt.Gosched() }},
	// mutexcopy's shape: copy a mutex, whatever its state, and try the copy.
	{"copylock", func(st *randomState, g, obj int) {
		c := copyOf(&st.mus[obj])
		st.seen[g] = append(st.seen[g], fmt.Sprint("copy", obj, c.TryLock()))
	}},
}

// syncOps are the operations of the second family of random programs: the
// primitives with their own independence relations besides Mutex and
// channels.
var syncOps = []randomOp{
	{"rlock", func(st *randomState, g, obj int) {
		st.rws[obj].RLock()
		st.seen[g] = append(st.seen[g], fmt.Sprint("r", obj, len(st.rlogs[obj])))
		simrt.Gosched()
		st.rws[obj].RUnlock()
	}},
	{"wlock", func(st *randomState, g, obj int) {
		st.rws[obj].Lock()
		st.rlogs[obj] = append(st.rlogs[obj], g)
		simrt.Gosched()
		st.rws[obj].Unlock()
	}},
	{"once", func(st *randomState, g, obj int) {
		st.onces[obj].Do(func() { st.onceBy[obj] = g + 1 })
		st.seen[g] = append(st.seen[g], fmt.Sprint("o", obj, st.onceBy[obj]))
	}},
	{"mapload", func(st *randomState, g, obj int) {
		v, ok := st.maps[obj].Load(0)
		st.seen[g] = append(st.seen[g], fmt.Sprint("m", obj, v, ok))
	}},
	{"mapstore", func(st *randomState, g, obj int) { st.maps[obj].Store(g%2, g) }},
	{"condwait", func(st *randomState, g, obj int) {
		st.mus[obj].Lock()
		for st.flags[obj] == 0 {
			st.conds[obj].Wait()
		}
		st.seen[g] = append(st.seen[g], fmt.Sprint("c", obj, st.flags[obj]))
		st.mus[obj].Unlock()
	}},
	{"condsignal", func(st *randomState, g, obj int) {
		st.mus[obj].Lock()
		st.flags[obj]++
		st.conds[obj].Signal()
		st.mus[obj].Unlock()
	}},
	{"select", func(st *randomState, g, obj int) {
		a, b := simrt.OnSend(st.chans[obj], g), simrt.OnSend(st.chans[1-obj], g+10)
		simrt.Select(false, a, b)
	}},
	{"selectdefault", func(st *randomState, g, obj int) {
		c := simrt.OnSend(st.slots[obj], g)
		st.seen[g] = append(st.seen[g], fmt.Sprint("s", obj, simrt.Select(true, c)))
	}},
	{"timerstop", func(st *randomState, g, obj int) {
		st.seen[g] = append(st.seen[g], fmt.Sprint("t", obj, st.timers[obj].Stop()))
	}},
	{"sleep", func(st *randomState, g, obj int) { simrt.Sleep(time.Microsecond) }},
}

func TestExhaustiveReductionRandomPrograms(t *testing.T) {
	full, red := 0, 0
	for seed := range 16 {
		for _, bound := range []int{1, 2} {
			f, r := compareRandomProgram(t, seed, randomOps, bound)
			full += f
			red += r
		}
	}
	t.Logf("16 programs, 1 and 2 preemptions: %d schedules in full, %d with the reduction", full, red)
}

func TestExhaustiveReductionRandomSyncPrograms(t *testing.T) {
	full, red := 0, 0
	for seed := range 24 {
		bounds := []int{1}
		if slices.Contains([]int{0, 4, 7, 13, 19}, seed) {
			// Full enumeration within 2 takes seconds for most programs;
			// these five take under one.
			bounds = append(bounds, 2)
		}
		for _, bound := range bounds {
			f, r := compareRandomProgram(t, seed, syncOps, bound)
			full += f
			red += r
		}
	}
	t.Logf("24 programs within 1 preemption, 5 of them within 2: %d schedules in full, %d with the reduction", full, red)
}

// compareRandomProgram enumerates random program seed over ops within
// bound, in full and with the reduction, fails t unless both complete with
// the same outcomes, and returns the two schedule counts.
func compareRandomProgram(t *testing.T, seed int, ops []randomOp, bound int) (full, red int) {
	t.Helper()
	prog := randomProgram(seed, ops)
	f := simrt.Explore(bound, false, 0, prog)
	r := simrt.Explore(bound, true, 0, prog)
	if f.End != "done" || r.End != "done" {
		t.Fatalf("program %d, %d preemptions: full %s, reduced %s", seed, bound, f.End, r.End)
	}
	if !slices.Equal(f.Outcomes, r.Outcomes) {
		t.Errorf("program %d (%s), %d preemptions: full enumeration reaches %d outcomes in %d schedules, the reduction %d in %d\nfull:    %q\nreduced: %q",
			seed, randomProgramText(seed, ops), bound, len(f.Outcomes), f.Schedules, len(r.Outcomes), r.Schedules, f.Outcomes, r.Outcomes)
	}
	return f.Schedules, r.Schedules
}

// BenchmarkExhaustive: one schedule of the probe's fixed twin per op,
// enumerated with the reduction (sim) and without (sim-full), against one
// native run of the same program with real goroutines (native): the ratio
// is what a schedule costs over a plain run. b.N schedules are the first
// b.N of the enumeration, restarted when it ends.
func BenchmarkExhaustive(b *testing.B) {
	b.Run("native", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			nativeProbe()
		}
	})
	for _, c := range []struct {
		name string
		dpor bool
	}{{"sim", true}, {"sim-full", false}} {
		b.Run(c.name, func(b *testing.B) {
			start := time.Now()
			n := 0
			for n < b.N {
				e := simrt.Explore(2, c.dpor, b.N-n, func() string { return progressProbe(true) })
				n += e.Schedules
			}
			b.ReportMetric(float64(n)/time.Since(start).Seconds(), "schedules/s")
		})
	}
}

// nativeProbe is progressProbe(true) with sync and go statements.
func nativeProbe() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	type record struct{ step, half int }
	var rec record
	wg.Add(3)
	go func() {
		defer wg.Done()
		for i := 1; i <= 40; i++ {
			mu.Lock()
			rec.step = i
			rec.half = 0
			mu.Unlock()
		}
	}()
	var seen [2]record
	for k := range 2 {
		go func() {
			defer wg.Done()
			mu.Lock()
			seen[k] = rec
			mu.Unlock()
		}()
	}
	wg.Wait()
}

// TestExhaustiveCounts pins the schedule counts docs/performance.md
// quotes, within two preemptions: without the reduction, with it but
// without sleep sets, and with both. Enumeration is deterministic, so a
// change here is a change of simrt's choices or of the reduction: update
// the document with it.
func TestExhaustiveCounts(t *testing.T) {
	want := []struct {
		name             string
		prog             func() string
		full, nosle, red int
		fullE, redE      string
	}{
		{"probe, fixed", func() string { return progressProbe(true) }, 19777, 5308, 4739, "done", "done"},
		{"probe", func() string { return progressProbe(false) }, 6258, 1783, 1779, "failed", "failed"},
		{"mutexes", reductionPrograms["mutexes"], 393, 102, 98, "done", "done"},
		{"lostupdate", reductionPrograms["lostupdate"], 2617, 484, 377, "done", "done"},
		{"channels", reductionPrograms["channels"], 1303, 328, 198, "done", "done"},
		{"atomics", reductionPrograms["atomics"], 143, 92, 84, "done", "done"},
		{"select", reductionPrograms["select"], 5942, 1976, 1081, "done", "done"},
		{"mutexcopy", reductionPrograms["mutexcopy"], 181, 77, 73, "done", "done"},
		{"rwmutex", reductionPrograms["rwmutex"], 19513, 5144, 3597, "done", "done"},
		{"cond", reductionPrograms["cond"], 8773, 3119, 2421, "done", "done"},
		{"once", reductionPrograms["once"], 6353, 2106, 1887, "done", "done"},
		{"syncmap", reductionPrograms["syncmap"], 2833, 1365, 1225, "done", "done"},
		{"selects", reductionPrograms["selects"], 7276, 4032, 3616, "done", "done"},
		{"timers", reductionPrograms["timers"], 8656, 4954, 3291, "done", "done"},
		{"deadline", reductionPrograms["deadline"], 978, 209, 199, "done", "done"},
		{"sleepsets", reductionPrograms["sleepsets"], 2691, 1105, 984, "done", "done"},
	}
	for _, w := range want {
		f := simrt.Explore(2, false, 0, w.prog)
		n := simrt.ExploreNoSleep(2, w.prog)
		r := simrt.Explore(2, true, 0, w.prog)
		if f.Schedules != w.full || n.Schedules != w.nosle || r.Schedules != w.red || f.End != w.fullE || n.End != w.redE || r.End != w.redE {
			t.Errorf("%s: full %d (%s), reduced without sleep sets %d (%s), with %d (%s); docs/performance.md says %d (%s), %d and %d (%s)",
				w.name, f.Schedules, f.End, n.Schedules, n.End, r.Schedules, r.End, w.full, w.fullE, w.nosle, w.red, w.redE)
		}
	}
}
