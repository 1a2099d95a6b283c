package simos_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simos"
)

// TestPipeCapture: the way tests capture output (gin's captureOutput): a
// goroutine copies the read end into a buffer while the test writes more
// than the pipe holds, then closes the write end. Before simos.Pipe the
// copy blocked in a real read and the world stopped until the watchdog.
func TestPipeCapture(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		r, w, err := simos.Pipe()
		must(t, err)
		out := simrt.MakeChan[string](0)
		simrt.Go(func() {
			var buf strings.Builder
			if _, err := io.Copy(&buf, r); err != nil {
				t.Errorf("copy: %v", err)
			}
			simrt.Send(out, buf.String())
		})
		want := bytes.Repeat([]byte("0123456789abcdef"), 20000) // 320000 bytes, more than a pipe holds
		if n, err := w.Write(want[:100000]); n != 100000 || err != nil {
			t.Errorf("Write: %d, %v", n, err)
		}
		if n, err := w.WriteString(string(want[100000:])); n != len(want)-100000 || err != nil {
			t.Errorf("WriteString: %d, %v", n, err)
		}
		must(t, w.Close())
		if got := simrt.Recv(out); got != string(want) {
			t.Errorf("read %d bytes, want %d", len(got), len(want))
		}
		must(t, r.Close())
	})
}

// TestPipeErrors: os's errors at the ends of a simulated pipe: a write
// to a pipe whose reader is closed is a broken pipe, reads and writes of
// a closed end say the file is closed.
func TestPipeErrors(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		r, w, err := simos.Pipe()
		must(t, err)
		must(t, r.Close())
		if _, err := w.Write([]byte("x")); !errors.Is(err, syscall.EPIPE) {
			t.Errorf("write to a pipe with no reader: %v", err)
		}
		must(t, w.Close())
		if _, err := w.Write([]byte("x")); !errors.Is(err, os.ErrClosed) {
			t.Errorf("write to a closed end: %v", err)
		}
		if _, err := r.Read(make([]byte, 1)); !errors.Is(err, os.ErrClosed) {
			t.Errorf("read of a closed end: %v", err)
		}
	})
}

// TestPipeExported: once an end has gone to code that is not rewritten
// (os.Stdout = w becomes os.Stdout = w.OS()), writes reach the pipe
// without simos, and the pipe is a real one again: what was written
// there is read back, and a reader waiting under the scheduler is woken
// to read it.
func TestPipeExported(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		r, w, err := simos.Pipe()
		must(t, err)
		got := simrt.MakeChan[string](0)
		simrt.Go(func() {
			b, err := io.ReadAll(r)
			if err != nil {
				t.Errorf("ReadAll: %v", err)
			}
			simrt.Send(got, string(b))
		})
		simrt.Gosched()
		real := w.OS()
		if _, err := real.WriteString("through the real file"); err != nil {
			t.Errorf("write: %v", err)
		}
		must(t, w.Close())
		if s := simrt.Recv(got); s != "through the real file" {
			t.Errorf("read %q", s)
		}
	})
}
