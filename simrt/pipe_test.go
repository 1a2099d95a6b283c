package simrt_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"simgen.dev/simgen/simrt"
)

// pipeScenario writes three chunks through a pipe read in small pieces, then
// closes the writer with an error; it returns what the reader saw.
func pipeScenario(r io.ReadCloser, w interface {
	io.Writer
	CloseWithError(error) error
}, spawn func(func()), wait func()) string {
	var log []string
	spawn(func() {
		for _, s := range []string{"hello ", "simulated ", "world"} {
			n, err := w.Write([]byte(s))
			log = append(log, fmt.Sprintf("w%d:%v", n, err))
		}
		w.CloseWithError(errors.New("done writing"))
	})
	var got strings.Builder
	buf := make([]byte, 4)
	for {
		n, err := r.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			got.WriteString(" | " + err.Error())
			break
		}
	}
	wait()
	return got.String() + " | " + strings.Join(log, " ")
}

func TestPipeLikeNative(t *testing.T) {
	nr, nw := io.Pipe()
	done := make(chan struct{})
	want := pipeScenario(nr, nw, func(f func()) { go func() { defer close(done); f() }() }, func() { <-done })
	simrt.Test(t, func(t *testing.T) {
		sr, sw := simrt.Pipe()
		sdone := simrt.MakeChan[struct{}](0)
		got := pipeScenario(sr, sw, func(f func()) { simrt.Go(func() { defer simrt.Close(sdone); f() }) }, func() { simrt.Recv(sdone) })
		if got != want {
			t.Errorf("simulated:\n\t%s\nnative:\n\t%s", got, want)
		}
	})
}

func TestPipeReaderClose(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		r, w := simrt.Pipe()
		errc := simrt.MakeChan[error](1)
		simrt.Go(func() {
			_, err := w.Write([]byte("never read"))
			simrt.Send(errc, err)
		})
		simrt.Gosched()
		r.Close()
		if err := simrt.Recv(errc); err != io.ErrClosedPipe {
			t.Errorf("write after the reader closed: %v, want io.ErrClosedPipe", err)
		}
		if _, err := r.Read(make([]byte, 1)); err != io.ErrClosedPipe {
			t.Errorf("read after close: %v", err)
		}
	})
}

// TestPipeDeadlock: a write nobody reads is a deadlock, reported, not a hang.
func TestPipeWriteWithoutReaderBlocks(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		_, w := simrt.Pipe()
		done := simrt.MakeChan[struct{}](0)
		simrt.Go(func() {
			w.Write([]byte("x"))
			simrt.Close(done)
		})
		switch simrt.Select(false, simrt.OnRecv(done), simrt.OnRecv(simrt.After(1e9))) {
		case 0:
			t.Error("a write with no reader returned")
		}
	})
}
