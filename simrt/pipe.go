package simrt

// This file is io.Pipe on the simulated scheduler (io/pipe.go is the
// model, translated to simulated channels and locks): a Write blocks until
// readers have consumed all of its data, reads and writes match one to one
// or split a write across reads, and Close or CloseWithError end both
// sides with Go's errors (io.EOF, io.ErrClosedPipe).
//
// Invariants: as in io/pipe.go, a successful receive on wrCh is always
// followed by a send on rdCh; wrMu serializes writes so a write's data is
// never interleaved with another's.

import (
	"io"
	"sync"
)

// onceError is an error that is set once (io/pipe.go's onceError).
type onceError struct {
	mu  sync.Mutex
	err error
}

//go:norace
func (a *onceError) Store(err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.err != nil {
		return
	}
	a.err = err
}

//go:norace
func (a *onceError) Load() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

type pipe struct {
	wrMu Mutex
	wrCh *Chan[[]byte]
	rdCh *Chan[int]
	once Once
	done *Chan[struct{}]
	rerr onceError
	werr onceError
}

//go:norace
func (p *pipe) read(b []byte) (n int, err error) {
	if Select(true, OnRecv(p.done)) == 0 {
		return 0, p.readCloseError()
	}
	bw := OnRecv(p.wrCh)
	switch Select(false, bw, OnRecv(p.done)) {
	case 0:
		nr := copy(b, bw.V)
		Send(p.rdCh, nr)
		return nr, nil
	default:
		return 0, p.readCloseError()
	}
}

//go:norace
func (p *pipe) closeRead(err error) error {
	if err == nil {
		err = io.ErrClosedPipe
	}
	p.rerr.Store(err)
	p.once.Do(func() { Close(p.done) })
	return nil
}

//go:norace
func (p *pipe) write(b []byte) (n int, err error) {
	if Select(true, OnRecv(p.done)) == 0 {
		return 0, p.writeCloseError()
	}
	p.wrMu.Lock()
	defer p.wrMu.Unlock()
	for once := true; once || len(b) > 0; once = false {
		switch Select(false, OnSend(p.wrCh, b), OnRecv(p.done)) {
		case 0:
			nw := Recv(p.rdCh)
			b = b[nw:]
			n += nw
		default:
			return n, p.writeCloseError()
		}
	}
	return n, nil
}

//go:norace
func (p *pipe) closeWrite(err error) error {
	if err == nil {
		err = io.EOF
	}
	p.werr.Store(err)
	p.once.Do(func() { Close(p.done) })
	return nil
}

//go:norace
func (p *pipe) readCloseError() error {
	rerr := p.rerr.Load()
	if werr := p.werr.Load(); rerr == nil && werr != nil {
		return werr
	}
	return io.ErrClosedPipe
}

//go:norace
func (p *pipe) writeCloseError() error {
	werr := p.werr.Load()
	if rerr := p.rerr.Load(); werr == nil && rerr != nil {
		return rerr
	}
	return io.ErrClosedPipe
}

// PipeReader is io.PipeReader on the simulated scheduler.
type PipeReader struct{ pipe }

// Read implements io.Reader: it blocks until a writer arrives or the write
// end is closed.
//
//go:norace
func (r *PipeReader) Read(data []byte) (n int, err error) { return r.pipe.read(data) }

// Close closes the reader; writes then fail with io.ErrClosedPipe.
//
//go:norace
func (r *PipeReader) Close() error { return r.CloseWithError(nil) }

// CloseWithError closes the reader; writes then fail with err.
//
//go:norace
func (r *PipeReader) CloseWithError(err error) error { return r.pipe.closeRead(err) }

// PipeWriter is io.PipeWriter on the simulated scheduler.
type PipeWriter struct{ r PipeReader }

// Write implements io.Writer: it blocks until readers have consumed all of
// data or the read end is closed.
//
//go:norace
func (w *PipeWriter) Write(data []byte) (n int, err error) { return w.r.pipe.write(data) }

// Close closes the writer; reads then return io.EOF.
//
//go:norace
func (w *PipeWriter) Close() error { return w.CloseWithError(nil) }

// CloseWithError closes the writer; reads then return err.
//
//go:norace
func (w *PipeWriter) CloseWithError(err error) error { return w.r.pipe.closeWrite(err) }

// Pipe is io.Pipe on the simulated scheduler.
//
//go:norace
func Pipe() (*PipeReader, *PipeWriter) {
	pw := &PipeWriter{r: PipeReader{pipe: pipe{
		wrCh: MakeChan[[]byte](0),
		rdCh: MakeChan[int](0),
		done: MakeChan[struct{}](0),
	}}}
	return &pw.r, pw
}
