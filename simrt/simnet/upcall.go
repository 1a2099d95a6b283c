package simnet

// This file holds the package's map operations. Under -race the runtime
// reports a map's accesses itself, even from go:norace code, and every
// goroutine of a run touches these maps in turn: so each operation runs on
// the simrt thread (simrt.Upcall), and the detector sees one goroutine
// touch them. Without -race, Upcall is f() and these inline to the bare
// map operations.
//
// Invariant: every access to a map held in the package's state (not a
// local map, which one goroutine owns) goes through these functions.

import "simgen.dev/simgen/simrt"

// mget is v, ok := m[k].
//
//go:norace
func mget[K comparable, V any](m map[K]V, k K) (v V, ok bool) {
	simrt.Upcall(func() { v, ok = m[k] })
	return v, ok
}

// mset is m[k] = v.
//
//go:norace
func mset[K comparable, V any](m map[K]V, k K, v V) {
	simrt.Upcall(func() { m[k] = v })
}

// mdel is delete(m, k).
//
//go:norace
func mdel[K comparable, V any](m map[K]V, k K) {
	simrt.Upcall(func() { delete(m, k) })
}

// without is append(s[:i], s[i+1:]...), whose copy the runtime reports
// under -race even from go:norace code; the freed last slot is zeroed.
//
//go:norace
func without[T any](s []T, i int) []T {
	for j := i; j+1 < len(s); j++ {
		s[j] = s[j+1]
	}
	var zero T
	s[len(s)-1] = zero
	return s[:len(s)-1]
}
