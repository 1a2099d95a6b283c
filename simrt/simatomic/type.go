package simatomic

// This file holds the atomic types. Each wraps its sync/atomic twin in an
// unexported field, so the layout (and 64-bit alignment) rules are the twin's
// and no method of the twin is reachable without a scheduling point.
//
// Invariant: each method is one scheduling point followed by the twin's
// method of the same name; a method that writes tells simrt.AtomicWrote
// whether the value changed, with no scheduling point of its own.

import (
	"sync/atomic"
	"unsafe"

	"simgen.dev/simgen/simrt"
)

// A Bool is an atomic boolean value. The zero value is false.
//
// Bool must not be copied after first use.
type Bool struct {
	_ noCopy
	v atomic.Bool
}

// Load atomically loads and returns the value stored in x.
func (x *Bool) Load() bool { simrt.YieldOn(unsafe.Pointer(x)); return x.v.Load() }

// Store atomically stores val into x.
func (x *Bool) Store(val bool) {
	simrt.YieldOn(unsafe.Pointer(x))
	simrt.AtomicWrote(x.v.Load() != val)
	x.v.Store(val)
}

// Swap atomically stores new into x and returns the previous value.
func (x *Bool) Swap(new bool) (old bool) {
	simrt.YieldOn(unsafe.Pointer(x))
	old = x.v.Swap(new)
	simrt.AtomicWrote(old != new)
	return old
}

// CompareAndSwap executes the compare-and-swap operation for the boolean value x.
func (x *Bool) CompareAndSwap(old, new bool) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(x))
	swapped = x.v.CompareAndSwap(old, new)
	simrt.AtomicWrote(swapped && old != new)
	return swapped
}

// A Pointer is an atomic pointer of type *T. The zero value is a nil *T.
//
// Pointer must not be copied after first use.
type Pointer[T any] struct {
	// Mention *T in a field to disallow conversion between Pointer types,
	// as sync/atomic does (go.dev/issue/56603).
	_ [0]*T

	_ noCopy
	v atomic.Pointer[T]
}

// Load atomically loads and returns the value stored in x.
func (x *Pointer[T]) Load() *T { simrt.YieldOn(unsafe.Pointer(x)); return x.v.Load() }

// Store atomically stores val into x.
func (x *Pointer[T]) Store(val *T) {
	simrt.YieldOn(unsafe.Pointer(x))
	simrt.AtomicWrote(x.v.Load() != val)
	x.v.Store(val)
}

// Swap atomically stores new into x and returns the previous value.
func (x *Pointer[T]) Swap(new *T) (old *T) {
	simrt.YieldOn(unsafe.Pointer(x))
	old = x.v.Swap(new)
	simrt.AtomicWrote(old != new)
	return old
}

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Pointer[T]) CompareAndSwap(old, new *T) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(x))
	swapped = x.v.CompareAndSwap(old, new)
	simrt.AtomicWrote(swapped && old != new)
	return swapped
}

// An Int32 is an atomic int32. The zero value is zero.
//
// Int32 must not be copied after first use.
type Int32 struct {
	_ noCopy
	v atomic.Int32
}

// Load atomically loads and returns the value stored in x.
func (x *Int32) Load() int32 { simrt.YieldOn(unsafe.Pointer(x)); return x.v.Load() }

// Store atomically stores val into x.
func (x *Int32) Store(val int32) {
	simrt.YieldOn(unsafe.Pointer(x))
	simrt.AtomicWrote(x.v.Load() != val)
	x.v.Store(val)
}

// Swap atomically stores new into x and returns the previous value.
func (x *Int32) Swap(new int32) (old int32) {
	simrt.YieldOn(unsafe.Pointer(x))
	old = x.v.Swap(new)
	simrt.AtomicWrote(old != new)
	return old
}

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Int32) CompareAndSwap(old, new int32) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(x))
	swapped = x.v.CompareAndSwap(old, new)
	simrt.AtomicWrote(swapped && old != new)
	return swapped
}

// Add atomically adds delta to x and returns the new value.
func (x *Int32) Add(delta int32) (new int32) {
	simrt.YieldOn(unsafe.Pointer(x))
	simrt.AtomicWrote(delta != 0)
	return x.v.Add(delta)
}

// And atomically performs a bitwise AND operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Int32) And(mask int32) (old int32) {
	simrt.YieldOn(unsafe.Pointer(x))
	old = x.v.And(mask)
	simrt.AtomicWrote(old&mask != old)
	return old
}

// Or atomically performs a bitwise OR operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Int32) Or(mask int32) (old int32) {
	simrt.YieldOn(unsafe.Pointer(x))
	old = x.v.Or(mask)
	simrt.AtomicWrote(old|mask != old)
	return old
}

// An Int64 is an atomic int64. The zero value is zero.
//
// Int64 must not be copied after first use.
type Int64 struct {
	_ noCopy
	v atomic.Int64
}

// Load atomically loads and returns the value stored in x.
func (x *Int64) Load() int64 { simrt.YieldOn(unsafe.Pointer(x)); return x.v.Load() }

// Store atomically stores val into x.
func (x *Int64) Store(val int64) {
	simrt.YieldOn(unsafe.Pointer(x))
	simrt.AtomicWrote(x.v.Load() != val)
	x.v.Store(val)
}

// Swap atomically stores new into x and returns the previous value.
func (x *Int64) Swap(new int64) (old int64) {
	simrt.YieldOn(unsafe.Pointer(x))
	old = x.v.Swap(new)
	simrt.AtomicWrote(old != new)
	return old
}

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Int64) CompareAndSwap(old, new int64) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(x))
	swapped = x.v.CompareAndSwap(old, new)
	simrt.AtomicWrote(swapped && old != new)
	return swapped
}

// Add atomically adds delta to x and returns the new value.
func (x *Int64) Add(delta int64) (new int64) {
	simrt.YieldOn(unsafe.Pointer(x))
	simrt.AtomicWrote(delta != 0)
	return x.v.Add(delta)
}

// And atomically performs a bitwise AND operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Int64) And(mask int64) (old int64) {
	simrt.YieldOn(unsafe.Pointer(x))
	old = x.v.And(mask)
	simrt.AtomicWrote(old&mask != old)
	return old
}

// Or atomically performs a bitwise OR operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Int64) Or(mask int64) (old int64) {
	simrt.YieldOn(unsafe.Pointer(x))
	old = x.v.Or(mask)
	simrt.AtomicWrote(old|mask != old)
	return old
}

// A Uint32 is an atomic uint32. The zero value is zero.
//
// Uint32 must not be copied after first use.
type Uint32 struct {
	_ noCopy
	v atomic.Uint32
}

// Load atomically loads and returns the value stored in x.
func (x *Uint32) Load() uint32 { simrt.YieldOn(unsafe.Pointer(x)); return x.v.Load() }

// Store atomically stores val into x.
func (x *Uint32) Store(val uint32) {
	simrt.YieldOn(unsafe.Pointer(x))
	simrt.AtomicWrote(x.v.Load() != val)
	x.v.Store(val)
}

// Swap atomically stores new into x and returns the previous value.
func (x *Uint32) Swap(new uint32) (old uint32) {
	simrt.YieldOn(unsafe.Pointer(x))
	old = x.v.Swap(new)
	simrt.AtomicWrote(old != new)
	return old
}

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Uint32) CompareAndSwap(old, new uint32) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(x))
	swapped = x.v.CompareAndSwap(old, new)
	simrt.AtomicWrote(swapped && old != new)
	return swapped
}

// Add atomically adds delta to x and returns the new value.
func (x *Uint32) Add(delta uint32) (new uint32) {
	simrt.YieldOn(unsafe.Pointer(x))
	simrt.AtomicWrote(delta != 0)
	return x.v.Add(delta)
}

// And atomically performs a bitwise AND operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uint32) And(mask uint32) (old uint32) {
	simrt.YieldOn(unsafe.Pointer(x))
	old = x.v.And(mask)
	simrt.AtomicWrote(old&mask != old)
	return old
}

// Or atomically performs a bitwise OR operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uint32) Or(mask uint32) (old uint32) {
	simrt.YieldOn(unsafe.Pointer(x))
	old = x.v.Or(mask)
	simrt.AtomicWrote(old|mask != old)
	return old
}

// A Uint64 is an atomic uint64. The zero value is zero.
//
// Uint64 must not be copied after first use.
type Uint64 struct {
	_ noCopy
	v atomic.Uint64
}

// Load atomically loads and returns the value stored in x.
func (x *Uint64) Load() uint64 { simrt.YieldOn(unsafe.Pointer(x)); return x.v.Load() }

// Store atomically stores val into x.
func (x *Uint64) Store(val uint64) {
	simrt.YieldOn(unsafe.Pointer(x))
	simrt.AtomicWrote(x.v.Load() != val)
	x.v.Store(val)
}

// Swap atomically stores new into x and returns the previous value.
func (x *Uint64) Swap(new uint64) (old uint64) {
	simrt.YieldOn(unsafe.Pointer(x))
	old = x.v.Swap(new)
	simrt.AtomicWrote(old != new)
	return old
}

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Uint64) CompareAndSwap(old, new uint64) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(x))
	swapped = x.v.CompareAndSwap(old, new)
	simrt.AtomicWrote(swapped && old != new)
	return swapped
}

// Add atomically adds delta to x and returns the new value.
func (x *Uint64) Add(delta uint64) (new uint64) {
	simrt.YieldOn(unsafe.Pointer(x))
	simrt.AtomicWrote(delta != 0)
	return x.v.Add(delta)
}

// And atomically performs a bitwise AND operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uint64) And(mask uint64) (old uint64) {
	simrt.YieldOn(unsafe.Pointer(x))
	old = x.v.And(mask)
	simrt.AtomicWrote(old&mask != old)
	return old
}

// Or atomically performs a bitwise OR operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uint64) Or(mask uint64) (old uint64) {
	simrt.YieldOn(unsafe.Pointer(x))
	old = x.v.Or(mask)
	simrt.AtomicWrote(old|mask != old)
	return old
}

// A Uintptr is an atomic uintptr. The zero value is zero.
//
// Uintptr must not be copied after first use.
type Uintptr struct {
	_ noCopy
	v atomic.Uintptr
}

// Load atomically loads and returns the value stored in x.
func (x *Uintptr) Load() uintptr { simrt.YieldOn(unsafe.Pointer(x)); return x.v.Load() }

// Store atomically stores val into x.
func (x *Uintptr) Store(val uintptr) {
	simrt.YieldOn(unsafe.Pointer(x))
	simrt.AtomicWrote(x.v.Load() != val)
	x.v.Store(val)
}

// Swap atomically stores new into x and returns the previous value.
func (x *Uintptr) Swap(new uintptr) (old uintptr) {
	simrt.YieldOn(unsafe.Pointer(x))
	old = x.v.Swap(new)
	simrt.AtomicWrote(old != new)
	return old
}

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Uintptr) CompareAndSwap(old, new uintptr) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(x))
	swapped = x.v.CompareAndSwap(old, new)
	simrt.AtomicWrote(swapped && old != new)
	return swapped
}

// Add atomically adds delta to x and returns the new value.
func (x *Uintptr) Add(delta uintptr) (new uintptr) {
	simrt.YieldOn(unsafe.Pointer(x))
	simrt.AtomicWrote(delta != 0)
	return x.v.Add(delta)
}

// And atomically performs a bitwise AND operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uintptr) And(mask uintptr) (old uintptr) {
	simrt.YieldOn(unsafe.Pointer(x))
	old = x.v.And(mask)
	simrt.AtomicWrote(old&mask != old)
	return old
}

// Or atomically performs a bitwise OR operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uintptr) Or(mask uintptr) (old uintptr) {
	simrt.YieldOn(unsafe.Pointer(x))
	old = x.v.Or(mask)
	simrt.AtomicWrote(old|mask != old)
	return old
}

// noCopy makes go vet's copylocks check report copies of the struct that
// holds it, as sync/atomic's own marker does. It must not be embedded.
type noCopy struct{}

// Lock is a no-op used by go vet's copylocks check.
func (*noCopy) Lock() {}

// Unlock is a no-op used by go vet's copylocks check.
func (*noCopy) Unlock() {}
