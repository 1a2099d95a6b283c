package simrandv2_test

import (
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simrandv2"
)

func TestRanges(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		for i := 0; i < 1000; i++ {
			if v := simrandv2.IntN(10); v < 0 || v >= 10 {
				t.Fatalf("IntN(10) = %d", v)
			}
			if d := simrandv2.N(time.Second); d < 0 || d >= time.Second {
				t.Fatalf("N(time.Second) = %v", d)
			}
			if v := simrandv2.Uint32N(3); v >= 3 {
				t.Fatalf("Uint32N(3) = %d", v)
			}
		}
		seen := map[int]bool{}
		for _, v := range simrandv2.Perm(8) {
			seen[v] = true
		}
		if len(seen) != 8 {
			t.Errorf("Perm(8) is not a permutation: %v", seen)
		}
	})
}

func TestNPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("N(0) did not panic")
		}
	}()
	simrandv2.N(0)
}
