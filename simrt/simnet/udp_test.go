package simnet_test

import (
	"encoding/binary"
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simnet"
)

// TestUDPEcho: a datagram to a node's socket comes back to the sender's
// connected socket, with the addresses each side should see.
func TestUDPEcho(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var pc net.PacketConn
		up := simrt.MakeChan[struct{}](0)
		_, srv := run("dns", func() {
			var err error
			pc, err = simnet.ListenPacket("udp", ":53")
			if err != nil {
				t.Errorf("ListenPacket: %v", err)
				return
			}
			if got := pc.LocalAddr().String(); got != "[::]:53" {
				t.Errorf("LocalAddr = %s", got)
			}
			simrt.Close(up)
			buf := make([]byte, 512)
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				t.Errorf("ReadFrom: %v", err)
				return
			}
			if got := from.String(); got != "10.0.0.2:32768" {
				t.Errorf("from = %s", got)
			}
			pc.WriteTo(append([]byte("re: "), buf[:n]...), from)
		})
		simrt.Recv(up)
		_, cli := run("cli", func() {
			c, err := simnet.DialUDP("udp", nil, &net.UDPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 53})
			if err != nil {
				t.Errorf("DialUDP: %v", err)
				return
			}
			if got := c.LocalAddr().String() + " " + c.RemoteAddr().String(); got != "10.0.0.2:32768 10.0.0.1:53" {
				t.Errorf("addresses %s", got)
			}
			c.Write([]byte("q"))
			buf := make([]byte, 512)
			n, err := c.Read(buf)
			if string(buf[:n]) != "re: q" || err != nil {
				t.Errorf("Read = %q, %v", buf[:n], err)
			}
			c.Close()
		})
		cli.Wait()
		srv.Wait()
		pc.Close()
	})
}

// udpSequence is the errors of the usual UDP mistakes, in order; listen
// and dial are the package's functions (net's or simnet's), sleep waits
// for an ICMP error to come back.
func udpSequence(listen func(string, *net.UDPAddr) (*net.UDPAddr, func([]byte) error, func() error, func(time.Time) ([]byte, error)),
	dial func(string, *net.UDPAddr) (write func([]byte) error, writeTo func([]byte, *net.UDPAddr) error, read func() error, laddr *net.UDPAddr),
	sleep func()) []string {
	var out []string
	note := func(err error) { out = append(out, norm(err)) }
	addr, write, closeFn, readDL := listen("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	note(write([]byte("x")))
	_, err := readDL(time.Time{}.Add(1)) // a deadline long past
	note(err)
	cwrite, cwriteTo, cread, _ := dial("udp", addr)
	note(cwriteTo([]byte("x"), addr))
	note(cwrite(make([]byte, 70000)))
	note(closeFn())
	note(cwrite([]byte("x")))
	sleep()
	note(cread())
	_, err = readDL(time.Time{})
	note(err)
	note(closeFn())
	return out
}

func nativeUDP(t *testing.T) []string {
	var u *net.UDPConn
	listenFn := func(network string, la *net.UDPAddr) (*net.UDPAddr, func([]byte) error, func() error, func(time.Time) ([]byte, error)) {
		var err error
		u, err = net.ListenUDP(network, la)
		if err != nil {
			t.Skipf("no loopback: %v", err)
		}
		return u.LocalAddr().(*net.UDPAddr),
			func(b []byte) error { _, err := u.Write(b); return err },
			u.Close,
			func(dl time.Time) ([]byte, error) {
				u.SetReadDeadline(dl)
				b := make([]byte, 10)
				n, _, err := u.ReadFrom(b)
				return b[:n], err
			}
	}
	dialFn := func(network string, ra *net.UDPAddr) (func([]byte) error, func([]byte, *net.UDPAddr) error, func() error, *net.UDPAddr) {
		c, err := net.DialUDP(network, nil, ra)
		if err != nil {
			t.Fatal(err)
		}
		return func(b []byte) error { _, err := c.Write(b); return err },
			func(b []byte, a *net.UDPAddr) error { _, err := c.WriteToUDP(b, a); return err },
			func() error { _, err := c.Read(make([]byte, 10)); return err },
			c.LocalAddr().(*net.UDPAddr)
	}
	return udpSequence(listenFn, dialFn, func() { time.Sleep(20 * time.Millisecond) })
}

func simUDP(t *testing.T) []string {
	var u *simnet.UDPConn
	listenFn := func(network string, la *net.UDPAddr) (*net.UDPAddr, func([]byte) error, func() error, func(time.Time) ([]byte, error)) {
		var err error
		u, err = simnet.ListenUDP(network, la)
		if err != nil {
			t.Fatal(err)
		}
		return u.LocalAddr().(*net.UDPAddr),
			func(b []byte) error { _, err := u.Write(b); return err },
			u.Close,
			func(dl time.Time) ([]byte, error) {
				u.SetReadDeadline(dl)
				b := make([]byte, 10)
				n, _, err := u.ReadFrom(b)
				return b[:n], err
			}
	}
	dialFn := func(network string, ra *net.UDPAddr) (func([]byte) error, func([]byte, *net.UDPAddr) error, func() error, *net.UDPAddr) {
		c, err := simnet.DialUDP(network, nil, ra)
		if err != nil {
			t.Fatal(err)
		}
		return func(b []byte) error { _, err := c.Write(b); return err },
			func(b []byte, a *net.UDPAddr) error { _, err := c.WriteToUDP(b, a); return err },
			func() error { _, err := c.Read(make([]byte, 10)); return err },
			c.LocalAddr().(*net.UDPAddr)
	}
	return udpSequence(listenFn, dialFn, func() { simrt.Sleep(20 * time.Millisecond) })
}

// TestUDPErrorsLikeNative: the errors of UDP sockets read as net's.
func TestUDPErrorsLikeNative(t *testing.T) {
	want := nativeUDP(t)
	simrt.Test(t, func(t *testing.T) {
		if got := simUDP(t); !equal(got, want) {
			t.Errorf("UDP errors:\nsimulated %q\nnative    %q", got, want)
		}
	})
}

// udpFaults sends n numbered datagrams from a node to another over a link
// with the given faults, 100µs apart, and returns the numbers in the
// order they arrived.
func udpFaults(t *testing.T, n int, l simnet.Link) []int {
	var got []int
	var pc net.PacketConn
	up := simrt.MakeChan[struct{}](0)
	rcv, wr := run("rcv", func() {
		var err error
		pc, err = simnet.ListenPacket("udp", ":9")
		if err != nil {
			t.Errorf("ListenPacket: %v", err)
			return
		}
		simrt.Close(up)
		buf := make([]byte, 16)
		for {
			pc.SetReadDeadline(simrt.Now().Add(time.Second))
			k, _, err := pc.ReadFrom(buf)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				return
			}
			if err != nil || k != 4 {
				t.Errorf("ReadFrom: %d, %v", k, err)
				return
			}
			got = append(got, int(binary.BigEndian.Uint32(buf)))
		}
	})
	simrt.Recv(up)
	snd := simrt.NewNode("snd")
	simnet.SetLink(snd, rcv, l)
	w := new(simrt.WaitGroup)
	w.Add(1)
	simrt.GoOn(snd, func() {
		defer w.Done()
		c, err := simnet.Dial("udp", "rcv:9")
		if err != nil {
			t.Errorf("dial: %v", err)
			return
		}
		for i := 0; i < n; i++ {
			var b [4]byte
			binary.BigEndian.PutUint32(b[:], uint32(i))
			if _, err := c.Write(b[:]); err != nil {
				t.Errorf("write: %v", err)
			}
			simrt.Sleep(100 * time.Microsecond)
		}
		c.Close()
	})
	w.Wait()
	wr.Wait()
	pc.Close()
	return got
}

// stats counts the lost, duplicated and out-of-order datagrams of an
// arrival sequence.
func stats(n int, got []int) (lost, dups, late int) {
	seen := make([]int, n)
	hi := -1
	for _, k := range got {
		if seen[k]++; seen[k] > 1 {
			dups++
			continue
		}
		if k < hi {
			late++
		}
		hi = max(hi, k)
	}
	for _, c := range seen {
		if c == 0 {
			lost++
		}
	}
	return
}

// TestUDPFaultRates: loss, duplication and reordering happen at the
// link's rates; without them datagrams arrive once each, in order.
func TestUDPFaultRates(t *testing.T) {
	const n = 4000
	simrt.Test(t, func(t *testing.T) {
		got := udpFaults(t, n, simnet.Link{MinLatency: time.Millisecond, MaxLatency: 3 * time.Millisecond})
		if lost, dups, late := stats(n, got); lost+dups+late != 0 {
			t.Errorf("a clean link: %d lost, %d duplicated, %d late", lost, dups, late)
		}
	})
	simrt.Test(t, func(t *testing.T) {
		got := udpFaults(t, n, simnet.Link{MinLatency: time.Millisecond, MaxLatency: 3 * time.Millisecond, Loss: 0.1, Duplicate: 0.05, Reorder: 0.05})
		lost, dups, late := stats(n, got)
		check := func(what string, count int, want float64) {
			if r := float64(count) / n; r < want-0.02 || r > want+0.02 {
				t.Errorf("%s: %d of %d (%.3f), want about %.3f", what, count, n, r, want)
			}
		}
		check("lost", lost, 0.1)
		check("duplicated", dups, 0.9*0.05)
		check("late", late, 0.05*0.9*1.05)
	})
}

// TestUDPPartitionAndCrash: datagrams across a partition, or to a node
// that is down, are lost.
func TestUDPPartitionAndCrash(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var pc net.PacketConn
		up := simrt.MakeChan[struct{}](0)
		n, w := run("n", func() {
			pc, _ = simnet.ListenPacket("udp", ":9")
			simrt.Close(up)
			simrt.Sleep(time.Hour)
		})
		simrt.Recv(up)
		c, err := simnet.Dial("udp", "n:9")
		if err != nil {
			t.Fatal(err)
		}
		simnet.Partition([]simrt.NodeID{n}, []simrt.NodeID{simrt.Host})
		c.Write([]byte("lost"))
		simnet.Heal()
		c.Write([]byte("kept"))
		pc.SetReadDeadline(simrt.Now().Add(time.Second))
		b := make([]byte, 8)
		k, _, err := pc.ReadFrom(b)
		if string(b[:k]) != "kept" || err != nil {
			t.Errorf("after heal: %q %v", b[:k], err)
		}
		simrt.Crash(n)
		if _, err := c.Write([]byte("to nobody")); err != nil {
			t.Errorf("write to a crashed node: %v", err)
		}
		_, _, err = pc.ReadFrom(b)
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("the crashed node's socket: %v", err)
		}
		c.Close()
		_ = w
	})
}
