package simrand_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simrand"
)

// TestDraw prints what one seed draws; TestSeeded runs it in child
// processes under chosen seeds.
func TestDraw(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		n, i63, f, p := simrand.Intn(1000), simrand.Int63(), simrand.Float64(), simrand.Perm(5)
		if n < 0 || n >= 1000 || i63 < 0 || f < 0 || f >= 1 {
			t.Errorf("draws out of range: Intn(1000)=%d Int63()=%d Float64()=%v", n, i63, f)
		}
		seen := make([]bool, len(p))
		for _, x := range p {
			if x < 0 || x >= len(p) || seen[x] {
				t.Fatalf("Perm(5) = %v is not a permutation of 0..4", p)
			}
			seen[x] = true
		}
		fmt.Println("DRAW", n, i63, f, p)
	})
}

func drawUnder(t *testing.T, seed string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestDraw$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "SIM_SEED="+seed, "SIM_SEEDS=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "DRAW") {
			return l
		}
	}
	t.Fatalf("no DRAW line:\n%s", out)
	return ""
}

// TestSeeded: the same seed draws the same numbers, another seed others.
func TestSeeded(t *testing.T) {
	if os.Getenv("SIM_SEED") != "" {
		t.Skip("in a child")
	}
	a, b, c := drawUnder(t, "7"), drawUnder(t, "7"), drawUnder(t, "8")
	if a != b {
		t.Errorf("seed 7 drew %q then %q", a, b)
	}
	if a == c {
		t.Errorf("seeds 7 and 8 both drew %q", a)
	}
}

func TestRanges(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		for i := 0; i < 1000; i++ {
			if v := simrand.Intn(10); v < 0 || v >= 10 {
				t.Fatalf("Intn(10) = %d", v)
			}
			if v := simrand.Float64(); v < 0 || v >= 1 {
				t.Fatalf("Float64() = %v", v)
			}
		}
		simrand.Seed(42) // a no-op under simulation
	})
}
