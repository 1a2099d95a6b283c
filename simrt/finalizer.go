package simrt

// This file serves runtime.SetFinalizer and runtime.AddCleanup. The garbage
// collector runs finalizers and cleanups on a goroutine of its own, at
// times of its own: one that touches simulated values (a finalizer that
// stops a cache's janitor goroutine by sending on its channel) would act in
// a world from outside it, with no lock, and when it runs depends on the
// collector, not the seed. Under simulation they are therefore not
// registered: they never run.
//
// Invariant: nothing here reaches the world; the functions only check their
// arguments the way the runtime does.

import (
	"reflect"
	"runtime"
)

// SetFinalizer is runtime.SetFinalizer under simulation: it checks that obj
// is a pointer, as the runtime does, and registers nothing, so the
// finalizer never runs (see docs/limitations.md).
//
//go:norace
func SetFinalizer(obj any, finalizer any) {
	if obj == nil {
		panic("runtime.SetFinalizer: first argument is nil")
	}
	if k := reflect.TypeOf(obj).Kind(); k != reflect.Pointer && k != reflect.UnsafePointer {
		panic("runtime.SetFinalizer: first argument is " + reflect.TypeOf(obj).String() + ", not pointer")
	}
}

// AddCleanup is runtime.AddCleanup under simulation: the cleanup is not
// registered and never runs; the Cleanup returned is the runtime's no-op
// one, whose Stop does nothing.
//
//go:norace
func AddCleanup[T, S any](ptr *T, cleanup func(S), arg S) runtime.Cleanup {
	if ptr == nil {
		panic("runtime.AddCleanup: ptr is nil")
	}
	return runtime.Cleanup{}
}
