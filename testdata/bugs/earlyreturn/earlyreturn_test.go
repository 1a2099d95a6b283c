//go:build sim

package earlyreturn

import (
	"testing"
	"time"
)

func run(t *testing.T, validateAll func([]int) error) {
	Finished.Store(0)
	if validateAll([]int{1, -2, 3}) == nil {
		t.Fatal("no error for a negative record")
	}
	time.Sleep(time.Second)
	if n := Finished.Load(); n != 3 {
		t.Fatalf("%d of 3 validators finished; the rest are blocked on their send", n)
	}
}

// Bug: unbuffered result channel with early return: the caller stops receiving at the first error.
// Interleaving: the validator of -2 sends before one of the others; the caller returns its error and the later validator blocks forever on errc.
func TestBug(t *testing.T) { run(t, ValidateAll) }

func TestFixed(t *testing.T) { run(t, ValidateAllFixed) }
