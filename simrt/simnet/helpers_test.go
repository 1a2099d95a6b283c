package simnet_test

// Helpers of the network's tests: nodes that run a function, servers, and
// the normalization that lets a simulated error be compared with the one
// the real network gives (native twins).

import (
	"io"
	"net"
	"regexp"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simnet"
)

// run starts fn on a new node named name and returns the node and a
// WaitGroup that is done when fn returns.
func run(name string, fn func()) (simrt.NodeID, *simrt.WaitGroup) {
	n := simrt.NewNode(name)
	wg := new(simrt.WaitGroup)
	wg.Add(1)
	simrt.GoOn(n, func() {
		defer wg.Done()
		fn()
	})
	return n, wg
}

// listen listens on address of the calling node or fails the test.
func listen(t testing.TB, address string) net.Listener {
	t.Helper()
	l, err := simnet.Listen("tcp", address)
	if err != nil {
		t.Fatalf("listen %s: %v", address, err)
	}
	return l
}

// serveEcho echoes every connection of l, each on its own goroutine,
// until l closes; it waits for the connections to end.
func serveEcho(l net.Listener) {
	var wg simrt.WaitGroup
	defer wg.Wait()
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		wg.Add(1)
		simrt.Go(func() {
			defer wg.Done()
			defer c.Close()
			io.Copy(c, c)
		})
	}
}

var addrRE = regexp.MustCompile(`(\[[0-9a-f:]*\]|\d+\.\d+\.\d+\.\d+)?:\d+`)

// norm replaces the addresses in an error's text, so that a simulated
// error and a native one compare.
func norm(err error) string {
	if err == nil {
		return "<nil>"
	}
	return addrRE.ReplaceAllString(err.Error(), "ADDR")
}

// errText is an error's text, "<nil>" for none.
func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// about reports whether a measured duration d is want, give or take the
// computation around it: a reading of the clock shows the reader's own
// work since its last reading (simrt/slip.go), so a timeout measured by a
// goroutine that computed before arming it, as natively, takes a few
// hundred nanoseconds more or less than the timeout itself.
func about(d, want time.Duration) bool {
	return d >= want-10*time.Microsecond && d <= want+10*time.Microsecond
}
