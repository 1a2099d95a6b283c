// Package simrand is math/rand's top-level functions under simulation:
// they draw from the running world's seeded stream (simrt.RandUint64), so a
// seed replays the same numbers. Rewritten code calls it in place of
// math/rand's functions; rand.New, rand.NewSource and the types stay
// math/rand's own, since a source seeded with a fixed or virtual-time seed
// is deterministic already.
//
// Invariants: the algorithms are math/rand's (a *rand.Rand over a source
// that reads simrt.RandUint64), so value distributions match Go's.
package simrand

import (
	"math/rand"

	"simgen.dev/simgen/simrt"
)

type source struct{}

func (source) Int63() int64    { return int64(simrt.RandUint64() &^ (1 << 63)) }
func (source) Uint64() uint64  { return simrt.RandUint64() }
func (source) Seed(seed int64) {}

var r = rand.New(source{})

// ExpFloat64 is rand.ExpFloat64.
func ExpFloat64() float64 { return r.ExpFloat64() }

// Float32 is rand.Float32.
func Float32() float32 { return r.Float32() }

// Float64 is rand.Float64.
func Float64() float64 { return r.Float64() }

// Int is rand.Int.
func Int() int { return r.Int() }

// Int31 is rand.Int31.
func Int31() int32 { return r.Int31() }

// Int31n is rand.Int31n.
func Int31n(n int32) int32 { return r.Int31n(n) }

// Int63 is rand.Int63.
func Int63() int64 { return r.Int63() }

// Int63n is rand.Int63n.
func Int63n(n int64) int64 { return r.Int63n(n) }

// Intn is rand.Intn.
func Intn(n int) int { return r.Intn(n) }

// NormFloat64 is rand.NormFloat64.
func NormFloat64() float64 { return r.NormFloat64() }

// Perm is rand.Perm.
func Perm(n int) []int { return r.Perm(n) }

// Read is rand.Read.
func Read(p []byte) (n int, err error) { return r.Read(p) }

// Seed is rand.Seed. Under simulation the seed comes from SIM_SEED, so it
// does nothing (as Go 1.24+ does by default).
func Seed(seed int64) {}

// Shuffle is rand.Shuffle.
func Shuffle(n int, swap func(i, j int)) { r.Shuffle(n, swap) }

// Uint32 is rand.Uint32.
func Uint32() uint32 { return r.Uint32() }

// Uint64 is rand.Uint64.
func Uint64() uint64 { return r.Uint64() }
