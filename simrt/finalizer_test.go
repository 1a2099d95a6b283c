package simrt_test

import (
	"runtime"
	"testing"

	"simgen.dev/simgen/simrt"
)

// TestFinalizerNeverRuns: a finalizer registered under simulation does not
// run, not even when the object is collected, so it can never touch a world
// from the collector's goroutine.
func TestFinalizerNeverRuns(t *testing.T) {
	ran := simrt.MakeChan[bool](1)
	simrt.Test(t, func(t *testing.T) {
		type owner struct{ n [64]byte }
		o := &owner{n: [64]byte{1}}
		simrt.SetFinalizer(o, func(*owner) { simrt.Send(ran, true) })
		c := simrt.AddCleanup(o, func(int) { simrt.Send(ran, true) }, 1)
		c.Stop()
		o = nil
		_ = o
	})
	runtime.GC()
	runtime.GC()
	if simrt.Len(ran) != 0 {
		t.Error("a finalizer or cleanup ran")
	}
	for _, bad := range []any{nil, 3} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("SetFinalizer(%v) did not panic", bad)
				}
			}()
			simrt.SetFinalizer(bad, nil)
		}()
	}
}
