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
		fmt.Println("DRAW", simrand.Intn(1000), simrand.Int63(), simrand.Float64(), simrand.Perm(5))
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
