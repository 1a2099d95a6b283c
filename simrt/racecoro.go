//go:build race

package simrt

// This file is the coroutine of a worker under -race. iter.Pull marks each
// switch as a happens-before edge (a release and an acquire on its own
// address), and its bookkeeping is instrumented code that the two
// goroutines share; the first would order the whole run, the second would be
// reported. The runtime's coroutine switch cannot be reached outside iter.
// So under -race a worker is a real goroutine, resumed and parked through
// two unbuffered channels, and both ends ignore sync events around those
// channel operations: the detector sees no edge between them.
//
// Invariants:
//   - The same contract as iter.Pull for what coro.go uses: next resumes the
//     worker until it yields (v, true) or its function ends (nil, false);
//     stop makes a pending yield return false and waits until the function
//     has returned or unwound (a Goexit is not passed on to stop's caller).
//   - Exactly one of the driver and the worker runs at a time; the fields
//     are handed over by the channels, so the methods are go:norace.
//   - The worker goroutine is started by pull's caller, which is the
//     goroutine that executed the go statement (spawn), so the detector's
//     edge from the creator to the new goroutine is the go statement's. A
//     rewritten go statement starts it itself, in the user's function,
//     just before it spawns (Spawn, goroutine.go): the edge is the same, and
//     the "created at" stack is the user's.
//   - The channels are never closed: closing is a write the detector sees.
//   - With SIM_RACE=off (race.go) a worker is iter.Pull's coroutine, as
//     without -race.

import "iter"

// chanPull is one worker goroutine and what it last yielded.
type chanPull struct {
	resume chan bool     // true: run; false: stop
	back   chan struct{} // the worker parked or ended
	seq    func(yield func(*g) bool)
	v      *g
	done   bool // the function returned or unwound
	stopd  bool // stop was called
}

// pull is iter.Pull for *g, on a real goroutine, without race edges.
//
//go:norace
func pull(seq func(yield func(*g) bool)) (next func() (*g, bool), stop func()) {
	if !raceOn {
		return iter.Pull(iter.Seq[*g](seq))
	}
	p := &chanPull{resume: make(chan bool), back: make(chan struct{}), seq: seq}
	go p.run()
	return p.next, p.stop
}

// raceNewSpawn makes the worker of a rewritten go statement whose real
// goroutine the statement itself starts (Spawn.Run): the detector's
// "created at" stack then starts at the user's go statement, as natively.
// It returns nil when workers are coroutines (SIM_RACE=off).
//
//go:norace
func raceNewSpawn() *worker {
	if !raceOn {
		return nil
	}
	wk := newWorker()
	p := &chanPull{resume: make(chan bool), back: make(chan struct{})}
	p.seq = func(yield func(*g) bool) {
		wk.yield = yield
		wk.goid = curGoid()
		wk.loop()
	}
	wk.next, wk.stop, wk.run = p.next, p.stop, p.run
	return wk
}

//go:norace
func (p *chanPull) run() {
	defer p.finish()
	raceIgnoreSync()
	ok := <-p.resume
	raceNoticeSync()
	if !ok {
		p.stopd = true
		return
	}
	p.seq(p.yield)
}

//go:norace
func (p *chanPull) finish() {
	p.done = true
	p.v = nil
	// Park until the run's teardown rather than exit: whether a goroutine
	// that ended shows as "finished" or "running" in a report would depend
	// on when the real goroutine got to exit. The detector allows 8128
	// live goroutines: past maxEnded the parked ones go (a report that
	// names one of those may then say either).
	if len(ended) >= maxEnded {
		reapEnded()
	}
	ended = append(ended, p)
	raceIgnoreSync()
	p.back <- struct{}{}
	<-p.resume
}

// ended are the workers whose function ended, parked until reapEnded.
var ended []*chanPull

// maxEnded bounds ended, well under the detector's limit of live goroutines.
const maxEnded = 2048

// reapEnded lets the ended workers' goroutines exit, at a run's teardown.
//
//go:norace
func reapEnded() {
	raceIgnoreSync()
	for _, p := range ended {
		p.resume <- false
	}
	raceNoticeSync()
	clear(ended)
	ended = ended[:0]
}

//go:norace
func (p *chanPull) yield(v *g) bool {
	if p.stopd {
		return false
	}
	p.v = v
	raceIgnoreSync()
	p.back <- struct{}{}
	ok := <-p.resume
	raceNoticeSync()
	if !ok {
		p.stopd = true
	}
	return ok
}

//go:norace
func (p *chanPull) next() (*g, bool) {
	if p.done {
		return nil, false
	}
	raceIgnoreSync()
	p.resume <- true
	<-p.back
	raceNoticeSync()
	if p.done {
		return nil, false
	}
	return p.v, true
}

//go:norace
func (p *chanPull) stop() {
	if p.done || p.stopd {
		return
	}
	raceIgnoreSync()
	p.resume <- false
	<-p.back
	raceNoticeSync()
}

// The runtime reports a map's accesses itself, even from go:norace code, so
// simrt's maps must be touched by one goroutine only. Under -race that is
// the simrt thread: a goroutine of its own that runs, one at a time and
// while the caller waits, the functions that touch them (raceUpcall; gosim
// calls these upcalls). It also fires timers (advance), so what a timer does
// (a send on its channel, AfterFunc's goroutine, a deadline's cancel)
// carries the clock of the timer's arming, as in the runtime's timer
// context, and never the clock of whichever goroutine moved the time.
var (
	upcallReq  = make(chan func())
	upcallDone = make(chan any) // nil, or the panic of the upcall
	onSimrt    bool             // the simrt thread is running an upcall
)

//go:norace
func init() { go simrtThread() }

//go:norace
func simrtThread() {
	for {
		raceIgnoreSync() // the handoff is no edge
		f := <-upcallReq
		raceNoticeSync()
		p := runUpcall(f)
		raceIgnoreSync()
		upcallDone <- p
		raceNoticeSync()
	}
}

// upcallPanic carries a panic of an upcall back to its caller, which panics
// with it on its own goroutine.
type upcallPanic struct{ v any }

//go:norace
func runUpcall(f func()) (p any) {
	onSimrt = true
	done := false
	defer func() {
		onSimrt = false
		if !done {
			p = upcallPanic{recover()}
		}
	}()
	f()
	done = true
	return nil
}

// raceOffSimrt reports whether simrt's maps must be reached through
// raceUpcall: the running goroutine is not the simrt thread.
//
//go:norace
func raceOffSimrt() bool { return raceOn && !onSimrt }

// raceUpcall runs f on the simrt thread and returns when it is done.
//
//go:norace
func raceUpcall(f func()) {
	if onSimrt || !raceOn {
		f()
		return
	}
	raceIgnoreSync()
	upcallReq <- f
	p := <-upcallDone
	raceNoticeSync()
	if p, ok := p.(upcallPanic); ok {
		panic(p.v)
	}
}

// raceStartWorker starts wk's goroutine on the spawning goroutine, so the
// detector's creation edge is the go statement's.
//
//go:norace
func raceStartWorker(wk *worker) {
	if raceOn && wk.next == nil {
		wk.start()
	}
}

// raceDropWorker ends the goroutine of a worker whose g never ran (a
// teardown, a crash): under -race it was started at the go statement.
//
//go:norace
func raceDropWorker(wk *worker) {
	if wk.stop != nil {
		wk.stop()
	}
}
