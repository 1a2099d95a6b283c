package simatomic

// This file holds Value. It wraps sync/atomic.Value, whose panics ("store
// of nil value into Value", "store of inconsistently typed value into
// Value", ...) therefore carry exactly Go's text and value.
//
// Invariant: each method is one scheduling point followed by the wrapped
// Value's method of the same name.

import (
	"sync/atomic"
	"unsafe"

	"simgen.dev/simgen/simrt"
)

// A Value provides an atomic load and store of a consistently typed value.
// The zero value for a Value returns nil from Load. Once Store has been
// called, a Value must not be copied.
type Value struct {
	v atomic.Value
}

// Load returns the value set by the most recent Store. It returns nil if
// there has been no call to Store for this Value.
func (v *Value) Load() (val any) {
	simrt.YieldOn(unsafe.Pointer(v))
	return v.v.Load()
}

// Store sets the value of the Value v to val. All calls to Store for a given
// Value must use values of the same concrete type. Store of an inconsistent
// type panics, as does Store(nil).
func (v *Value) Store(val any) {
	simrt.YieldOn(unsafe.Pointer(v))
	v.v.Store(val)
}

// Swap stores new into Value and returns the previous value. It returns nil
// if the Value is empty. All calls to Swap for a given Value must use values
// of the same concrete type. Swap of an inconsistent type panics, as does
// Swap(nil).
func (v *Value) Swap(new any) (old any) {
	simrt.YieldOn(unsafe.Pointer(v))
	return v.v.Swap(new)
}

// CompareAndSwap executes the compare-and-swap operation for the Value. All
// calls to CompareAndSwap for a given Value must use values of the same
// concrete type. CompareAndSwap of an inconsistent type panics, as does
// CompareAndSwap(old, nil).
func (v *Value) CompareAndSwap(old, new any) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(v))
	return v.v.CompareAndSwap(old, new)
}
