//go:build !race

package simrt

// This file is racecoro.go's twin without -race: a worker's coroutine is
// iter.Pull's.
//
// Invariant: the same signature as racecoro.go's pull.

import "iter"

func pull(seq func(yield func(*g) bool)) (next func() (*g, bool), stop func()) {
	return iter.Pull(iter.Seq[*g](seq))
}

// raceStartWorker does nothing without -race: the driver creates a worker's
// coroutine when it first runs it (coro.go).
func raceStartWorker(*worker) {}

// raceNewSpawn is nil without -race: a rewritten go statement starts no
// real goroutine.
func raceNewSpawn() *worker { return nil }

// raceDropWorker does nothing without -race: an unstarted worker has no
// coroutine yet and goes back to the idle pool.
func raceDropWorker(*worker) {}

// reapEnded does nothing without -race: an ended coroutine is gone.
func reapEnded() {}

// raceOffSimrt is false without -race: every goroutine may touch simrt's
// maps.
func raceOffSimrt() bool { return false }

// raceUpcall runs f.
func raceUpcall(f func()) { f() }
