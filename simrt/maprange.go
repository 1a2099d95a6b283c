package simrt

// This file makes map iteration order a function of the seed. Rewritten
// code turns `for k, v := range m` into a loop over MapRange(m), and
// maps.Keys/Values/All into MapKeys/MapValues/MapAll.
//
// The order is built in two steps: the keys are sorted into a canonical
// order (Go's own order is random per process), then shuffled with the
// world's random stream. Go's rules hold: an entry deleted before the loop
// reaches it is not produced, an entry added during the loop is not (Go
// says it may or may not be), and the value produced is the one in the map
// when the loop reaches the key.
//
// Invariants: the canonical order depends only on key values. Pointers,
// channels and unsafe pointers in keys sort by the order the program first
// put them into a map (MapKey, which rewritten code calls at every store
// into a map whose keys may hold pointers), deterministic under the
// simulation; only pointers never noted (stored into a map outside a run,
// or by code that is not rewritten) sort by address, after the noted ones:
// deterministic within a process as long as the allocation pattern is.

import (
	"fmt"
	"iter"
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"unsafe"
)

// MapKey notes the pointers that key k holds, in the order they first go
// into a map during the run, for the canonical order of map keys, and
// returns k. Rewritten code wraps every key stored into a map whose key
// type may hold pointers.
//
//go:norace
func MapKey[K any](k K) K {
	w := cw
	if w == nil {
		return k
	}
	switch any(k).(type) {
	case string, int, int64, int32, uint64, uint32, uint, float64, bool:
		return k
	}
	w.notePointers(reflect.ValueOf(&k).Elem())
	return k
}

// notePointers gives each pointer of v not seen yet the next number.
//
//go:norace
func (w *world) notePointers(v reflect.Value) {
	if raceEnabled && raceOffSimrt() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
		raceUpcall(func() { w.notePointers(v) })
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Chan, reflect.UnsafePointer:
		if v.IsNil() {
			return
		}
		p := v.UnsafePointer()
		if w.ptrSeq == nil {
			w.ptrSeq = make(map[unsafe.Pointer]uint64)
		}
		if _, ok := w.ptrSeq[p]; !ok {
			w.ptrSeq[p] = uint64(len(w.ptrSeq)) + 1
		}
	case reflect.Interface:
		if !v.IsNil() {
			w.notePointers(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			w.notePointers(v.Field(i))
		}
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			w.notePointers(v.Index(i))
		}
	}
}

// comparePointers orders two pointers: those MapKey noted by when, before
// the others, which go by address.
//
//go:norace
func comparePointers(a, b reflect.Value) int {
	if w := cw; w != nil && w.ptrSeq != nil {
		var sa, sb uint64
		var oka, okb bool
		// The keys are read here, not in the upcall: on the simrt thread
		// the reads would race with the caller's sorting them in place.
		pa, pb := a.UnsafePointer(), b.UnsafePointer()
		raceUpcall(func() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
			sa, oka = w.ptrSeq[pa]
			sb, okb = w.ptrSeq[pb]
		})
		switch {
		case oka && okb:
			return cmp3(sa < sb, sa > sb)
		case oka != okb:
			return cmp3(oka, okb)
		}
	}
	return cmp3(a.Pointer() < b.Pointer(), a.Pointer() > b.Pointer())
}

// MapIter iterates a map in the seed's order.
type MapIter[K comparable, V any] struct {
	m    map[K]V
	keys []K
	vals []V // snapshot values, for NaN keys that cannot be looked up
	i    int
	k    K
	v    V
}

// MapRange starts an iteration of m in an order drawn from the seed.
//
//go:norace
func MapRange[M ~map[K]V, K comparable, V any](m M) *MapIter[K, V] {
	it := &MapIter[K, V]{m: m}
	if len(m) == 0 {
		return it
	}
	it.keys = make([]K, 0, len(m))
	for k, v := range m {
		if k != k {
			// A NaN key cannot be looked up again: keep its value now.
			if it.vals == nil {
				it.vals = make([]V, len(m))
			}
			it.vals[len(it.keys)] = v
		}
		it.keys = append(it.keys, k)
	}
	w := cw
	if w == nil || len(it.keys) == 1 {
		return it
	}
	r := w.userRand()
	if it.vals == nil && orderByHash(it.keys, r.Uint64()) {
		return it
	}
	sortKeys(it.keys, it.vals)
	r.Shuffle(len(it.keys), func(i, j int) {
		it.keys[i], it.keys[j] = it.keys[j], it.keys[i]
		if it.vals != nil {
			it.vals[i], it.vals[j] = it.vals[j], it.vals[i]
		}
	})
	return it
}

// Next advances to the next entry still in the map and reports whether
// there is one.
//
//go:norace
func (it *MapIter[K, V]) Next() bool {
	for it.i < len(it.keys) {
		k := it.keys[it.i]
		it.i++
		if k != k {
			it.k, it.v = k, it.vals[it.i-1]
			return true
		}
		if v, ok := it.m[k]; ok {
			it.k, it.v = k, v
			return true
		}
	}
	return false
}

// Key is the current entry's key.
//
//go:norace
func (it *MapIter[K, V]) Key() K { return it.k }

// Value is the current entry's value.
//
//go:norace
func (it *MapIter[K, V]) Value() V { return it.v }

// MapKeys is maps.Keys in the seed's order.
//
//go:norace
func MapKeys[M ~map[K]V, K comparable, V any](m M) iter.Seq[K] {
	return func(yield func(K) bool) {
		for it := MapRange(m); it.Next(); {
			if !yield(it.Key()) {
				return
			}
		}
	}
}

// MapValues is maps.Values in the seed's order.
//
//go:norace
func MapValues[M ~map[K]V, K comparable, V any](m M) iter.Seq[V] {
	return func(yield func(V) bool) {
		for it := MapRange(m); it.Next(); {
			if !yield(it.Value()) {
				return
			}
		}
	}
}

// MapAll is maps.All in the seed's order.
//
//go:norace
func MapAll[M ~map[K]V, K comparable, V any](m M) iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for it := MapRange(m); it.Next(); {
			if !yield(it.Key(), it.Value()) {
				return
			}
		}
	}
}

// orderByHash orders keys of the common kinds (strings, integers) by a
// hash of each key mixed with seed: one sort of integers gives an order that
// depends only on the keys and the seed, with no separate canonical sort and
// shuffle. It reports false for other key types.
//
//go:norace
func orderByHash[K comparable](keys []K, seed uint64) bool {
	switch ks := any(keys).(type) {
	case []string:
		sortByHash(ks, func(k string) uint64 {
			h := seed ^ 0xcbf29ce484222325
			for i := 0; i < len(k); i++ {
				h = (h ^ uint64(k[i])) * 0x100000001b3
			}
			return mix64(h)
		}, strings.Compare)
	case []int:
		sortByHash(ks, func(k int) uint64 { return mix64(seed ^ uint64(k)) }, cmpOrdered[int])
	case []int64:
		sortByHash(ks, func(k int64) uint64 { return mix64(seed ^ uint64(k)) }, cmpOrdered[int64])
	case []int32:
		sortByHash(ks, func(k int32) uint64 { return mix64(seed ^ uint64(k)) }, cmpOrdered[int32])
	case []uint64:
		sortByHash(ks, func(k uint64) uint64 { return mix64(seed ^ k) }, cmpOrdered[uint64])
	case []uint32:
		sortByHash(ks, func(k uint32) uint64 { return mix64(seed ^ uint64(k)) }, cmpOrdered[uint32])
	default:
		return false
	}
	return true
}

//go:norace
func cmpOrdered[T int | int32 | int64 | uint32 | uint64](a, b T) int {
	return cmp3(a < b, a > b)
}

// mix64 is a 64-bit finalizer (splitmix64's).
//
//go:norace
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// sortByHash puts keys in the order of their hashes. It sorts plain
// integers: each holds a key's hash in its high bits and the key's index in
// its low 20, and keys whose hashes tie there are put in key order, so the
// result never depends on the order the keys came in.
//
//go:norace
func sortByHash[K any](keys []K, hash func(K) uint64, compare func(a, b K) int) {
	const idxBits = 20
	n := len(keys)
	if n >= 1<<idxBits {
		slices.SortFunc(keys, func(a, b K) int {
			ha, hb := hash(a), hash(b)
			if ha != hb {
				return cmp3(ha < hb, ha > hb)
			}
			return compare(a, b)
		})
		return
	}
	hs := make([]uint64, n)
	for i, k := range keys {
		hs[i] = hash(k)&^(1<<idxBits-1) | uint64(i)
	}
	slices.Sort(hs)
	out := make([]K, n)
	for i := 0; i < n; {
		j := i + 1
		for j < n && hs[j]>>idxBits == hs[i]>>idxBits {
			j++
		}
		run := out[i:j]
		for k := i; k < j; k++ {
			run[k-i] = keys[hs[k]&(1<<idxBits-1)]
		}
		if j-i > 1 {
			slices.SortFunc(run, compare)
		}
		i = j
	}
	copy(keys, out)
}

// sortKeys puts keys in a canonical order: by value for the ordered kinds,
// field by field for structs and arrays, type then value for interfaces.
// vals, when not nil, is permuted along.
//
//go:norace
func sortKeys[K comparable, V any](keys []K, vals []V) {
	if vals == nil {
		switch ks := any(keys).(type) {
		case []string:
			sort.Strings(ks)
			return
		case []int:
			sort.Ints(ks)
			return
		case []int64:
			sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
			return
		case []uint64:
			sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
			return
		case []int32:
			sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
			return
		case []uint32:
			sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
			return
		}
	}
	vs := make([]reflect.Value, len(keys))
	for i := range keys {
		vs[i] = reflect.ValueOf(&keys[i]).Elem()
	}
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return compareValues(vs[idx[a]], vs[idx[b]]) < 0 })
	sk := make([]K, len(keys))
	var sv []V
	if vals != nil {
		sv = make([]V, len(vals))
	}
	for i, j := range idx {
		sk[i] = keys[j]
		if vals != nil {
			sv[i] = vals[j]
		}
	}
	copy(keys, sk)
	copy(vals, sv)
}

// compareValues orders two values of one comparable type.
//
//go:norace
func compareValues(a, b reflect.Value) int {
	switch a.Kind() {
	case reflect.String:
		return strings.Compare(a.String(), b.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp3(a.Int() < b.Int(), a.Int() > b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmp3(a.Uint() < b.Uint(), a.Uint() > b.Uint())
	case reflect.Float32, reflect.Float64:
		x, y := a.Float(), b.Float()
		if math.IsNaN(x) || math.IsNaN(y) {
			return cmp3(!math.IsNaN(x), !math.IsNaN(y))
		}
		return cmp3(x < y, x > y)
	case reflect.Complex64, reflect.Complex128:
		x, y := a.Complex(), b.Complex()
		if c := cmp3(real(x) < real(y), real(x) > real(y)); c != 0 {
			return c
		}
		return cmp3(imag(x) < imag(y), imag(x) > imag(y))
	case reflect.Bool:
		return cmp3(!a.Bool() && b.Bool(), a.Bool() && !b.Bool())
	case reflect.Pointer, reflect.Chan, reflect.UnsafePointer:
		return comparePointers(a, b)
	case reflect.Array:
		for i := 0; i < a.Len(); i++ {
			if c := compareValues(a.Index(i), b.Index(i)); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if c := compareValues(a.Field(i), b.Field(i)); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return cmp3(a.IsNil() && !b.IsNil(), !a.IsNil() && b.IsNil())
		}
		ea, eb := a.Elem(), b.Elem()
		if ta, tb := ea.Type(), eb.Type(); ta != tb {
			return strings.Compare(typeKey(ta), typeKey(tb))
		}
		return compareValues(ea, eb)
	}
	return 0
}

//go:norace
func typeKey(t reflect.Type) string { return t.PkgPath() + "." + t.String() + fmt.Sprint(t.Kind()) }

//go:norace
func cmp3(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}

// MapRangeK starts an iteration for `for k := range m` in a file before Go
// 1.22, whose one k lives across the loop: it also returns k's zero value,
// so the generated for statement can declare k without spelling its type.
//
//go:norace
func MapRangeK[M ~map[K]V, K comparable, V any](m M) (*MapIter[K, V], K) {
	var k K
	return MapRange(m), k
}

// MapRangeV is MapRangeK for `for _, v := range m`.
//
//go:norace
func MapRangeV[M ~map[K]V, K comparable, V any](m M) (*MapIter[K, V], V) {
	var v V
	return MapRange(m), v
}

// MapRangeKV is MapRangeK for `for k, v := range m`.
//
//go:norace
func MapRangeKV[M ~map[K]V, K comparable, V any](m M) (*MapIter[K, V], K, V) {
	var k K
	var v V
	return MapRange(m), k, v
}
