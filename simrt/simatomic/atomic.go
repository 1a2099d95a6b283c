package simatomic

// This file holds the functions of sync/atomic, each simrt.Yield then the
// function of the same name.
//
// Invariant: every function is one scheduling point followed by the real
// atomic operation, so it is correct outside a simulation too, and a spin
// loop on it lets other goroutines run. A function that writes tells
// simrt.AtomicWrote whether the value changed (the livelock bound's
// progress), with no scheduling point of its own.

import (
	"sync/atomic"
	"unsafe"

	"simgen.dev/simgen/simrt"
)

// SwapInt32 atomically stores new into *addr and returns the previous *addr value.
func SwapInt32(addr *int32, new int32) (old int32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	old = atomic.SwapInt32(addr, new)
	simrt.AtomicWrote(old != new)
	return old
}

// SwapInt64 atomically stores new into *addr and returns the previous *addr value.
func SwapInt64(addr *int64, new int64) (old int64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	old = atomic.SwapInt64(addr, new)
	simrt.AtomicWrote(old != new)
	return old
}

// SwapUint32 atomically stores new into *addr and returns the previous *addr value.
func SwapUint32(addr *uint32, new uint32) (old uint32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	old = atomic.SwapUint32(addr, new)
	simrt.AtomicWrote(old != new)
	return old
}

// SwapUint64 atomically stores new into *addr and returns the previous *addr value.
func SwapUint64(addr *uint64, new uint64) (old uint64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	old = atomic.SwapUint64(addr, new)
	simrt.AtomicWrote(old != new)
	return old
}

// SwapUintptr atomically stores new into *addr and returns the previous *addr value.
func SwapUintptr(addr *uintptr, new uintptr) (old uintptr) {
	simrt.YieldOn(unsafe.Pointer(addr))
	old = atomic.SwapUintptr(addr, new)
	simrt.AtomicWrote(old != new)
	return old
}

// SwapPointer atomically stores new into *addr and returns the previous *addr value.
func SwapPointer(addr *unsafe.Pointer, new unsafe.Pointer) (old unsafe.Pointer) {
	simrt.YieldOn(unsafe.Pointer(addr))
	old = atomic.SwapPointer(addr, new)
	simrt.AtomicWrote(old != new)
	return old
}

// CompareAndSwapInt32 executes the compare-and-swap operation for an int32 value.
func CompareAndSwapInt32(addr *int32, old, new int32) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(addr))
	swapped = atomic.CompareAndSwapInt32(addr, old, new)
	simrt.AtomicWrote(swapped && old != new)
	return swapped
}

// CompareAndSwapInt64 executes the compare-and-swap operation for an int64 value.
func CompareAndSwapInt64(addr *int64, old, new int64) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(addr))
	swapped = atomic.CompareAndSwapInt64(addr, old, new)
	simrt.AtomicWrote(swapped && old != new)
	return swapped
}

// CompareAndSwapUint32 executes the compare-and-swap operation for an uint32 value.
func CompareAndSwapUint32(addr *uint32, old, new uint32) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(addr))
	swapped = atomic.CompareAndSwapUint32(addr, old, new)
	simrt.AtomicWrote(swapped && old != new)
	return swapped
}

// CompareAndSwapUint64 executes the compare-and-swap operation for an uint64 value.
func CompareAndSwapUint64(addr *uint64, old, new uint64) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(addr))
	swapped = atomic.CompareAndSwapUint64(addr, old, new)
	simrt.AtomicWrote(swapped && old != new)
	return swapped
}

// CompareAndSwapUintptr executes the compare-and-swap operation for an uintptr value.
func CompareAndSwapUintptr(addr *uintptr, old, new uintptr) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(addr))
	swapped = atomic.CompareAndSwapUintptr(addr, old, new)
	simrt.AtomicWrote(swapped && old != new)
	return swapped
}

// CompareAndSwapPointer executes the compare-and-swap operation for a unsafe.Pointer value.
func CompareAndSwapPointer(addr *unsafe.Pointer, old, new unsafe.Pointer) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(addr))
	swapped = atomic.CompareAndSwapPointer(addr, old, new)
	simrt.AtomicWrote(swapped && old != new)
	return swapped
}

// AddInt32 atomically adds delta to *addr and returns the new value.
func AddInt32(addr *int32, delta int32) (new int32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	simrt.AtomicWrote(delta != 0)
	return atomic.AddInt32(addr, delta)
}

// AddInt64 atomically adds delta to *addr and returns the new value.
func AddInt64(addr *int64, delta int64) (new int64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	simrt.AtomicWrote(delta != 0)
	return atomic.AddInt64(addr, delta)
}

// AddUint32 atomically adds delta to *addr and returns the new value.
// To subtract a signed positive constant value c from x, do AddUint32(&x, ^uint32(c-1)).
// In particular, to decrement x, do AddUint32(&x, ^uint32(0)).
func AddUint32(addr *uint32, delta uint32) (new uint32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	simrt.AtomicWrote(delta != 0)
	return atomic.AddUint32(addr, delta)
}

// AddUint64 atomically adds delta to *addr and returns the new value.
// To subtract a signed positive constant value c from x, do AddUint64(&x, ^uint64(c-1)).
// In particular, to decrement x, do AddUint64(&x, ^uint64(0)).
func AddUint64(addr *uint64, delta uint64) (new uint64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	simrt.AtomicWrote(delta != 0)
	return atomic.AddUint64(addr, delta)
}

// AddUintptr atomically adds delta to *addr and returns the new value.
// To subtract a signed positive constant value c from x, do AddUintptr(&x, ^uintptr(c-1)).
// In particular, to decrement x, do AddUintptr(&x, ^uintptr(0)).
func AddUintptr(addr *uintptr, delta uintptr) (new uintptr) {
	simrt.YieldOn(unsafe.Pointer(addr))
	simrt.AtomicWrote(delta != 0)
	return atomic.AddUintptr(addr, delta)
}

// AndInt32 atomically performs a bitwise AND operation on *addr using the bitmask
// provided as mask and returns the old value.
func AndInt32(addr *int32, mask int32) (old int32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	old = atomic.AndInt32(addr, mask)
	simrt.AtomicWrote(old&mask != old)
	return old
}

// AndInt64 atomically performs a bitwise AND operation on *addr using the bitmask
// provided as mask and returns the old value.
func AndInt64(addr *int64, mask int64) (old int64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	old = atomic.AndInt64(addr, mask)
	simrt.AtomicWrote(old&mask != old)
	return old
}

// AndUint32 atomically performs a bitwise AND operation on *addr using the bitmask
// provided as mask and returns the old value.
func AndUint32(addr *uint32, mask uint32) (old uint32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	old = atomic.AndUint32(addr, mask)
	simrt.AtomicWrote(old&mask != old)
	return old
}

// AndUint64 atomically performs a bitwise AND operation on *addr using the bitmask
// provided as mask and returns the old value.
func AndUint64(addr *uint64, mask uint64) (old uint64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	old = atomic.AndUint64(addr, mask)
	simrt.AtomicWrote(old&mask != old)
	return old
}

// AndUintptr atomically performs a bitwise AND operation on *addr using the bitmask
// provided as mask and returns the old value.
func AndUintptr(addr *uintptr, mask uintptr) (old uintptr) {
	simrt.YieldOn(unsafe.Pointer(addr))
	old = atomic.AndUintptr(addr, mask)
	simrt.AtomicWrote(old&mask != old)
	return old
}

// OrInt32 atomically performs a bitwise OR operation on *addr using the bitmask
// provided as mask and returns the old value.
func OrInt32(addr *int32, mask int32) (old int32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	old = atomic.OrInt32(addr, mask)
	simrt.AtomicWrote(old|mask != old)
	return old
}

// OrInt64 atomically performs a bitwise OR operation on *addr using the bitmask
// provided as mask and returns the old value.
func OrInt64(addr *int64, mask int64) (old int64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	old = atomic.OrInt64(addr, mask)
	simrt.AtomicWrote(old|mask != old)
	return old
}

// OrUint32 atomically performs a bitwise OR operation on *addr using the bitmask
// provided as mask and returns the old value.
func OrUint32(addr *uint32, mask uint32) (old uint32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	old = atomic.OrUint32(addr, mask)
	simrt.AtomicWrote(old|mask != old)
	return old
}

// OrUint64 atomically performs a bitwise OR operation on *addr using the bitmask
// provided as mask and returns the old value.
func OrUint64(addr *uint64, mask uint64) (old uint64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	old = atomic.OrUint64(addr, mask)
	simrt.AtomicWrote(old|mask != old)
	return old
}

// OrUintptr atomically performs a bitwise OR operation on *addr using the bitmask
// provided as mask and returns the old value.
func OrUintptr(addr *uintptr, mask uintptr) (old uintptr) {
	simrt.YieldOn(unsafe.Pointer(addr))
	old = atomic.OrUintptr(addr, mask)
	simrt.AtomicWrote(old|mask != old)
	return old
}

// LoadInt32 atomically loads *addr.
func LoadInt32(addr *int32) (val int32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.LoadInt32(addr)
}

// LoadInt64 atomically loads *addr.
func LoadInt64(addr *int64) (val int64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.LoadInt64(addr)
}

// LoadUint32 atomically loads *addr.
func LoadUint32(addr *uint32) (val uint32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.LoadUint32(addr)
}

// LoadUint64 atomically loads *addr.
func LoadUint64(addr *uint64) (val uint64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.LoadUint64(addr)
}

// LoadUintptr atomically loads *addr.
func LoadUintptr(addr *uintptr) (val uintptr) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.LoadUintptr(addr)
}

// LoadPointer atomically loads *addr.
func LoadPointer(addr *unsafe.Pointer) (val unsafe.Pointer) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.LoadPointer(addr)
}

// StoreInt32 atomically stores val into *addr.
func StoreInt32(addr *int32, val int32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	simrt.AtomicWrote(atomic.LoadInt32(addr) != val)
	atomic.StoreInt32(addr, val)
}

// StoreInt64 atomically stores val into *addr.
func StoreInt64(addr *int64, val int64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	simrt.AtomicWrote(atomic.LoadInt64(addr) != val)
	atomic.StoreInt64(addr, val)
}

// StoreUint32 atomically stores val into *addr.
func StoreUint32(addr *uint32, val uint32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	simrt.AtomicWrote(atomic.LoadUint32(addr) != val)
	atomic.StoreUint32(addr, val)
}

// StoreUint64 atomically stores val into *addr.
func StoreUint64(addr *uint64, val uint64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	simrt.AtomicWrote(atomic.LoadUint64(addr) != val)
	atomic.StoreUint64(addr, val)
}

// StoreUintptr atomically stores val into *addr.
func StoreUintptr(addr *uintptr, val uintptr) {
	simrt.YieldOn(unsafe.Pointer(addr))
	simrt.AtomicWrote(atomic.LoadUintptr(addr) != val)
	atomic.StoreUintptr(addr, val)
}

// StorePointer atomically stores val into *addr.
func StorePointer(addr *unsafe.Pointer, val unsafe.Pointer) {
	simrt.YieldOn(unsafe.Pointer(addr))
	simrt.AtomicWrote(atomic.LoadPointer(addr) != val)
	atomic.StorePointer(addr, val)
}
