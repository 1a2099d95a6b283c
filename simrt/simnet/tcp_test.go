package simnet_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simnet"
)

// TestEchoTCP: a client node dials a server node by name and gets its
// bytes back; the dial takes one round trip of the default link.
func TestEchoTCP(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var l net.Listener
		up := simrt.MakeChan[struct{}](0)
		_, srvDone := run("srv", func() {
			l = listen(t, ":7000")
			simrt.Close(up)
			serveEcho(l)
		})
		simrt.Recv(up)
		_, cliDone := run("cli", func() {
			start := simrt.Now()
			c, err := simnet.Dial("tcp", "srv:7000")
			if err != nil {
				t.Errorf("dial: %v", err)
				return
			}
			defer c.Close()
			if rtt := simrt.Since(start); rtt < 2*simnet.DefaultMinLatency || rtt > 2*simnet.DefaultMaxLatency {
				t.Errorf("dial took %v, want one round trip of the default link", rtt)
			}
			if got, want := c.LocalAddr().String(), "10.0.0.2:32768"; got != want {
				t.Errorf("LocalAddr = %s, want %s", got, want)
			}
			if got, want := c.RemoteAddr().String(), "10.0.0.1:7000"; got != want {
				t.Errorf("RemoteAddr = %s, want %s", got, want)
			}
			if _, ok := c.(*simnet.TCPConn); !ok {
				t.Errorf("Dial returned %T, want *simnet.TCPConn", c)
			}
			for _, msg := range []string{"hello", "world", string(bytes.Repeat([]byte("x"), 100000))} {
				if _, err := io.WriteString(c, msg); err != nil {
					t.Errorf("write: %v", err)
				}
				buf := make([]byte, len(msg))
				if _, err := io.ReadFull(c, buf); err != nil || string(buf) != msg {
					t.Errorf("read %.20q, %v; want %.20q", buf, err, msg)
				}
			}
		})
		cliDone.Wait()
		l.Close()
		srvDone.Wait()
	})
}

// TestHostAndNodes: the host dials a node by name, and a node dials the
// host by "host"; each side sees the other's address.
func TestHostAndNodes(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		hl := listen(t, ":9000")
		if got := hl.Addr().String(); got != "[::]:9000" {
			t.Errorf("host listener Addr = %s", got)
		}
		hostDone := simrt.MakeChan[struct{}](0)
		simrt.Go(func() {
			defer simrt.Close(hostDone)
			c, err := hl.Accept()
			if err != nil {
				t.Errorf("accept: %v", err)
				return
			}
			if got := c.RemoteAddr().String(); got != "10.0.0.1:32768" {
				t.Errorf("host sees the node as %s", got)
			}
			c.Close()
		})
		var nl net.Listener
		up := simrt.MakeChan[struct{}](0)
		_, done := run("n1", func() {
			c, err := simnet.Dial("tcp", "host:9000")
			if err != nil {
				t.Errorf("node dials host: %v", err)
			} else {
				if got := c.LocalAddr().String(); got != "10.0.0.1:32768" {
					t.Errorf("node's local address to the host = %s", got)
				}
				c.Close()
			}
			nl = listen(t, "n1:9001")
			simrt.Close(up)
			serveEcho(nl)
		})
		simrt.Recv(up)
		c, err := simnet.Dial("tcp", "10.0.0.1:9001")
		if err != nil {
			t.Fatalf("host dials node: %v", err)
		}
		if got := c.LocalAddr().String(); got != "10.255.255.254:32768" {
			t.Errorf("host's local address = %s", got)
		}
		c.Close()
		// The host's loopback is its own: nothing listens there on 9001.
		if _, err := simnet.Dial("tcp", "127.0.0.1:9001"); !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("host's loopback reached a node: %v", err)
		}
		simrt.Recv(hostDone)
		hl.Close()
		nl.Close()
		done.Wait()
	})
}

// nativeRefused is the error of a real dial to a port nothing listens on.
func nativeRefused(t *testing.T) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback: %v", err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = net.Dial("tcp", addr)
	return err
}

// TestRefused: a dial to a port nothing listens on fails as net's does,
// across nodes and on the loopback.
func TestRefused(t *testing.T) {
	native := nativeRefused(t)
	simrt.Test(t, func(t *testing.T) {
		run("a", func() {})
		_, done := run("b", func() {
			_, err := simnet.Dial("tcp", "a:80")
			if got, want := errText(err), "dial tcp 10.0.0.1:80: connect: connection refused"; got != want {
				t.Errorf("dial = %s, want %s", got, want)
			}
			if norm(err) != norm(native) {
				t.Errorf("simulated %q, native %q", norm(err), norm(native))
			}
			var oe *net.OpError
			if !errors.As(err, &oe) || oe.Source != nil || oe.Op != "dial" {
				t.Errorf("err = %#v", err)
			}
			if !errors.Is(err, syscall.ECONNREFUSED) {
				t.Errorf("errors.Is(err, ECONNREFUSED) = false")
			}
			_, err = simnet.Dial("tcp", "localhost:81")
			if got, want := errText(err), "dial tcp 127.0.0.1:81: connect: connection refused"; got != want {
				t.Errorf("loopback dial = %s, want %s", got, want)
			}
		})
		done.Wait()
	})
}

// closeSequence is what a client sees when its peer writes "hi" and
// closes: the data, EOF, a write that succeeds, and after the peer's
// reset a broken pipe; then its own Close and the errors of a closed
// connection. It takes the dial, a way to make the peer do its part, and
// a sleep.
func closeSequence(c net.Conn, sleep func()) []string {
	var out []string
	note := func(err error) { out = append(out, norm(err)) }
	buf := make([]byte, 10)
	n, err := c.Read(buf)
	out = append(out, string(buf[:n]))
	note(err)
	_, err = c.Read(buf)
	note(err)
	_, err = c.Write([]byte("x"))
	note(err)
	sleep()
	_, err = c.Write([]byte("x"))
	note(err)
	_, err = c.Read(buf)
	note(err)
	note(c.Close())
	_, err = c.Read(buf)
	note(err)
	_, err = c.Write(buf)
	note(err)
	note(c.Close())
	note(c.SetDeadline(time.Time{}))
	note(c.(interface{ SetKeepAlive(bool) error }).SetKeepAlive(true))
	return out
}

// resetSequence is what a client sees when its peer closes with data
// unread: a reset, then EOF, then a broken pipe.
func resetSequence(c net.Conn, sleep func()) []string {
	var out []string
	note := func(err error) { out = append(out, norm(err)) }
	c.Write([]byte("never read"))
	sleep()
	_, err := c.Read(make([]byte, 10))
	note(err)
	_, err = c.Read(make([]byte, 10))
	note(err)
	_, err = c.Write([]byte("x"))
	note(err)
	c.Close()
	return out
}

// native runs seq against a real loopback server whose connections are
// handled by peer.
func native(t *testing.T, peer func(net.Conn), seq func(net.Conn, func()) []string) []string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback: %v", err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err == nil {
			peer(c)
		}
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return seq(c, func() { time.Sleep(50 * time.Millisecond) })
}

// simulated runs seq in a run against a server node whose connections are
// handled by peer; sleep and peer use virtual time.
func simulated(t *testing.T, peer func(net.Conn), seq func(net.Conn, func()) []string) []string {
	var l net.Listener
	up := simrt.MakeChan[struct{}](0)
	_, srv := run("srv", func() {
		l = listen(t, "10.0.0.1:8080")
		simrt.Close(up)
		c, err := l.Accept()
		if err == nil {
			peer(c)
		}
	})
	simrt.Recv(up)
	var got []string
	_, cli := run("cli", func() {
		c, err := simnet.Dial("tcp", "srv:8080")
		if err != nil {
			t.Errorf("dial: %v", err)
			return
		}
		got = seq(c, func() { simrt.Sleep(50 * time.Millisecond) })
	})
	cli.Wait()
	l.Close()
	srv.Wait()
	return got
}

func writeHiAndClose(c net.Conn) {
	c.Write([]byte("hi"))
	c.Close()
}

func closeUnread(c net.Conn) {
	time.Sleep(20 * time.Millisecond)
	c.Close()
}

func closeUnreadSim(c net.Conn) {
	simrt.Sleep(20 * time.Millisecond)
	c.Close()
}

// TestCloseAndResetLikeNative: EOF, broken pipe, reset by peer and the
// errors of a closed connection come in the order and with the text of
// the real network (addresses aside).
func TestCloseAndResetLikeNative(t *testing.T) {
	wantClose := native(t, writeHiAndClose, closeSequence)
	wantReset := native(t, closeUnread, resetSequence)
	simrt.Test(t, func(t *testing.T) {
		if got := simulated(t, writeHiAndClose, closeSequence); !equal(got, wantClose) {
			t.Errorf("close sequence:\nsimulated %q\nnative    %q", got, wantClose)
		}
	})
	simrt.Test(t, func(t *testing.T) {
		got := simulated(t, closeUnreadSim, resetSequence)
		if !equal(got, wantReset) {
			t.Errorf("reset sequence:\nsimulated %q\nnative    %q", got, wantReset)
		}
		if len(got) > 0 && got[0] != "read tcp ADDR->ADDR: read: connection reset by peer" {
			t.Errorf("reset = %s", got[0])
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestClosedErrors: the exact texts for a closed connection and listener.
func TestClosedErrors(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		l := listen(t, "127.0.0.1:0")
		simrt.Go(func() {
			if c, err := l.Accept(); err == nil {
				c.Close()
			}
		})
		c, err := simnet.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		_, err = c.Read(make([]byte, 1))
		if got, want := errText(err), "read tcp 127.0.0.1:32769->127.0.0.1:32768: use of closed network connection"; got != want {
			t.Errorf("read: %s, want %s", got, want)
		}
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("errors.Is(err, net.ErrClosed) = false")
		}
		if got, want := errText(c.SetReadDeadline(time.Time{})), "set tcp 127.0.0.1:32769: use of closed network connection"; got != want {
			t.Errorf("SetReadDeadline: %s, want %s", got, want)
		}
		l.Close()
		_, err = l.Accept()
		if got, want := errText(err), "accept tcp 127.0.0.1:32768: use of closed network connection"; got != want {
			t.Errorf("accept: %s, want %s", got, want)
		}
		if got, want := errText(l.Close()), "close tcp 127.0.0.1:32768: use of closed network connection"; got != want {
			t.Errorf("second close: %s, want %s", got, want)
		}
	})
}

// TestFreePorts: port 0 picks the node's next free port, the same in
// every node; a port in use fails as net's does.
func TestFreePorts(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		for _, node := range []string{"a", "b"} {
			_, done := run(node, func() {
				var ls []net.Listener
				for _, c := range []struct{ network, addr, want string }{
					{"tcp", ":0", "[::]:32768"},
					{"tcp", "127.0.0.1:0", "127.0.0.1:32769"},
					{"tcp", "localhost:0", "127.0.0.1:32770"},
					{"tcp4", ":0", "0.0.0.0:32771"},
					{"tcp", node + ":0", simnet.NodeAddr(simrt.CurrentNode()).String() + ":32772"},
					{"tcp", "", "[::]:32773"},
				} {
					l, err := simnet.Listen(c.network, c.addr)
					if err != nil {
						t.Errorf("Listen(%s, %s): %v", c.network, c.addr, err)
						continue
					}
					ls = append(ls, l)
					if got := l.Addr().String(); got != c.want {
						t.Errorf("Listen(%s, %s).Addr() = %s, want %s", c.network, c.addr, got, c.want)
					}
				}
				for _, c := range []struct{ addr, want string }{
					{":32768", "listen tcp :32768: bind: address already in use"},
					{"127.0.0.1:32768", "listen tcp 127.0.0.1:32768: bind: address already in use"},
					{"10.0.9.9:80", "listen tcp 10.0.9.9:80: bind: cannot assign requested address"},
				} {
					_, err := simnet.Listen("tcp", c.addr)
					if got := errText(err); got != c.want {
						t.Errorf("Listen(%s) = %s, want %s", c.addr, got, c.want)
					}
				}
				for _, l := range ls {
					l.Close()
				}
				// Closed, the port can be taken again.
				l, err := simnet.Listen("tcp", ":32768")
				if err != nil {
					t.Errorf("listen again: %v", err)
				} else {
					l.Close()
				}
			})
			done.Wait()
		}
	})
}

// TestDeadlines: read, write and accept deadlines fire on the virtual
// clock, exactly, with net's errors.
func TestDeadlines(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		l := listen(t, "127.0.0.1:7000")
		peer := simrt.MakeChan[net.Conn](1)
		simrt.Go(func() {
			c, err := l.Accept()
			if err != nil {
				t.Errorf("accept: %v", err)
			}
			simrt.Send(peer, c)
		})
		c, err := simnet.Dial("tcp", "127.0.0.1:7000")
		if err != nil {
			t.Fatal(err)
		}
		srv := simrt.Recv(peer)

		start := simrt.Now()
		c.SetReadDeadline(start.Add(250 * time.Millisecond))
		_, err = c.Read(make([]byte, 1))
		if d := simrt.Since(start); d != 250*time.Millisecond {
			t.Errorf("read deadline fired after %v", d)
		}
		if got, want := errText(err), "read tcp 127.0.0.1:32768->127.0.0.1:7000: i/o timeout"; got != want {
			t.Errorf("read: %s, want %s", got, want)
		}
		var ne net.Error
		if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("read deadline error %v: not os.ErrDeadlineExceeded or not a timeout", err)
		}
		// A deadline moved while a read waits applies to it.
		simrt.AfterFunc(time.Second, func() { c.SetReadDeadline(simrt.Now().Add(time.Second)) })
		c.SetReadDeadline(time.Time{})
		start = simrt.Now()
		_, err = c.Read(make([]byte, 1))
		if d := simrt.Since(start); !about(d, 2*time.Second) || !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("moved deadline: %v after %v", err, d)
		}
		c.SetReadDeadline(time.Time{})

		// A writer whose peer does not read fills the buffers and then
		// times out, having written part.
		start = simrt.Now()
		c.SetWriteDeadline(start.Add(time.Second))
		n, err := c.Write(make([]byte, 1<<20))
		if d := simrt.Since(start); d != time.Second {
			t.Errorf("write deadline fired after %v", d)
		}
		if got, want := errText(err), "write tcp 127.0.0.1:32768->127.0.0.1:7000: i/o timeout"; got != want {
			t.Errorf("write: %s, want %s", got, want)
		}
		if n != 256<<10 {
			t.Errorf("wrote %d bytes before the deadline, want the buffers' 256 KiB", n)
		}

		l.(*simnet.TCPListener).SetDeadline(simrt.Now().Add(time.Millisecond))
		_, err = l.Accept()
		if got, want := errText(err), "accept tcp 127.0.0.1:7000: i/o timeout"; got != want {
			t.Errorf("accept: %s, want %s", got, want)
		}
		c.Close()
		srv.Close()
		l.Close()
	})
}

// TestBackpressure: a large write blocks until the reader drains, and
// every byte arrives in order.
func TestBackpressure(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var l net.Listener
		up := simrt.MakeChan[struct{}](0)
		want := make([]byte, 1<<20)
		for i := range want {
			want[i] = byte(i * 7)
		}
		var got []byte
		_, srv := run("srv", func() {
			l = listen(t, ":7000")
			simrt.Close(up)
			c, err := l.Accept()
			if err != nil {
				t.Errorf("accept: %v", err)
				return
			}
			simrt.Sleep(time.Second) // not reading yet
			got, err = io.ReadAll(c)
			if err != nil {
				t.Errorf("ReadAll: %v", err)
			}
			c.Close()
		})
		simrt.Recv(up)
		var wrote time.Duration
		_, cli := run("cli", func() {
			c, err := simnet.Dial("tcp", "srv:7000")
			if err != nil {
				t.Errorf("dial: %v", err)
				return
			}
			start := simrt.Now()
			if _, err := c.Write(want); err != nil {
				t.Errorf("write: %v", err)
			}
			wrote = simrt.Since(start)
			c.Close()
		})
		cli.Wait()
		srv.Wait()
		l.Close()
		if wrote < 900*time.Millisecond {
			t.Errorf("a 1 MiB write returned after %v, while the reader slept 1s", wrote)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("received %d bytes, want %d, equal %v", len(got), len(want), bytes.Equal(got, want))
		}
	})
}

// TestHalfCloseAndLinger: CloseWrite sends EOF while the other way keeps
// working; SetLinger(0) makes Close reset the peer.
func TestHalfCloseAndLinger(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		l := listen(t, ":7000")
		simrt.Go(func() {
			c, err := l.Accept()
			if err != nil {
				return
			}
			b, _ := io.ReadAll(c) // until the client's CloseWrite
			c.Write(append([]byte("got "), b...))
			c.Close()
			c2, err := l.Accept()
			if err != nil {
				return
			}
			c2.(*simnet.TCPConn).SetLinger(0)
			c2.Close()
		})
		c, err := simnet.DialTCP("tcp", nil, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 7000})
		if err != nil {
			t.Fatal(err)
		}
		c.Write([]byte("ping"))
		c.CloseWrite()
		if _, err := c.Write([]byte("x")); !errors.Is(err, syscall.EPIPE) {
			t.Errorf("write after CloseWrite: %v", err)
		}
		b, err := io.ReadAll(c)
		if string(b) != "got ping" || err != nil {
			t.Errorf("ReadAll = %q, %v", b, err)
		}
		c.Close()
		c2, err := simnet.Dial("tcp", "localhost:7000")
		if err != nil {
			t.Fatal(err)
		}
		_, err = c2.Read(make([]byte, 1))
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("read after peer's SetLinger(0) Close: %v", err)
		}
		c2.Close()
		l.Close()
	})
}

// TestDialContext: a context canceled during a dial fails it as net does.
func TestDialContext(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		b, _ := run("b", func() {}) // up, but its SYNs go nowhere while cut
		simnet.Cut(simrt.Host, b)
		ctx, cancel := simrt.WithCancel(context.Background())
		simrt.AfterFunc(time.Second, cancel)
		var d simnet.Dialer
		start := simrt.Now()
		_, err := d.DialContext(ctx, "tcp", "b:80")
		if got, want := errText(err), "dial tcp 10.0.0.1:80: operation was canceled"; got != want || !errors.Is(err, context.Canceled) {
			t.Errorf("canceled dial: %s, want %s", got, want)
		}
		if d := simrt.Since(start); d != time.Second {
			t.Errorf("canceled after %v", d)
		}
		ctx, cancel = simrt.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err = d.DialContext(ctx, "tcp", "b:80")
		if got, want := errText(err), "dial tcp 10.0.0.1:80: i/o timeout"; got != want || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("context deadline: %s, want %s", got, want)
		}
		cancelCh := simrt.MakeChan[struct{}](0)
		simrt.AfterFunc(time.Second, func() { simrt.Close(cancelCh) })
		d = simnet.Dialer{Cancel: cancelCh}
		_, err = d.Dial("tcp", "b:80")
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Dialer.Cancel: %v", err)
		}
	})
}

// TestLoopbackFamilies: [::1] and the unspecified addresses reach the
// node's own listener, with the addresses Linux shows.
func TestLoopbackFamilies(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		_, done := run("n", func() {
			l := listen(t, ":8000")
			l4, err := simnet.Listen("tcp4", "127.0.0.1:8001")
			if err != nil {
				t.Fatal(err)
			}
			accepted := simrt.MakeChan[string](10)
			simrt.Go(func() {
				for {
					c, err := l.Accept()
					if err != nil {
						return
					}
					simrt.Send(accepted, c.LocalAddr().String()+" "+c.RemoteAddr().String())
					c.Close()
				}
			})
			for _, c := range []struct{ network, addr, want, server string }{
				{"tcp", "[::1]:8000", "[::1]:32768 [::1]:8000", "[::1]:8000 [::1]:32768"},
				{"tcp", "[::]:8000", "[::1]:32769 [::1]:8000", "[::1]:8000 [::1]:32769"},
				{"tcp", "0.0.0.0:8000", "127.0.0.1:32770 127.0.0.1:8000", "127.0.0.1:8000 127.0.0.1:32770"},
				{"tcp", ":8000", "127.0.0.1:32771 127.0.0.1:8000", "127.0.0.1:8000 127.0.0.1:32771"},
				{"tcp", "n:8000", "10.0.0.1:32772 10.0.0.1:8000", "10.0.0.1:8000 10.0.0.1:32772"},
			} {
				conn, err := simnet.Dial(c.network, c.addr)
				if err != nil {
					t.Errorf("Dial(%s): %v", c.addr, err)
					continue
				}
				if got := conn.LocalAddr().String() + " " + conn.RemoteAddr().String(); got != c.want {
					t.Errorf("Dial(%s): %s, want %s", c.addr, got, c.want)
				}
				if got := simrt.Recv(accepted); got != c.server {
					t.Errorf("Dial(%s): server sees %s, want %s", c.addr, got, c.server)
				}
				conn.Close()
			}
			// A listener on 127.0.0.1 takes no IPv6 nor the node's address.
			for _, addr := range []string{"[::1]:8001", "n:8001"} {
				if _, err := simnet.Dial("tcp", addr); !errors.Is(err, syscall.ECONNREFUSED) {
					t.Errorf("Dial(%s) to a 127.0.0.1 listener: %v", addr, err)
				}
			}
			l.Close()
			l4.Close()
		})
		done.Wait()
	})
}
