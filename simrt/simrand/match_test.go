package simrand_test

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"testing"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simrand"
)

// replay is a math/rand Source64 that returns recorded values of the
// world's stream, read as simrand's own source reads them.
type replay struct{ raw []uint64 }

func (r *replay) Uint64() uint64 {
	if len(r.raw) == 0 {
		panic("replay: stream exhausted")
	}
	v := r.raw[0]
	r.raw = r.raw[1:]
	return v
}
func (r *replay) Int63() int64 { return int64(r.Uint64() &^ (1 << 63)) }
func (r *replay) Seed(int64)   {}

// draws lists every top-level function of simrand beside math/rand's
// method that it stands for.
var draws = []struct {
	name string
	sim  func() any
	std  func(r *rand.Rand) any
}{
	{"ExpFloat64", func() any { return simrand.ExpFloat64() }, func(r *rand.Rand) any { return r.ExpFloat64() }},
	{"Float32", func() any { return simrand.Float32() }, func(r *rand.Rand) any { return r.Float32() }},
	{"Float64", func() any { return simrand.Float64() }, func(r *rand.Rand) any { return r.Float64() }},
	{"Int", func() any { return simrand.Int() }, func(r *rand.Rand) any { return r.Int() }},
	{"Int31", func() any { return simrand.Int31() }, func(r *rand.Rand) any { return r.Int31() }},
	{"Int31n", func() any { return simrand.Int31n(1000) }, func(r *rand.Rand) any { return r.Int31n(1000) }},
	{"Int63", func() any { return simrand.Int63() }, func(r *rand.Rand) any { return r.Int63() }},
	{"Int63n", func() any { return simrand.Int63n(1 << 40) }, func(r *rand.Rand) any { return r.Int63n(1 << 40) }},
	{"Intn", func() any { return simrand.Intn(7) }, func(r *rand.Rand) any { return r.Intn(7) }},
	{"NormFloat64", func() any { return simrand.NormFloat64() }, func(r *rand.Rand) any { return r.NormFloat64() }},
	{"Perm", func() any { return simrand.Perm(6) }, func(r *rand.Rand) any { return r.Perm(6) }},
	{"Read", func() any {
		b := make([]byte, 11)
		n, err := simrand.Read(b)
		return fmt.Sprint(b, n, err)
	}, func(r *rand.Rand) any {
		b := make([]byte, 11)
		n, err := r.Read(b)
		return fmt.Sprint(b, n, err)
	}},
	{"Shuffle", func() any {
		s := []int{0, 1, 2, 3, 4, 5, 6}
		simrand.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		return s
	}, func(r *rand.Rand) any {
		s := []int{0, 1, 2, 3, 4, 5, 6}
		r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		return s
	}},
	{"Uint32", func() any { return simrand.Uint32() }, func(r *rand.Rand) any { return r.Uint32() }},
	{"Uint64", func() any { return simrand.Uint64() }, func(r *rand.Rand) any { return r.Uint64() }},
}

// TestMatchesMathRand checks every function against math/rand's own
// algorithm over the same stream: under one fixed seed each world's stream
// is the same, so one world records the raw values and another, per
// function, calls simrand; math/rand over the recorded values must give
// the same result. It runs itself in a child, where SIM_SEED is fixed.
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
				t.Errorf("simrand.%s drew %v then %v; math/rand over the same stream draws %v then %v", d.name, got, again, want, wantAgain)
			}
		})
	}
}

// TestOutsideSimulation: outside a world the functions still work, as
// math/rand's do, drawing from a real random stream.
func TestOutsideSimulation(t *testing.T) {
	for _, d := range draws {
		_ = d.sim()
	}
	if v := simrand.Intn(3); v < 0 || v >= 3 {
		t.Errorf("Intn(3) = %d outside a simulation", v)
	}
}

// TestPanicsAsMathRand: invalid arguments panic with math/rand's texts.
func TestPanicsAsMathRand(t *testing.T) {
	msg := func(f func()) (s string) {
		defer func() { s = fmt.Sprint(recover()) }()
		f()
		return ""
	}
	r := rand.New(rand.NewSource(1))
	for _, c := range []struct {
		name     string
		sim, std func()
	}{
		{"Intn(0)", func() { simrand.Intn(0) }, func() { r.Intn(0) }},
		{"Int31n(-1)", func() { simrand.Int31n(-1) }, func() { r.Int31n(-1) }},
		{"Int63n(0)", func() { simrand.Int63n(0) }, func() { r.Int63n(0) }},
		{"Shuffle(-1)", func() { simrand.Shuffle(-1, func(i, j int) {}) }, func() { r.Shuffle(-1, func(i, j int) {}) }},
	} {
		if got, want := msg(c.sim), msg(c.std); got != want || want == "" {
			t.Errorf("%s panicked with %q; math/rand panics with %q", c.name, got, want)
		}
	}
}
