//go:build sim

package loopvar

import (
	"slices"
	"testing"
)

func run(t *testing.T, squares func(int) []int) {
	if got := squares(3); !slices.Equal(got, []int{0, 1, 4}) {
		t.Fatalf("squares = %v, want [0 1 4]", got)
	}
}

// Bug: a closure captures the loop variable in a go1.21 file (one i shared by all iterations).
// Interleaving: the loop runs wg.Add (a scheduling point) and i++ before a goroutine reads i; that goroutine writes another index and one square is left 0.
func TestBug(t *testing.T) { run(t, Squares) }

func TestFixed(t *testing.T) { run(t, SquaresFixed) }
