package simnet_test

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simnet"
)

// startEcho runs an echo server on :port of a node (made if id is -1),
// and returns once it listens. stop closes the listener and waits.
func startEcho(t *testing.T, id simrt.NodeID, name string, port string) (simrt.NodeID, func()) {
	if id < 0 {
		id = simrt.NewNode(name)
	}
	var l net.Listener
	up := simrt.MakeChan[struct{}](0)
	var wg simrt.WaitGroup
	wg.Add(1)
	simrt.GoOn(id, func() {
		defer wg.Done()
		l = listen(t, ":"+port)
		simrt.Close(up)
		serveEcho(l)
	})
	simrt.Recv(up)
	return id, func() { l.Close(); wg.Wait() }
}

// TestCrashResetsPeersAndRestart: a crash resets the peers of the node's
// connections after the link's latency; while it is down dials time out;
// restarted, it listens on the same port again, and a dial still
// retransmitting its SYN connects.
func TestCrashResetsPeersAndRestart(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		srv, _ := startEcho(t, -1, "srv", "7000")
		c1, err := simnet.Dial("tcp", "srv:7000")
		if err != nil {
			t.Fatal(err)
		}
		c2, err := simnet.Dial("tcp", "srv:7000")
		if err != nil {
			t.Fatal(err)
		}
		c1.Write([]byte("x"))
		io.ReadFull(c1, make([]byte, 1))

		start := simrt.Now()
		simrt.Crash(srv)
		_, err = c1.Read(make([]byte, 1))
		if got, want := errText(err), "read tcp 10.255.255.254:32768->10.0.0.1:7000: read: connection reset by peer"; got != want {
			t.Errorf("read after crash: %s, want %s", got, want)
		}
		if d := simrt.Since(start); d < simnet.DefaultMinLatency || d > simnet.DefaultMaxLatency {
			t.Errorf("reset arrived after %v, want one latency", d)
		}
		simrt.Sleep(simnet.DefaultMaxLatency) // every reset has arrived
		_, err = c2.Write([]byte("x"))
		if got, want := errText(err), "write tcp 10.255.255.254:32769->10.0.0.1:7000: write: connection reset by peer"; got != want {
			t.Errorf("write after crash: %s, want %s", got, want)
		}
		_, err = c2.Write([]byte("x"))
		if !errors.Is(err, syscall.EPIPE) {
			t.Errorf("second write after crash: %v, want broken pipe", err)
		}
		c1.Close()
		c2.Close()

		// Down: a SYN gets no answer.
		start = simrt.Now()
		_, err = simnet.DialTimeout("tcp", "srv:7000", 3*time.Second)
		if got, want := errText(err), "dial tcp 10.0.0.1:7000: i/o timeout"; got != want {
			t.Errorf("dial to a crashed node: %s, want %s", got, want)
		}
		if d := simrt.Since(start); !about(d, 3*time.Second) {
			t.Errorf("dial gave up after %v", d)
		}

		// A dial waiting while the node restarts connects at its next
		// SYN retransmission (7s after it began).
		var stop func()
		simrt.AfterFunc(5*time.Second, func() { _, stop = startEcho(t, srv, "", "7000") })
		start = simrt.Now()
		c3, err := simnet.Dial("tcp", "srv:7000")
		if err != nil {
			t.Fatalf("dial across the restart: %v", err)
		}
		if d := simrt.Since(start); d < 7*time.Second || d > 7*time.Second+2*simnet.DefaultMaxLatency {
			t.Errorf("connected after %v, want the retransmission at 7s", d)
		}
		if simrt.Boots(srv) != 2 {
			t.Errorf("boots = %d", simrt.Boots(srv))
		}
		c3.Write([]byte("again"))
		b := make([]byte, 5)
		if _, err := io.ReadFull(c3, b); err != nil || string(b) != "again" {
			t.Errorf("echo after restart: %q %v", b, err)
		}
		c3.Close()
		stop()
	})
}

// TestCrashWithNoTimeout: a dial to a node that never answers gives up
// after the kernel's connect timeout.
func TestCrashWithNoTimeout(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		n := simrt.NewNode("down") // never started
		start := simrt.Now()
		_, err := simnet.Dial("tcp", "down:80")
		if got, want := errText(err), "dial tcp 10.0.0.1:80: connect: connection timed out"; got != want {
			t.Errorf("dial: %s, want %s", got, want)
		}
		if d := simrt.Since(start); !about(d, 127*time.Second) {
			t.Errorf("gave up after %v, want 127s", d)
		}
		if simrt.Alive(n) {
			t.Errorf("alive")
		}
	})
}

// TestPartition: a dial across a partition waits for its timeout; one
// without a timeout connects after Heal; Cut and Connect work on one
// pair; nodes in no group reach every group.
func TestPartition(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		b, stopB := startEcho(t, -1, "b", "80")
		var a simrt.NodeID
		aDone := simrt.MakeChan[struct{}](0)
		a, wa := run("a", func() { simrt.Recv(aDone) })
		simnet.Partition([]simrt.NodeID{a}, []simrt.NodeID{b})
		if simnet.Reachable(a, b) || simnet.Reachable(b, a) || !simnet.Reachable(simrt.Host, a) || !simnet.Reachable(b, simrt.Host) {
			t.Errorf("Reachable after Partition: a-b %v, host-a %v", simnet.Reachable(a, b), simnet.Reachable(simrt.Host, a))
		}
		var err error
		var took time.Duration
		dial := func(f func() (net.Conn, error)) {
			w := new(simrt.WaitGroup)
			w.Add(1)
			simrt.GoOn(a, func() {
				defer w.Done()
				start := simrt.Now()
				var c net.Conn
				c, err = f()
				took = simrt.Since(start)
				if c != nil {
					c.Close()
				}
			})
			w.Wait()
		}
		dial(func() (net.Conn, error) { return simnet.DialTimeout("tcp", "b:80", 2*time.Second) })
		if got, want := errText(err), "dial tcp 10.0.0.1:80: i/o timeout"; got != want || !about(took, 2*time.Second) {
			t.Errorf("dial across the partition: %s after %v, want %s after 2s", got, took, want)
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("dial timeout %v: not a timeout", err)
		}
		// The host is in no group: it reaches b.
		if c, err := simnet.Dial("tcp", "b:80"); err != nil {
			t.Errorf("host dial during partition: %v", err)
		} else {
			c.Close()
		}

		simrt.AfterFunc(5*time.Second, simnet.Heal)
		dial(func() (net.Conn, error) { return simnet.Dial("tcp", "b:80") })
		if err != nil || took < 5*time.Second || took > 5*time.Second+2*simnet.DefaultMaxLatency {
			t.Errorf("dial healed after 5s: %v after %v", err, took)
		}

		simnet.Cut(a, b)
		if simnet.Reachable(a, b) || !simnet.Reachable(simrt.Host, b) {
			t.Errorf("Cut: a-b %v", simnet.Reachable(a, b))
		}
		simnet.Partition([]simrt.NodeID{a}, []simrt.NodeID{b})
		simnet.Connect(a, b)
		if !simnet.Reachable(a, b) {
			t.Errorf("Connect does not bridge the partition")
		}
		simnet.Heal()
		simrt.Close(aDone)
		wa.Wait()
		stopB()
	})
}

// TestPartitionHoldsStreamData: data written during a partition is held,
// not lost or reordered, and arrives after Heal.
func TestPartitionHoldsStreamData(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var l net.Listener
		up := simrt.MakeChan[struct{}](0)
		var got []byte
		var gotAt time.Duration
		var healAt time.Time
		_, wb := run("b", func() {
			l = listen(t, ":80")
			simrt.Close(up)
			c, err := l.Accept()
			if err != nil {
				return
			}
			var buf [64]byte
			for {
				n, err := c.Read(buf[:])
				got = append(got, buf[:n]...)
				if err != nil {
					break
				}
				if gotAt == 0 && len(got) > len("before|") {
					gotAt = simrt.Since(healAt)
				}
			}
			c.Close()
		})
		simrt.Recv(up)
		_, wa := run("a", func() {
			c, err := simnet.Dial("tcp", "b:80")
			if err != nil {
				t.Errorf("dial: %v", err)
				return
			}
			c.Write([]byte("before|"))
			simrt.Sleep(10 * time.Millisecond)
			b, _ := simrt.NodeByName("b")
			simnet.Partition([]simrt.NodeID{simrt.CurrentNode()}, []simrt.NodeID{b})
			c.Write([]byte("during|"))
			simrt.Sleep(10 * time.Second)
			if string(got) != "before|" {
				t.Errorf("received during the partition: %q", got)
			}
			healAt = simrt.Now()
			simnet.Heal()
			c.Write([]byte("after"))
			c.Close()
		})
		wa.Wait()
		wb.Wait()
		l.Close()
		if string(got) != "before|during|after" {
			t.Errorf("received %q", got)
		}
		if gotAt <= 0 || gotAt > simnet.DefaultMaxLatency {
			t.Errorf("held data arrived %v after Heal", gotAt)
		}
	})
}

// TestLatency: round trips stay within the link's bounds, vary within
// them, and follow SetLink per direction; the loopback takes a few
// microseconds each way.
func TestLatency(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		simnet.SetDefaultLink(simnet.Link{MinLatency: 5 * time.Millisecond, MaxLatency: 10 * time.Millisecond})
		srv, stop := startEcho(t, -1, "srv", "7")
		cli, wc := run("cli", func() {
			c, err := simnet.Dial("tcp", "srv:7")
			if err != nil {
				t.Errorf("dial: %v", err)
				return
			}
			defer c.Close()
			lo, hi := time.Hour, time.Duration(0)
			b := make([]byte, 1)
			for i := 0; i < 200; i++ {
				start := simrt.Now()
				c.Write(b)
				io.ReadFull(c, b)
				rtt := simrt.Since(start)
				lo, hi = min(lo, rtt), max(hi, rtt)
			}
			if lo < 10*time.Millisecond || hi > 20*time.Millisecond || hi-lo < 5*time.Millisecond {
				t.Errorf("round trips in [%v, %v], want spread within [10ms, 20ms]", lo, hi)
			}
		})
		wc.Wait()
		simnet.SetLink(cli, srv, simnet.Link{MinLatency: 50 * time.Millisecond, MaxLatency: 50 * time.Millisecond})
		simnet.SetLink(srv, cli, simnet.Link{MinLatency: time.Millisecond, MaxLatency: time.Millisecond})
		if l := simnet.LinkOf(cli, srv); l.MinLatency != 50*time.Millisecond {
			t.Errorf("LinkOf = %+v", l)
		}
		if l := simnet.LinkOf(srv, srv); l != (simnet.Link{MinLatency: simnet.LoopbackMinLatency, MaxLatency: simnet.LoopbackMaxLatency}) {
			t.Errorf("loopback link = %+v", l)
		}
		w := new(simrt.WaitGroup)
		w.Add(1)
		simrt.GoOn(cli, func() {
			defer w.Done()
			start := simrt.Now()
			c, err := simnet.Dial("tcp", "srv:7")
			if err != nil {
				t.Errorf("dial: %v", err)
				return
			}
			if d := simrt.Since(start); !about(d, 51*time.Millisecond) {
				t.Errorf("asymmetric round trip %v, want 51ms", d)
			}
			c.Close()
			// The loopback: one round trip of a few microseconds.
			l := listen(t, "127.0.0.1:0")
			start = simrt.Now()
			c, err = simnet.Dial("tcp", l.Addr().String())
			if d := simrt.Since(start); err != nil || d < 2*simnet.LoopbackMinLatency || d > 2*simnet.LoopbackMaxLatency {
				t.Errorf("loopback dial: %v after %v", err, d)
			}
			c.Close()
			l.Close()
		})
		w.Wait()
		stop()
	})
}

// TestStreamLoss: a lossy link delays stream segments by retransmission
// timeouts but delivers every byte in order.
func TestStreamLoss(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		srv, stop := startEcho(t, -1, "srv", "7")
		simnet.SetLink(simrt.Host, srv, simnet.Link{MinLatency: time.Millisecond, MaxLatency: 2 * time.Millisecond, Loss: 0.3})
		c, err := simnet.Dial("tcp", "srv:7")
		if err != nil {
			t.Fatal(err)
		}
		start := simrt.Now()
		var want, got []byte
		for i := 0; i < 100; i++ {
			msg := []byte{byte(i), byte(i >> 8)}
			want = append(want, msg...)
			c.Write(msg)
		}
		got = make([]byte, len(want))
		if _, err := io.ReadFull(c, got); err != nil || string(got) != string(want) {
			t.Errorf("lossy stream: %v, in order %v", err, string(got) == string(want))
		}
		if d := simrt.Since(start); d < 200*time.Millisecond {
			t.Errorf("100 segments over a 30%%-loss link took %v: no retransmission delay", d)
		}
		c.Close()
		stop()
	})
}
