//go:build sim

package expirycheck

import (
	"testing"
	"time"
)

func run(t *testing.T, get func(*Cache, string) (int, bool, error)) {
	c := New()
	c.Put("k", 1, 5*time.Microsecond)
	for i := 0; i < 200; i++ {
		_, ok, err := get(c, "k")
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return
		}
	}
}

// Bug: expiry with check-then-act: Get checks that the key is present, then reads it in a second critical section, while an AfterFunc expiry may delete it in between.
// Interleaving: the root's reads cost virtual time; the 5µs expiry fires mid-loop and its goroutine takes the lock between Has and load: the read finds the key gone.
func TestBug(t *testing.T) { run(t, (*Cache).Get) }

func TestFixed(t *testing.T) { run(t, (*Cache).GetFixed) }
