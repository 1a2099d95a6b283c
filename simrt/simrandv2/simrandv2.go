// Package simrandv2 is math/rand/v2's top-level functions under
// simulation: they draw from the running world's seeded stream
// (simrt.RandUint64). Rewritten code calls it in place of math/rand/v2's
// functions; rand.New and the sources (PCG, ChaCha8) stay math/rand/v2's.
//
// Invariants: the algorithms are math/rand/v2's (a *rand.Rand over a source
// that reads simrt.RandUint64), so value distributions match Go's.
package simrandv2

import (
	"math/rand/v2"

	"simgen.dev/simgen/simrt"
)

type source struct{}

func (source) Uint64() uint64 { return simrt.RandUint64() }

var r = rand.New(source{})

// ExpFloat64 is rand.ExpFloat64.
func ExpFloat64() float64 { return r.ExpFloat64() }

// Float32 is rand.Float32.
func Float32() float32 { return r.Float32() }

// Float64 is rand.Float64.
func Float64() float64 { return r.Float64() }

// Int is rand.Int.
func Int() int { return r.Int() }

// Int32 is rand.Int32.
func Int32() int32 { return r.Int32() }

// Int32N is rand.Int32N.
func Int32N(n int32) int32 { return r.Int32N(n) }

// Int64 is rand.Int64.
func Int64() int64 { return r.Int64() }

// Int64N is rand.Int64N.
func Int64N(n int64) int64 { return r.Int64N(n) }

// IntN is rand.IntN.
func IntN(n int) int { return r.IntN(n) }

// NormFloat64 is rand.NormFloat64.
func NormFloat64() float64 { return r.NormFloat64() }

// Perm is rand.Perm.
func Perm(n int) []int { return r.Perm(n) }

// Shuffle is rand.Shuffle.
func Shuffle(n int, swap func(i, j int)) { r.Shuffle(n, swap) }

// Uint32 is rand.Uint32.
func Uint32() uint32 { return r.Uint32() }

// Uint32N is rand.Uint32N.
func Uint32N(n uint32) uint32 { return r.Uint32N(n) }

// Uint64 is rand.Uint64.
func Uint64() uint64 { return r.Uint64() }

// Uint64N is rand.Uint64N.
func Uint64N(n uint64) uint64 { return r.Uint64N(n) }

// Uint is rand.Uint.
func Uint() uint { return r.Uint() }

// UintN is rand.UintN.
func UintN(n uint) uint { return r.UintN(n) }

// N is rand.N: a random value in [0, n).
func N[Int intType](n Int) Int {
	if n <= 0 {
		panic("invalid argument to N")
	}
	return Int(r.Uint64N(uint64(n)))
}

type intType interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 |
		~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}
