package simatomic

// This file holds the functions of sync/atomic, each simrt.Yield then the
// function of the same name.
//
// Invariant: every function is one scheduling point followed by the real
// atomic operation, so it is correct outside a simulation too, and a spin
// loop on it lets other goroutines run.

import (
	"sync/atomic"
	"unsafe"

	"simgen.dev/simgen/simrt"
)

// SwapInt32 atomically stores new into *addr and returns the previous *addr value.
func SwapInt32(addr *int32, new int32) (old int32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.SwapInt32(addr, new)
}

// SwapInt64 atomically stores new into *addr and returns the previous *addr value.
func SwapInt64(addr *int64, new int64) (old int64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.SwapInt64(addr, new)
}

// SwapUint32 atomically stores new into *addr and returns the previous *addr value.
func SwapUint32(addr *uint32, new uint32) (old uint32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.SwapUint32(addr, new)
}

// SwapUint64 atomically stores new into *addr and returns the previous *addr value.
func SwapUint64(addr *uint64, new uint64) (old uint64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.SwapUint64(addr, new)
}

// SwapUintptr atomically stores new into *addr and returns the previous *addr value.
func SwapUintptr(addr *uintptr, new uintptr) (old uintptr) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.SwapUintptr(addr, new)
}

// SwapPointer atomically stores new into *addr and returns the previous *addr value.
func SwapPointer(addr *unsafe.Pointer, new unsafe.Pointer) (old unsafe.Pointer) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.SwapPointer(addr, new)
}

// CompareAndSwapInt32 executes the compare-and-swap operation for an int32 value.
func CompareAndSwapInt32(addr *int32, old, new int32) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.CompareAndSwapInt32(addr, old, new)
}

// CompareAndSwapInt64 executes the compare-and-swap operation for an int64 value.
func CompareAndSwapInt64(addr *int64, old, new int64) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.CompareAndSwapInt64(addr, old, new)
}

// CompareAndSwapUint32 executes the compare-and-swap operation for an uint32 value.
func CompareAndSwapUint32(addr *uint32, old, new uint32) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.CompareAndSwapUint32(addr, old, new)
}

// CompareAndSwapUint64 executes the compare-and-swap operation for an uint64 value.
func CompareAndSwapUint64(addr *uint64, old, new uint64) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.CompareAndSwapUint64(addr, old, new)
}

// CompareAndSwapUintptr executes the compare-and-swap operation for an uintptr value.
func CompareAndSwapUintptr(addr *uintptr, old, new uintptr) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.CompareAndSwapUintptr(addr, old, new)
}

// CompareAndSwapPointer executes the compare-and-swap operation for a unsafe.Pointer value.
func CompareAndSwapPointer(addr *unsafe.Pointer, old, new unsafe.Pointer) (swapped bool) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.CompareAndSwapPointer(addr, old, new)
}

// AddInt32 atomically adds delta to *addr and returns the new value.
func AddInt32(addr *int32, delta int32) (new int32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.AddInt32(addr, delta)
}

// AddInt64 atomically adds delta to *addr and returns the new value.
func AddInt64(addr *int64, delta int64) (new int64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.AddInt64(addr, delta)
}

// AddUint32 atomically adds delta to *addr and returns the new value.
// To subtract a signed positive constant value c from x, do AddUint32(&x, ^uint32(c-1)).
// In particular, to decrement x, do AddUint32(&x, ^uint32(0)).
func AddUint32(addr *uint32, delta uint32) (new uint32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.AddUint32(addr, delta)
}

// AddUint64 atomically adds delta to *addr and returns the new value.
// To subtract a signed positive constant value c from x, do AddUint64(&x, ^uint64(c-1)).
// In particular, to decrement x, do AddUint64(&x, ^uint64(0)).
func AddUint64(addr *uint64, delta uint64) (new uint64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.AddUint64(addr, delta)
}

// AddUintptr atomically adds delta to *addr and returns the new value.
// To subtract a signed positive constant value c from x, do AddUintptr(&x, ^uintptr(c-1)).
// In particular, to decrement x, do AddUintptr(&x, ^uintptr(0)).
func AddUintptr(addr *uintptr, delta uintptr) (new uintptr) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.AddUintptr(addr, delta)
}

// AndInt32 atomically performs a bitwise AND operation on *addr using the bitmask
// provided as mask and returns the old value.
func AndInt32(addr *int32, mask int32) (old int32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.AndInt32(addr, mask)
}

// AndInt64 atomically performs a bitwise AND operation on *addr using the bitmask
// provided as mask and returns the old value.
func AndInt64(addr *int64, mask int64) (old int64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.AndInt64(addr, mask)
}

// AndUint32 atomically performs a bitwise AND operation on *addr using the bitmask
// provided as mask and returns the old value.
func AndUint32(addr *uint32, mask uint32) (old uint32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.AndUint32(addr, mask)
}

// AndUint64 atomically performs a bitwise AND operation on *addr using the bitmask
// provided as mask and returns the old value.
func AndUint64(addr *uint64, mask uint64) (old uint64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.AndUint64(addr, mask)
}

// AndUintptr atomically performs a bitwise AND operation on *addr using the bitmask
// provided as mask and returns the old value.
func AndUintptr(addr *uintptr, mask uintptr) (old uintptr) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.AndUintptr(addr, mask)
}

// OrInt32 atomically performs a bitwise OR operation on *addr using the bitmask
// provided as mask and returns the old value.
func OrInt32(addr *int32, mask int32) (old int32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.OrInt32(addr, mask)
}

// OrInt64 atomically performs a bitwise OR operation on *addr using the bitmask
// provided as mask and returns the old value.
func OrInt64(addr *int64, mask int64) (old int64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.OrInt64(addr, mask)
}

// OrUint32 atomically performs a bitwise OR operation on *addr using the bitmask
// provided as mask and returns the old value.
func OrUint32(addr *uint32, mask uint32) (old uint32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.OrUint32(addr, mask)
}

// OrUint64 atomically performs a bitwise OR operation on *addr using the bitmask
// provided as mask and returns the old value.
func OrUint64(addr *uint64, mask uint64) (old uint64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.OrUint64(addr, mask)
}

// OrUintptr atomically performs a bitwise OR operation on *addr using the bitmask
// provided as mask and returns the old value.
func OrUintptr(addr *uintptr, mask uintptr) (old uintptr) {
	simrt.YieldOn(unsafe.Pointer(addr))
	return atomic.OrUintptr(addr, mask)
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
	atomic.StoreInt32(addr, val)
}

// StoreInt64 atomically stores val into *addr.
func StoreInt64(addr *int64, val int64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	atomic.StoreInt64(addr, val)
}

// StoreUint32 atomically stores val into *addr.
func StoreUint32(addr *uint32, val uint32) {
	simrt.YieldOn(unsafe.Pointer(addr))
	atomic.StoreUint32(addr, val)
}

// StoreUint64 atomically stores val into *addr.
func StoreUint64(addr *uint64, val uint64) {
	simrt.YieldOn(unsafe.Pointer(addr))
	atomic.StoreUint64(addr, val)
}

// StoreUintptr atomically stores val into *addr.
func StoreUintptr(addr *uintptr, val uintptr) {
	simrt.YieldOn(unsafe.Pointer(addr))
	atomic.StoreUintptr(addr, val)
}

// StorePointer atomically stores val into *addr.
func StorePointer(addr *unsafe.Pointer, val unsafe.Pointer) {
	simrt.YieldOn(unsafe.Pointer(addr))
	atomic.StorePointer(addr, val)
}
