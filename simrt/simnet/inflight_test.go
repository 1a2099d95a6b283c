package simnet_test

import (
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simnet"
)

// TestInFlightDataOutlivesItsSender: what a server put on the wire before
// it reset the connection (SetLinger(0) and Close) or its machine lost
// power still reaches the client, ahead of the reset, as on a real
// network; only what was never sent is lost.
func TestInFlightDataOutlivesItsSender(t *testing.T) {
	for _, how := range []string{"linger", "crash"} {
		t.Run(how, func(t *testing.T) {
			simrt.Test(t, func(t *testing.T) {
				simnet.SetDefaultLink(simnet.Link{MinLatency: 10 * time.Millisecond, MaxLatency: 10 * time.Millisecond})
				var srv simrt.NodeID
				srv, _ = run("srv", func() {
					l, err := simnet.Listen("tcp", ":7000")
					if err != nil {
						panic(err)
					}
					c, err := l.Accept()
					if err != nil {
						return
					}
					c.Write([]byte("reply"))
					if how == "crash" {
						simrt.Crash(srv)
					}
					c.(*simnet.TCPConn).SetLinger(0)
					c.Close()
				})
				c, err := simnet.Dial("tcp", "srv:7000")
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(c)
				if string(b) != "reply" || !errors.Is(err, syscall.ECONNRESET) {
					t.Errorf("read %q, %v; want the reply, then a reset", b, err)
				}
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					t.Errorf("a reset reads as a timeout: %v", err)
				}
			})
		})
	}
}
