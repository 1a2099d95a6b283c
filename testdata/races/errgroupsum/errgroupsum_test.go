//go:build sim

package errgroupsum

import "testing"

var names = []string{"a", "bb", "ccc"}

// Bug: goroutines of an errgroup add to one total without a lock.
// Interleaving: two goroutines read total before either writes it back.
func TestBug(t *testing.T) { Bug(names) }

func TestFixed(t *testing.T) {
	if got, err := Fixed(names); got != 6 || err != nil {
		t.Fatalf("Fixed = %d, %v; want 6, nil", got, err)
	}
}
