package simnet_test

import (
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simnet"
)

func TestPipeEcho(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		a, b := simnet.Pipe()
		simrt.Go(func() {
			buf := make([]byte, 16)
			n, _ := b.Read(buf)
			b.Write(append([]byte("echo: "), buf[:n]...))
			b.Close()
		})
		if _, err := a.Write([]byte("ping")); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(a)
		if err != nil || string(got) != "echo: ping" {
			t.Fatalf("ReadAll = %q, %v", got, err)
		}
		if a.LocalAddr().Network() != "pipe" || a.RemoteAddr().String() != "pipe" {
			t.Errorf("addresses %v %v", a.LocalAddr(), a.RemoteAddr())
		}
	})
}

// TestPipeDeadlineVirtual: a read deadline fires on the virtual clock,
// exactly, with the error net.Pipe gives.
func TestPipeDeadlineVirtual(t *testing.T) {
	native, _ := net.Pipe()
	native.SetReadDeadline(time.Now().Add(-time.Second))
	_, nerr := native.Read(make([]byte, 1))
	simrt.Test(t, func(t *testing.T) {
		a, _ := simnet.Pipe()
		start := simrt.Now()
		a.SetReadDeadline(start.Add(250 * time.Millisecond))
		_, err := a.Read(make([]byte, 1))
		if d := simrt.Since(start); d != 250*time.Millisecond {
			t.Errorf("deadline fired after %v, want 250ms", d)
		}
		if !errors.Is(err, os.ErrDeadlineExceeded) || err.Error() != nerr.Error() {
			t.Errorf("err = %v, native %v", err, nerr)
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("err = %v is not a timeout net.Error", err)
		}
		// A new deadline in the future lets a read wait again.
		a.SetReadDeadline(time.Time{})
	})
}

func TestPipeClose(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		a, b := simnet.Pipe()
		a.Close()
		if _, err := a.Read(make([]byte, 1)); err != io.ErrClosedPipe {
			t.Errorf("read on closed end: %v", err)
		}
		if _, err := b.Read(make([]byte, 1)); err != io.EOF {
			t.Errorf("read with the other end closed: %v", err)
		}
		if _, err := b.Write([]byte("x")); err != io.ErrClosedPipe {
			t.Errorf("write with the other end closed: %v", err)
		}
		if err := b.SetDeadline(time.Now()); err != io.ErrClosedPipe {
			t.Errorf("SetDeadline after close: %v", err)
		}
	})
}
