package simrt

// This file is the program's randomness under simulation: math/rand and
// math/rand/v2 top-level functions (packages simrand and simrandv2), map
// iteration order, and crypto/rand, all drawn from a stream seeded by the
// world's seed. It is separate from the scheduler's stream, so a program
// that draws one more random number does not reshuffle every later
// scheduling choice.
//
// crypto/rand under simulation is NOT secure: it is a deterministic
// generator, so that a failing seed replays. Never ship a binary built with
// the sim tag.
//
// Invariants: outside any simulation every function falls back to the
// process's real randomness (math/rand/v2's global source, crypto/rand).

import (
	cryptorand "crypto/rand"
	"io"
	"math/rand/v2"
)

// userRand returns the world's stream for the program's own randomness.
//
//go:norace
func (w *world) userRand() *rand.Rand {
	w.touch(randStream)
	if w.urand == nil {
		w.urand = newRand(w.seed^0x5851f42d4c957f2d, w.seed+0x14057b7ef767814f)
	}
	return w.urand
}

// randStream is the object every draw from the program's random stream
// touches, for the reduction: the values two goroutines draw depend on
// which draws first, so draws never commute.
var randStream any = new(struct{ rand byte })

// RandUint64 returns a random number from the running world's stream, or
// from the process's random source outside a simulation. It is the source
// behind packages simrand and simrandv2; user code reaches it through them.
//
//go:norace
func RandUint64() uint64 {
	if w := cw; w != nil {
		return w.userRand().Uint64()
	}
	return rand.Uint64()
}

type cryptoReader struct{}

//go:norace
func (cryptoReader) Read(b []byte) (int, error) {
	if cw == nil {
		return cryptorand.Read(b)
	}
	fillRandom(b)
	return len(b), nil
}

//go:norace
func fillRandom(b []byte) {
	for i := 0; i < len(b); i += 8 {
		v := RandUint64()
		for j := i; j < i+8 && j < len(b); j++ {
			b[j] = byte(v)
			v >>= 8
		}
	}
}

// CryptoReader is crypto/rand.Reader under simulation: deterministic per
// seed, and not secure.
var CryptoReader io.Reader = cryptoReader{}

// CryptoRead is crypto/rand.Read under simulation.
//
//go:norace
func CryptoRead(b []byte) (int, error) { return CryptoReader.Read(b) }

// CryptoText is crypto/rand.Text under simulation: 26 base32 characters.
//
//go:norace
func CryptoText() string {
	if cw == nil {
		return cryptorand.Text()
	}
	const base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	src := make([]byte, 26)
	fillRandom(src)
	for i := range src {
		src[i] = base32[src[i]%32]
	}
	return string(src)
}
