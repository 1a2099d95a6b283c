package simrt

// This file carries simulated goroutines on coroutines (iter.Pull, which
// switches goroutines with the runtime's coroutine switch rather than the
// Go scheduler: about 30 ns a switch here, against about 120 ns for a
// channel handoff).
//
// The real goroutine carrying the root (the test's own goroutine) is the
// driver: every other simulated goroutine runs on a worker coroutine that
// the driver resumes with next() and that hands control back with yield,
// naming the goroutine the strategy chose to run next. A switch between the
// root and another goroutine is one coroutine switch; between two others, it
// is two (through the driver).
//
// Invariants:
//   - Only the driver calls a worker's next; only the worker itself calls
//     its yield. So exactly one goroutine of the simulation runs at a time.
//   - A worker is idle (in the idle pool, carrying no g), carrying a g, or
//     dead (its g ended by runtime.Goexit; it is parked inside a deferred
//     call until teardown stops it).
//   - cur is set by whoever transfers control, before the transfer.

import (
	"runtime"
	"sync"
)

// worker is a coroutine that carries simulated goroutines one after another.
type worker struct {
	next  func() (*g, bool)
	stop  func()
	yield func(*g) bool
	g     *g     // the g it carries, nil when idle
	goid  int64  // the real goroutine's id, for stack reports
	dead  bool   // its g ended by Goexit; stop it at teardown
	root  bool   // the driver itself, not a coroutine
	run   func() // under -race, the body of its real goroutine, which a rewritten go statement starts (Spawn)
}

// handoff is the next goroutine chosen by a worker whose coroutine ended
// (next reported false), so it could not yield its choice.
var handoff *g

// newWorker makes a worker whose coroutine is created when it first runs
// (start), by the driver: a coroutine must not be created on a goroutine
// locked to its thread (the main goroutine during package initialization),
// or every later switch from another thread is a fatal error.
//
//go:norace
func newWorker() *worker { return &worker{} }

// start creates the worker's coroutine.
//
//go:norace
func (wk *worker) start() {
	wk.next, wk.stop = pull(func(yield func(*g) bool) {
		wk.yield = yield
		wk.goid = curGoid()
		wk.loop()
	})
}

// loop runs on the worker coroutine: carry the g in cur, then park idle and
// carry the next one.
//
//go:norace
func (wk *worker) loop() {
	for {
		x := cur
		x.started = true
		wk.runG(x) // returns only after a normal return or a recovered panic
		w := x.w   // not before: a daemon may have moved to another world
		raceExit(w)
		w.exit(x)
		next := w.pickAfterExit()
		wk.g = nil
		if len(idle) >= maxIdle {
			handoff = next
			return // the coroutine ends; the driver reads handoff
		}
		idle = append(idle, wk)
		if !wk.yield(next) {
			return // stopped while idle
		}
	}
}

// runG runs x.fn. A panic is recovered and fails the world; a Goexit ends
// the g, and the worker then parks for good inside the deferred call.
//
//go:norace
func (wk *worker) runG(x *g) {
	completed := false
	defer wk.ended(x, &completed)
	x.fn()
	completed = true
}

// ended is runG's deferred call: a method, not a closure, so that under
// -race it is not instrumented, like the rest of simrt (race.go).
//
//go:norace
func (wk *worker) ended(x *g, completed *bool) {
	if *completed {
		return
	}
	if r := recover(); r != nil || panicking() {
		x.w.panicked(x, r)
		return
	}
	// runtime.Goexit (t.FailNow in a goroutine, a user Goexit, or
	// teardown): the deferred calls have run.
	w := x.w
	wk.dead = true
	w.dead = append(w.dead, wk)
	raceExit(w)
	w.exit(x)
	if w.tearing {
		return
	}
	next := w.pickAfterExit()
	wk.yield(next) // returns false at teardown; the Goexit then goes on
}

// panicking reports whether the deferred call that asks runs because of a
// panic, not because of runtime.Goexit. Under panicnil=1 (a go line before
// 1.21, a //go:debug line or GODEBUG) recover returns nil for panic(nil),
// and stops it, exactly as it returns nil during a Goexit: only the stack
// tells them apart. Natively an unrecovered panic(nil) crashes the program,
// where a Goexit ends the goroutine quietly. The caller that is closest to
// the deferred call decides: a Goexit called by a deferred call during a
// panic ends the goroutine as a Goexit.
//
//go:norace
func panicking() bool {
	var pcs [32]uintptr
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs[:])])
	for {
		f, more := frames.Next()
		switch f.Function {
		case "runtime.gopanic":
			return true
		case "runtime.Goexit":
			return false
		}
		if !more {
			return false
		}
	}
}

// transfer hands control from the running goroutine me to next and returns
// when me runs again.
//
//go:norace
func (w *world) transfer(me, next *g) {
	next.status = gRunning
	w.tick()
	if me.wk.root {
		if w.ambient {
			w.driveElsewhere(next)
		} else {
			w.drive(next)
		}
		return
	}
	cur = next
	if !me.wk.yield(next) {
		// The driver stopped this worker: the world is being torn down.
		runtime.Goexit()
	}
}

// drive runs on the root's goroutine: it resumes workers until one of them
// chooses the root.
//
//go:norace
func (w *world) drive(next *g) {
	root := w.root
	for next != root {
		cur = next
		if next.wk.next == nil {
			next.wk.start()
		}
		n, ok := next.wk.next()
		if !ok {
			n = handoff
			handoff = nil
		}
		next = n
	}
	cur = root
}

// driveElsewhere drives on a goroutine of its own while the root waits. The
// ambient world's root is often the main goroutine during package
// initialization, which the runtime locks to its thread, and a coroutine
// switch from a locked goroutine is a fatal error.
//
//go:norace
func (w *world) driveElsewhere(next *g) {
	ambientDriverOnce.Do(func() {
		ambientReq = make(chan *g)
		ambientDone = make(chan struct{})
		go func() {
			for n := range ambientReq {
				n.w.drive(n)
				ambientDone <- struct{}{}
			}
		}()
	})
	ambientReq <- next
	<-ambientDone
}

var (
	ambientDriverOnce sync.Once
	ambientReq        chan *g
	ambientDone       chan struct{}
)
