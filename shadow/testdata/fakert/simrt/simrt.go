// Package simrt stands in for simgen's runtime in the shadow package's end
// to end test: just enough for a rewritten file to import, build and run,
// so that test checks the tree's wiring and not the real scheduler.
package simrt

import (
	"sync"

	"simgen.dev/simgen/simrt/sub"
)

var wg sync.WaitGroup

// Go runs f on a new goroutine that Wait waits for.
func Go(f func()) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		f()
	}()
}

// Wait waits for every goroutine Go started.
func Wait() { wg.Wait() }

// Name names the runtime, through a subpackage so that the test sees that
// subpackages are copied too.
func Name() string { return sub.Name }

// overlayPath and moduleDir are set by the generated zz_paths.go, as in the
// real runtime.
var overlayPath, moduleDir, buildTags, simgenVersion string

// Paths returns what the shadow tree told the runtime.
func Paths() (string, string) { return overlayPath, moduleDir }
