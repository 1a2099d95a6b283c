package simos

// This file is os.Pipe for simulated code. The pipe is a real one, so
// that its ends still work where they go to code that is not rewritten
// (os.Stdout = w, exec.Cmd), but inside a run reads and writes through
// the simulated ends never block for real: they try the system call
// without waiting, and when the pipe is empty (a read) or full (a write)
// the goroutine waits on the pipe's Event, which every read, write and
// close through a simulated end notifies. So a simulated goroutine that
// copies from the pipe while another writes to it (capturing output)
// runs under the scheduler instead of stopping the world in a real read.
//
// Invariant: once an end has gone to code that is not rewritten (OS, Fd,
// SyscallConn), data can move through the pipe without a notification,
// so the pipe is exported: its operations block for real from then on,
// as any real file's, and the waiters are woken to take that path.

import (
	"io"
	"io/fs"
	"os"
	"syscall"

	"simgen.dev/simgen/simrt"
)

// pipeLink is what the two simulated ends of a pipe made in a run share.
type pipeLink struct {
	ev       simrt.Event
	exported bool
}

// Pipe is os.Pipe: a connected pair of files, r reading what w writes.
//
//go:norace
func Pipe() (r, w *File, err error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	r, w = FromOS(pr), FromOS(pw)
	if simrt.Simulated() {
		l := &pipeLink{}
		r.pipe, w.pipe = l, l
	}
	return r, w, nil
}

// simPipe reports whether f's reads and writes go through the
// scheduler: an end of a pipe made in a run, not exported, and a run
// going on.
//
//go:norace
func (f *File) simPipe() bool {
	return f.pipe != nil && !f.pipe.exported && simrt.Simulated()
}

// export marks f's pipe as reachable by code that is not rewritten.
//
//go:norace
func (f *File) export() {
	if f != nil && f.pipe != nil && !f.pipe.exported {
		f.pipe.exported = true
		f.pipe.ev.Notify()
	}
}

// pipeIO runs one read or write system call on f's descriptor without
// waiting for it to be ready.
//
//go:norace
func (f *File) pipeIO(write bool, b []byte) (n int, err error) {
	rc, err := f.osf.SyscallConn()
	if err != nil {
		return 0, err
	}
	call := rc.Read
	if write {
		call = rc.Write
	}
	cerr := call(func(fd uintptr) bool {
		for {
			if write {
				n, err = syscall.Write(int(fd), b)
			} else {
				n, err = syscall.Read(int(fd), b)
			}
			if err != syscall.EINTR {
				return true
			}
		}
	})
	if cerr != nil {
		return 0, cerr // the file is closed
	}
	if n < 0 {
		n = 0
	}
	return n, err
}

// pipeRead is Read on a simulated pipe end.
//
//go:norace
func (f *File) pipeRead(b []byte) (int, error) {
	for {
		simrt.Yield()
		if !f.simPipe() {
			return f.osf.Read(b)
		}
		if len(b) == 0 {
			return 0, nil
		}
		n, err := f.pipeIO(false, b)
		switch {
		case err == syscall.EAGAIN:
			f.pipe.ev.Wait("pipe read")
			continue
		case err != nil:
			return n, f.osErr("read", err)
		case n == 0:
			return 0, io.EOF
		}
		f.pipe.ev.Notify() // room for writers
		return n, nil
	}
}

// pipeWrite is Write on a simulated pipe end: all of b, waiting for room
// as often as it takes, as os's Write does.
//
//go:norace
func (f *File) pipeWrite(b []byte) (int, error) {
	done := 0
	for {
		simrt.Yield()
		if !f.simPipe() {
			n, err := f.osf.Write(b[done:])
			return done + n, err
		}
		if done == len(b) {
			return done, nil
		}
		n, err := f.pipeIO(true, b[done:])
		done += n
		if n > 0 {
			f.pipe.ev.Notify() // data for readers
		}
		switch {
		case err == syscall.EAGAIN:
			f.pipe.ev.Wait("pipe write")
		case err != nil:
			return done, f.osErr("write", err)
		}
	}
}

// isSimPipe reports whether x is a simulated pipe end, which io.Copy
// must reach through its Read or Write, not the real file's.
//
//go:norace
func isSimPipe(x any) bool {
	f, ok := x.(*File)
	return ok && f.simPipe()
}

// osErr is the error os gives for a failed system call on f: a closed
// file's internal/poll error ("use of closed file") is os.ErrClosed.
//
//go:norace
func (f *File) osErr(op string, err error) error {
	if err.Error() == "use of closed file" {
		err = os.ErrClosed
	}
	return &fs.PathError{Op: op, Path: f.osf.Name(), Err: err}
}
