// pipe.go is net.Pipe (net/pipe.go is the model, translated to simulated
// channels, locks and timers): a synchronous, in-memory, full-duplex
// connection whose deadlines run on the virtual clock and fail with
// os.ErrDeadlineExceeded, as net's do.
//
// Invariants: as in net/pipe.go, a successful receive on rdRx is always
// followed by a send on rdTx; wrMu serializes writes.

package simnet

import (
	"io"
	"net"
	"os"
	"time"

	"simgen.dev/simgen/simrt"
)

// pipeDeadline signals a timeout by closing cancel.
type pipeDeadline struct {
	mu     simrt.Mutex
	timer  *simrt.Timer
	cancel *simrt.Chan[struct{}]
}

//go:norace
func makePipeDeadline() pipeDeadline {
	return pipeDeadline{cancel: simrt.MakeChan[struct{}](0)}
}

//go:norace
func (d *pipeDeadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil && !d.timer.Stop() {
		simrt.Recv(d.cancel) // wait for the timer's goroutine to close cancel
	}
	d.timer = nil
	closed := isClosed(d.cancel)
	if t.IsZero() {
		if closed {
			d.cancel = simrt.MakeChan[struct{}](0)
		}
		return
	}
	if dur := simrt.Until(t); dur > 0 {
		if closed {
			d.cancel = simrt.MakeChan[struct{}](0)
		}
		c := d.cancel
		d.timer = simrt.AfterFunc(dur, func() { simrt.Close(c) })
		return
	}
	if !closed {
		simrt.Close(d.cancel)
	}
}

//go:norace
func (d *pipeDeadline) wait() *simrt.Chan[struct{}] {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cancel
}

//go:norace
func isClosed(c *simrt.Chan[struct{}]) bool {
	return simrt.Select(true, simrt.OnRecv(c)) == 0
}

type pipeAddr struct{}

//go:norace
func (pipeAddr) Network() string { return "pipe" }

//go:norace
func (pipeAddr) String() string { return "pipe" }

type pipe struct {
	wrMu simrt.Mutex

	rdRx *simrt.Chan[[]byte]
	rdTx *simrt.Chan[int]
	wrTx *simrt.Chan[[]byte]
	wrRx *simrt.Chan[int]

	once       simrt.Once
	localDone  *simrt.Chan[struct{}]
	remoteDone *simrt.Chan[struct{}]

	readDeadline  pipeDeadline
	writeDeadline pipeDeadline
}

// Pipe is net.Pipe on the simulated scheduler.
//
//go:norace
func Pipe() (net.Conn, net.Conn) {
	cb1 := simrt.MakeChan[[]byte](0)
	cb2 := simrt.MakeChan[[]byte](0)
	cn1 := simrt.MakeChan[int](0)
	cn2 := simrt.MakeChan[int](0)
	done1 := simrt.MakeChan[struct{}](0)
	done2 := simrt.MakeChan[struct{}](0)
	p1 := &pipe{
		rdRx: cb1, rdTx: cn1,
		wrTx: cb2, wrRx: cn2,
		localDone: done1, remoteDone: done2,
		readDeadline:  makePipeDeadline(),
		writeDeadline: makePipeDeadline(),
	}
	p2 := &pipe{
		rdRx: cb2, rdTx: cn2,
		wrTx: cb1, wrRx: cn1,
		localDone: done2, remoteDone: done1,
		readDeadline:  makePipeDeadline(),
		writeDeadline: makePipeDeadline(),
	}
	return p1, p2
}

//go:norace
func (*pipe) LocalAddr() net.Addr { return pipeAddr{} }

//go:norace
func (*pipe) RemoteAddr() net.Addr { return pipeAddr{} }

//go:norace
func (p *pipe) Read(b []byte) (int, error) {
	n, err := p.read(b)
	if err != nil && err != io.EOF && err != io.ErrClosedPipe {
		err = &net.OpError{Op: "read", Net: "pipe", Err: err}
	}
	return n, err
}

//go:norace
func (p *pipe) read(b []byte) (n int, err error) {
	switch {
	case isClosed(p.localDone):
		return 0, io.ErrClosedPipe
	case isClosed(p.remoteDone):
		return 0, io.EOF
	case isClosed(p.readDeadline.wait()):
		return 0, os.ErrDeadlineExceeded
	}
	bw := simrt.OnRecv(p.rdRx)
	switch simrt.Select(false, bw, simrt.OnRecv(p.localDone), simrt.OnRecv(p.remoteDone), simrt.OnRecv(p.readDeadline.wait())) {
	case 0:
		nr := copy(b, bw.V)
		simrt.Send(p.rdTx, nr)
		return nr, nil
	case 1:
		return 0, io.ErrClosedPipe
	case 2:
		return 0, io.EOF
	default:
		return 0, os.ErrDeadlineExceeded
	}
}

//go:norace
func (p *pipe) Write(b []byte) (int, error) {
	n, err := p.write(b)
	if err != nil && err != io.ErrClosedPipe {
		err = &net.OpError{Op: "write", Net: "pipe", Err: err}
	}
	return n, err
}

//go:norace
func (p *pipe) write(b []byte) (n int, err error) {
	switch {
	case isClosed(p.localDone):
		return 0, io.ErrClosedPipe
	case isClosed(p.remoteDone):
		return 0, io.ErrClosedPipe
	case isClosed(p.writeDeadline.wait()):
		return 0, os.ErrDeadlineExceeded
	}
	p.wrMu.Lock()
	defer p.wrMu.Unlock()
	for once := true; once || len(b) > 0; once = false {
		switch simrt.Select(false, simrt.OnSend(p.wrTx, b), simrt.OnRecv(p.localDone), simrt.OnRecv(p.remoteDone), simrt.OnRecv(p.writeDeadline.wait())) {
		case 0:
			nw := simrt.Recv(p.wrRx)
			b = b[nw:]
			n += nw
		case 1, 2:
			return n, io.ErrClosedPipe
		default:
			return n, os.ErrDeadlineExceeded
		}
	}
	return n, nil
}

//go:norace
func (p *pipe) SetDeadline(t time.Time) error {
	if isClosed(p.localDone) || isClosed(p.remoteDone) {
		return io.ErrClosedPipe
	}
	p.readDeadline.set(t)
	p.writeDeadline.set(t)
	return nil
}

//go:norace
func (p *pipe) SetReadDeadline(t time.Time) error {
	if isClosed(p.localDone) || isClosed(p.remoteDone) {
		return io.ErrClosedPipe
	}
	p.readDeadline.set(t)
	return nil
}

//go:norace
func (p *pipe) SetWriteDeadline(t time.Time) error {
	if isClosed(p.localDone) || isClosed(p.remoteDone) {
		return io.ErrClosedPipe
	}
	p.writeDeadline.set(t)
	return nil
}

//go:norace
func (p *pipe) Close() error {
	p.once.Do(func() { simrt.Close(p.localDone) })
	return nil
}
