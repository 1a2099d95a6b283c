package simrt

// This file is the API for go statements and package runtime's scheduling
// functions.
//
// Independence (dpor.go): a go statement and Gosched touch no shared
// object; the new goroutine's events happen after the spawn.
//
// Invariants: a goroutine started outside every test's world (package init,
// a package variable's initializer, TestMain) starts in the ambient world
// (ambient.go) and moves into each test's world while it runs.

import (
	"runtime"
)

// Go starts fn as a simulated goroutine: the target of a rewritten go
// statement. The generated code has already evaluated the function value and
// its arguments, as a go statement does.
//
// Go is instrumented under -race (no go:norace, and it only reads simrt
// state): its entry records the go statement's line, so that a report names
// it where a goroutine was created.
func Go(fn func()) {
	var pc [1]uintptr
	runtime.Callers(2, pc[:])
	w := cw
	if w == nil {
		w = enterAmbient()
		defer leaveAmbient()
	}
	if w.failure != nil || w.tearing {
		return // the world is stopping; nothing new starts
	}
	x := w.spawn(fn, pc[0])
	w.dec.event(evSpawn, x.id)
	w.on(nil) // the spawn: the child starts after it (dpor.go)
	w.point()
}

// Spawn is a go statement of a rewritten package, in three steps that keep
// the real go statement in the user's function:
//
//	{ _simg := simrt.NewSpawn(); if simrt.RaceGo { go _simg.Run() }; _simg.Go(func() { ... }) }
//
// Under -race each simulated goroutine is a real goroutine (racecoro.go),
// and the detector's "created at" stack is that of the go statement that
// started it: started here, by the statement itself, it names the user's
// function at its line, as natively. Without -race RaceGo is false and
// the statement is simrt.Go's call.
type Spawn struct {
	wk *worker // the worker made for the statement; nil without one
}

// NewSpawn makes the worker of a go statement, before the statement starts
// its real goroutine.
//
//go:norace
func NewSpawn() Spawn { return Spawn{wk: raceNewSpawn()} }

// Run is the body of the statement's real goroutine: it parks until the
// scheduler first runs the simulated goroutine, then carries it.
//
//go:norace
func (s Spawn) Run() {
	if s.wk != nil && s.wk.run != nil {
		s.wk.run()
	}
}

// Go starts fn as a simulated goroutine on the statement's worker, as Go
// does; a worker left unused (the world is stopping) is let go.
//
//go:norace
func (s Spawn) Go(fn func()) {
	var pc [1]uintptr
	runtime.Callers(2, pc[:])
	w := cw
	if w == nil {
		w = enterAmbient()
		defer leaveAmbient()
	}
	if w.failure != nil || w.tearing {
		if s.wk != nil {
			raceDropWorker(s.wk)
		}
		return
	}
	x := w.spawnOn(fn, pc[0], s.wk)
	w.dec.event(evSpawn, x.id)
	w.on(nil)
	w.point()
}

// Gosched is runtime.Gosched: a scheduling point.
//
//go:norace
func Gosched() {
	if w := cw; w != nil {
		w.on(nil)
		w.point()
		return
	}
	runtime.Gosched()
}

// NumGoroutine is runtime.NumGoroutine: the number of live simulated
// goroutines, the root included.
//
//go:norace
func NumGoroutine() int {
	if w := cw; w != nil {
		return len(w.all)
	}
	return runtime.NumGoroutine()
}

// Goexit is runtime.Goexit: it runs the goroutine's deferred calls and ends
// it, leaving the others running.
//
//go:norace
func Goexit() {
	runtime.Goexit()
}

// LockOSThread is runtime.LockOSThread. Simulated goroutines share threads
// by design, so it does nothing.
//
//go:norace
func LockOSThread() {}

// UnlockOSThread is runtime.UnlockOSThread; it does nothing.
//
//go:norace
func UnlockOSThread() {}
