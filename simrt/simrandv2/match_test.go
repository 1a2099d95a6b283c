package simrandv2_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simrandv2"
)

// replay is a math/rand/v2 Source that returns recorded values of the
// world's stream.
type replay struct{ raw []uint64 }

func (r *replay) Uint64() uint64 {
	if len(r.raw) == 0 {
		panic("replay: stream exhausted")
	}
	v := r.raw[0]
	r.raw = r.raw[1:]
	return v
}

// draws lists every top-level function of simrandv2 beside math/rand/v2's
// method that it stands for (N, generic, beside Uint64N as v2 computes it).
var draws = []struct {
	name string
	sim  func() any
	std  func(r *rand.Rand) any
}{
	{"ExpFloat64", func() any { return simrandv2.ExpFloat64() }, func(r *rand.Rand) any { return r.ExpFloat64() }},
	{"Float32", func() any { return simrandv2.Float32() }, func(r *rand.Rand) any { return r.Float32() }},
	{"Float64", func() any { return simrandv2.Float64() }, func(r *rand.Rand) any { return r.Float64() }},
	{"Int", func() any { return simrandv2.Int() }, func(r *rand.Rand) any { return r.Int() }},
	{"Int32", func() any { return simrandv2.Int32() }, func(r *rand.Rand) any { return r.Int32() }},
	{"Int32N", func() any { return simrandv2.Int32N(1000) }, func(r *rand.Rand) any { return r.Int32N(1000) }},
	{"Int64", func() any { return simrandv2.Int64() }, func(r *rand.Rand) any { return r.Int64() }},
	{"Int64N", func() any { return simrandv2.Int64N(1 << 40) }, func(r *rand.Rand) any { return r.Int64N(1 << 40) }},
	{"IntN", func() any { return simrandv2.IntN(7) }, func(r *rand.Rand) any { return r.IntN(7) }},
	{"NormFloat64", func() any { return simrandv2.NormFloat64() }, func(r *rand.Rand) any { return r.NormFloat64() }},
	{"Perm", func() any { return simrandv2.Perm(6) }, func(r *rand.Rand) any { return r.Perm(6) }},
	{"Shuffle", func() any {
		s := []int{0, 1, 2, 3, 4, 5, 6}
		simrandv2.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		return s
	}, func(r *rand.Rand) any {
		s := []int{0, 1, 2, 3, 4, 5, 6}
		r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		return s
	}},
	{"Uint32", func() any { return simrandv2.Uint32() }, func(r *rand.Rand) any { return r.Uint32() }},
	{"Uint32N", func() any { return simrandv2.Uint32N(9) }, func(r *rand.Rand) any { return r.Uint32N(9) }},
	{"Uint64", func() any { return simrandv2.Uint64() }, func(r *rand.Rand) any { return r.Uint64() }},
	{"Uint64N", func() any { return simrandv2.Uint64N(1 << 50) }, func(r *rand.Rand) any { return r.Uint64N(1 << 50) }},
	{"Uint", func() any { return simrandv2.Uint() }, func(r *rand.Rand) any { return r.Uint() }},
	{"UintN", func() any { return simrandv2.UintN(5) }, func(r *rand.Rand) any { return r.UintN(5) }},
	{"N", func() any { return simrandv2.N(time.Second) }, func(r *rand.Rand) any { return time.Duration(r.Uint64N(uint64(time.Second))) }},
}

// TestMatchesMathRand checks every function against math/rand/v2's own
// algorithm over the same stream (see simrand's test of the same name). It
// runs itself in a child, where SIM_SEED is fixed.
func TestMatchesMathRand(t *testing.T) {
	if os.Getenv("SIM_SEED") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMatchesMathRand$", "-test.count=1")
		cmd.Env = append(os.Environ(), "SIM_SEED=5", "SIM_SEEDS=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}
	var raw []uint64
	simrt.Test(t, func(t *testing.T) {
		for range 256 {
			raw = append(raw, simrt.RandUint64())
		}
	})
	for _, d := range draws {
		t.Run(d.name, func(t *testing.T) {
			var got, again any
			simrt.Test(t, func(t *testing.T) { got, again = d.sim(), d.sim() })
			r := rand.New(&replay{raw: raw})
			want, wantAgain := d.std(r), d.std(r)
			if fmt.Sprint(got, again) != fmt.Sprint(want, wantAgain) {
				t.Errorf("simrandv2.%s drew %v then %v; math/rand/v2 over the same stream draws %v then %v", d.name, got, again, want, wantAgain)
			}
		})
	}
}

// TestOutsideSimulation: outside a world the functions still work, drawing
// from a real random stream.
func TestOutsideSimulation(t *testing.T) {
	for _, d := range draws {
		_ = d.sim()
	}
	if v := simrandv2.UintN(3); v >= 3 {
		t.Errorf("UintN(3) = %d outside a simulation", v)
	}
}

// TestPanicsAsMathRand: invalid arguments panic with math/rand/v2's texts.
func TestPanicsAsMathRand(t *testing.T) {
	msg := func(f func()) (s string) {
		defer func() { s = fmt.Sprint(recover()) }()
		f()
		return ""
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		name     string
		sim, std func()
	}{
		{"IntN(0)", func() { simrandv2.IntN(0) }, func() { r.IntN(0) }},
		{"Int32N(-1)", func() { simrandv2.Int32N(-1) }, func() { r.Int32N(-1) }},
		{"Int64N(0)", func() { simrandv2.Int64N(0) }, func() { r.Int64N(0) }},
		{"Uint64N(0)", func() { simrandv2.Uint64N(0) }, func() { r.Uint64N(0) }},
		{"N(0)", func() { simrandv2.N(0) }, func() { rand.N(0) }},
		{"Shuffle(-1)", func() { simrandv2.Shuffle(-1, func(i, j int) {}) }, func() { r.Shuffle(-1, func(i, j int) {}) }},
	} {
		if got, want := msg(c.sim), msg(c.std); got != want || want == "" {
			t.Errorf("%s panicked with %q; math/rand/v2 panics with %q", c.name, got, want)
		}
	}
}
