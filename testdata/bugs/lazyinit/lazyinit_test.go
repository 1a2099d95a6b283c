//go:build sim

package lazyinit

import (
	"sync"
	"testing"
)

func run(t *testing.T, get func() *Config) {
	Reset()
	var wg sync.WaitGroup
	var got [2]*Config
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = get() }()
	}
	wg.Wait()
	if n := loads.Load(); n != 1 || got[0] != got[1] {
		t.Fatalf("config loaded %d times; callers got different configs: %v", n, got[0] != got[1])
	}
}

// Bug: lazy init without sync.Once: the nil check and the store are separate steps.
// Interleaving: both goroutines load cfg (nil) before either stores; both call load, and the callers hold two different configs.
func TestBug(t *testing.T) { run(t, Get) }

func TestFixed(t *testing.T) { run(t, GetFixed) }
