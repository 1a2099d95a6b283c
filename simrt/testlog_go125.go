//go:build go1.25

package simrt

// This file holds testing.TB's Output (Go 1.25) inside a simulation; the
// invariants are testlog.go's.

import (
	"io"
	"testing"
)

// TBOutput is tb.Output in a rewritten package: after the test completed,
// with no test left running, testing panics rather than return a writer.
//
//go:norace
func TBOutput(tb testing.TB) io.Writer {
	if _, late := lateTest(tb); late {
		panic("Output called after " + tb.Name() + " has completed")
	}
	return tb.Output()
}
