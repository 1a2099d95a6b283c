package simos

// This file is File, the *os.File of simulated code: either a real file
// (the host's, or one that came from code that is not rewritten, through
// FromOS) whose every method is os's own, or an open file of a node's disk
// whose methods follow os's semantics and error values on Linux.
//
// Invariants:
//   - Exactly one of osf and disk is set (or neither, for a nil *File).
//     owner is set only with osf, for a host device a node opened.
//   - FromOS returns one *File per *os.File for as long as the *File is
//     not closed through simos, so == keeps its meaning across the
//     boundary with code that is not rewritten.
//   - A node's file, and a device it opened, is in its disk's open set
//     until it is closed; a crash closes every file in the set.
//   - Every method on a node's file that touches the disk takes its
//     scheduling point first, then checks that the file is still open
//     (a crash may have come during the point).

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"sort"
	"sync"
	"syscall"
	"time"

	"simgen.dev/simgen/simrt"
)

// File is *os.File for simulated code: a real file, or a file on a node's
// disk. The zero value is not usable; a nil *File behaves as a nil
// *os.File (methods fail with os.ErrInvalid).
type File struct {
	osf   *os.File // the real file, or nil for a node's file
	owner *disk    // for a real file a node opened (a device): the disk whose crash closes it

	name   string
	disk   *disk
	ino    *inode
	flag   int
	off    int64
	closed bool       // by Close, or by the node's crash
	dir    *dirCursor // a directory's listing in progress
	pipe   *pipeLink  // for an end of a pipe made by Pipe in a run (pipe.go)
}

// dirCursor is a directory listing taken at the first read of it.
type dirCursor struct {
	names []string
	kids  []*inode
	pos   int
}

var wrapped struct {
	sync.Mutex
	m map[*os.File]*File
}

// FromOS returns the *File for a real file: the same *File for the same
// *os.File until it is closed through the *File, nil for nil. Rewritten
// code calls it where an *os.File comes from code that is not rewritten
// (os.Stdout, os.Pipe, exec.Cmd...).
//
//go:norace
func FromOS(f *os.File) *File {
	if f == nil {
		return nil
	}
	var w *File
	// On the simrt thread under -race: the map is the thread's, and the
	// lock orders nothing between the program's goroutines.
	simrt.Upcall(func() {
		wrapped.Lock()
		defer wrapped.Unlock()
		if w = wrapped.m[f]; w != nil {
			return
		}
		if wrapped.m == nil {
			wrapped.m = map[*os.File]*File{}
		}
		w = &File{osf: f}
		wrapped.m[f] = w
	})
	return w
}

// OS returns the real file behind f: the *os.File FromOS wrapped, or the
// host file simos opened; nil for a file on a node's disk (and for nil).
// Rewritten code calls it where a *File goes to code that is not
// rewritten.
//
//go:norace
func (f *File) OS() *os.File {
	if f == nil {
		return nil
	}
	f.export()
	return f.osf
}

//go:norace
func forget(f *os.File) {
	simrt.Upcall(func() { // as in FromOS
		wrapped.Lock()
		delete(wrapped.m, f)
		wrapped.Unlock()
	})
}

// errUseOfClosed is the text os gives, unwrapped from internal/poll, for
// deadlines and directory reads on a closed file.
var errUseOfClosed = errors.New("use of closed file")

// errWriteAtInAppendMode is os's error for WriteAt on an O_APPEND file.
var errWriteAtInAppendMode = errors.New("os: invalid use of WriteAt on file opened with O_APPEND")

//go:norace
func (f *File) pathErr(op string, err error) error {
	return &fs.PathError{Op: op, Path: f.name, Err: err}
}

// enter is the start of an operation on a node's file that touches the
// disk: the scheduling point, then the check that f is still open.
//
//go:norace
func (f *File) enter(op string) error {
	simrt.Yield()
	return f.check(op)
}

//go:norace
func (f *File) check(op string) error {
	if f.closed {
		return f.pathErr(op, os.ErrClosed)
	}
	return nil
}

//go:norace
func (f *File) acc() int { return f.flag & (os.O_RDONLY | os.O_WRONLY | os.O_RDWR) }

//go:norace
func (f *File) readable() bool { return f.acc() != os.O_WRONLY }

//go:norace
func (f *File) writable() bool { return f.acc() != os.O_RDONLY && !f.ino.isDir() }

//go:norace
func (f *File) syncWrites() bool {
	return f.flag&os.O_SYNC != 0 || f.disk.durableWrites()
}

// Name returns the name of the file as presented to Open.
//
//go:norace
func (f *File) Name() string {
	if f.osf != nil {
		return f.osf.Name()
	}
	return f.name
}

// Read reads up to len(b) bytes from the file; at end of file it returns
// 0, io.EOF.
//
// Under -race it is instrumented and never inlined, as simrt.Send is: its
// entry records the caller's line, where the detector reports a race on
// b. It touches nothing but its arguments.
//
//go:noinline
func (f *File) Read(b []byte) (int, error) { return f.read(b) }

//go:norace
func (f *File) read(b []byte) (int, error) {
	if f == nil {
		return 0, os.ErrInvalid
	}
	if f.simPipe() {
		return f.pipeRead(b)
	}
	if f.osf != nil {
		return f.osf.Read(b)
	}
	if err := f.enter("read"); err != nil {
		return 0, err
	}
	n, err := f.pread(b, f.off)
	f.off += int64(n)
	return n, err
}

// pread is one read at off, as the system call does it.
//
//go:norace
func (f *File) pread(b []byte, off int64) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	if !f.readable() {
		return 0, f.pathErr("read", syscall.EBADF)
	}
	if f.ino.isDir() {
		return 0, f.pathErr("read", syscall.EISDIR)
	}
	if off >= int64(len(f.ino.data)) {
		simrt.IORead() // pread(2) returns 0: syscall.Pread's edge
		return 0, io.EOF
	}
	n := simrt.CopyBytes(b, f.ino.data[off:])
	simrt.IOReadInto(b[:n]) // syscall.Pread's record of the bytes read, then its edge
	simrt.IORead()
	return n, nil
}

// ReadAt reads len(b) bytes from the file starting at byte offset off.
// It returns a non-nil error when n < len(b); at end of file, io.EOF.
//
// Instrumented under -race as Read is.
//
//go:noinline
func (f *File) ReadAt(b []byte, off int64) (int, error) { return f.readAt(b, off) }

//go:norace
func (f *File) readAt(b []byte, off int64) (int, error) {
	if f == nil {
		return 0, os.ErrInvalid
	}
	if f.osf != nil {
		return f.osf.ReadAt(b, off)
	}
	if off < 0 {
		return 0, f.pathErr("readat", errors.New("negative offset"))
	}
	if len(b) == 0 {
		return 0, nil
	}
	if err := f.enter("read"); err != nil {
		return 0, err
	}
	n := 0
	for len(b) > 0 {
		m, err := f.pread(b, off)
		if err != nil {
			return n, err
		}
		n += m
		b = b[m:]
		off += int64(m)
	}
	return n, nil
}

// Write writes len(b) bytes to the file (at its end under O_APPEND).
//
// Instrumented under -race as Read is.
//
//go:noinline
func (f *File) Write(b []byte) (int, error) { return f.write(b) }

//go:norace
func (f *File) write(b []byte) (int, error) {
	if f == nil {
		return 0, os.ErrInvalid
	}
	if f.simPipe() {
		return f.pipeWrite(b)
	}
	if f.osf != nil {
		return f.osf.Write(b)
	}
	if err := f.enter("write"); err != nil {
		return 0, err
	}
	off := f.off
	if f.flag&os.O_APPEND != 0 && f.writable() {
		off = int64(len(f.ino.data))
	}
	n, err := f.pwrite(b, off)
	f.off = off + int64(n)
	return n, err
}

// pwrite is one write at off, as the system call does it, with the
// node's injected faults.
//
//go:norace
func (f *File) pwrite(b []byte, off int64) (int, error) {
	if !f.writable() {
		return 0, f.pathErr("write", syscall.EBADF)
	}
	simrt.IOWrite() // syscall.Pwrite's edge: before every later read of bytes
	if len(b) == 0 {
		return 0, nil
	}
	if f.disk.inject(f.disk.faults().WriteErrRate, "write", f.name) {
		return 0, f.pathErr("write", syscall.EIO)
	}
	f.disk.writeAt(f.ino, b, off, f.syncWrites())
	simrt.IOWroteFrom(b) // syscall.Pwrite's record of the bytes it took
	return len(b), nil
}

// WriteAt writes len(b) bytes to the file starting at byte offset off. It
// fails on a file opened with O_APPEND, as os's does.
//
// Instrumented under -race as Read is.
//
//go:noinline
func (f *File) WriteAt(b []byte, off int64) (int, error) { return f.writeAt(b, off) }

//go:norace
func (f *File) writeAt(b []byte, off int64) (int, error) {
	if f == nil {
		return 0, os.ErrInvalid
	}
	if f.osf != nil {
		return f.osf.WriteAt(b, off)
	}
	if f.flag&os.O_APPEND != 0 {
		return 0, errWriteAtInAppendMode
	}
	if off < 0 {
		return 0, f.pathErr("writeat", errors.New("negative offset"))
	}
	if len(b) == 0 {
		return 0, nil
	}
	if err := f.enter("write"); err != nil {
		return 0, err
	}
	return f.pwrite(b, off)
}

// WriteString is like Write, with the contents of s.
//
//go:norace
func (f *File) WriteString(s string) (int, error) {
	if f != nil && f.osf != nil && !f.simPipe() {
		return f.osf.WriteString(s)
	}
	return f.Write([]byte(s))
}

// onlyWriter and onlyReader hide a File's ReadFrom and WriteTo from
// io.Copy, which would call them back.
type onlyWriter struct{ io.Writer }
type onlyReader struct{ io.Reader }

// ReadFrom implements io.ReaderFrom: it copies r to the file.
//
//go:norace
func (f *File) ReadFrom(r io.Reader) (int64, error) {
	if f == nil {
		return 0, os.ErrInvalid
	}
	if f.osf != nil && !f.simPipe() && !isSimPipe(r) {
		if sf, ok := r.(*File); ok && sf != nil && sf.osf != nil {
			r = sf.osf // lets os use copy_file_range or splice
		}
		return f.osf.ReadFrom(r)
	}
	return io.Copy(onlyWriter{f}, r)
}

// WriteTo implements io.WriterTo: it copies the file to w.
//
//go:norace
func (f *File) WriteTo(w io.Writer) (int64, error) {
	if f == nil {
		return 0, os.ErrInvalid
	}
	if f.osf != nil && !f.simPipe() && !isSimPipe(w) {
		if sf, ok := w.(*File); ok && sf != nil && sf.osf != nil {
			w = sf.osf
		}
		return f.osf.WriteTo(w)
	}
	return io.Copy(w, onlyReader{f})
}

// Seek sets the offset for the next Read or Write: relative to the start
// (io.SeekStart), the current offset (io.SeekCurrent) or the end
// (io.SeekEnd). On a directory it restarts the listing.
//
//go:norace
func (f *File) Seek(offset int64, whence int) (int64, error) {
	if f == nil {
		return 0, os.ErrInvalid
	}
	if f.osf != nil {
		return f.osf.Seek(offset, whence)
	}
	if err := f.check("seek"); err != nil {
		return 0, err
	}
	var base int64
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		base = f.off
	case io.SeekEnd:
		base = f.ino.size()
	default:
		return 0, f.pathErr("seek", syscall.EINVAL)
	}
	r := base + offset
	if r < 0 || (offset > 0 && r < base) {
		return 0, f.pathErr("seek", syscall.EINVAL)
	}
	if f.ino.isDir() {
		f.dir = nil // as os does: the listing starts again
	}
	f.off = r
	return r, nil
}

// Close closes the file. Closing it again fails with os.ErrClosed.
//
//go:norace
func (f *File) Close() error {
	if f == nil {
		return os.ErrInvalid
	}
	if f.osf != nil {
		forget(f.osf)
		if f.owner != nil {
			mdel(f.owner.open, f)
		}
		err := f.osf.Close()
		if f.pipe != nil && simrt.Simulated() {
			f.pipe.ev.Notify() // end of file, or a broken pipe, for the other end
		}
		return err
	}
	if f.closed {
		return f.pathErr("close", os.ErrClosed)
	}
	f.closed = true
	mdel(f.disk.open, f)
	return nil
}

// Stat returns the FileInfo describing the file.
//
//go:norace
func (f *File) Stat() (fs.FileInfo, error) {
	if f == nil {
		return nil, os.ErrInvalid
	}
	if f.osf != nil {
		return f.osf.Stat()
	}
	if err := f.enter("stat"); err != nil {
		return nil, err
	}
	return infoOf(basename(f.name), f.ino), nil
}

// Sync commits the file's content to stable storage: a crash of the node
// no longer loses what was written before it.
//
//go:norace
func (f *File) Sync() error {
	if f == nil {
		return os.ErrInvalid
	}
	if f.osf != nil {
		return f.osf.Sync()
	}
	if err := f.enter("sync"); err != nil {
		return err
	}
	if !f.ino.isRegular() {
		return nil
	}
	if f.disk.inject(f.disk.faults().SyncErrRate, "sync", f.name) {
		return f.pathErr("sync", syscall.EIO)
	}
	f.disk.sync(f.ino)
	return nil
}

// Truncate changes the size of the file; it does not change the offset.
//
//go:norace
func (f *File) Truncate(size int64) error {
	if f == nil {
		return os.ErrInvalid
	}
	if f.osf != nil {
		return f.osf.Truncate(size)
	}
	if err := f.enter("truncate"); err != nil {
		return err
	}
	if size < 0 || !f.writable() {
		return f.pathErr("truncate", syscall.EINVAL)
	}
	f.disk.truncate(f.ino, size, f.syncWrites())
	return nil
}

// Chmod changes the mode of the file.
//
//go:norace
func (f *File) Chmod(mode fs.FileMode) error {
	if f == nil {
		return os.ErrInvalid
	}
	if f.osf != nil {
		return f.osf.Chmod(mode)
	}
	if err := f.enter("chmod"); err != nil {
		return err
	}
	chmod(f.ino, mode)
	return nil
}

// Chown changes the numeric uid and gid of the file. A node runs as
// root and keeps no owners: on a node's file it only checks the file is
// open.
//
//go:norace
func (f *File) Chown(uid, gid int) error {
	if f == nil {
		return os.ErrInvalid
	}
	if f.osf != nil {
		return f.osf.Chown(uid, gid)
	}
	return f.enter("chown")
}

// Chdir changes the working directory to the file, which must be a
// directory: the process's for a real file, the node's for a node's.
//
//go:norace
func (f *File) Chdir() error {
	if f == nil {
		return os.ErrInvalid
	}
	if f.osf != nil {
		return f.osf.Chdir()
	}
	if err := f.enter("chdir"); err != nil {
		return err
	}
	if !f.ino.isDir() {
		return f.pathErr("chdir", syscall.ENOTDIR)
	}
	p := f.disk.pathOf(f.ino)
	if p == "" {
		return f.pathErr("chdir", syscall.ENOENT)
	}
	f.disk.cwd = p
	return nil
}

// Fd returns the file descriptor of a real file. A node's file has none:
// its Fd is ^uintptr(0), which os gives for a closed file.
//
//go:norace
func (f *File) Fd() uintptr {
	if f == nil || f.osf == nil {
		return ^uintptr(0)
	}
	f.export()
	return f.osf.Fd()
}

// SyscallConn returns a raw connection to a real file. A node's file has
// none: errors.ErrUnsupported.
//
//go:norace
func (f *File) SyscallConn() (syscall.RawConn, error) {
	if f == nil {
		return nil, os.ErrInvalid
	}
	if f.osf != nil {
		f.export()
		return f.osf.SyscallConn()
	}
	return nil, f.pathErr("SyscallConn", errors.ErrUnsupported)
}

// SetDeadline sets the read and write deadlines of a real file; a node's
// files, being regular files, support none (os.ErrNoDeadline).
//
//go:norace
func (f *File) SetDeadline(t time.Time) error {
	if f == nil {
		return os.ErrInvalid
	}
	if f.osf != nil {
		return f.osf.SetDeadline(t)
	}
	return f.noDeadline()
}

// SetReadDeadline sets the read deadline of a real file; see SetDeadline.
//
//go:norace
func (f *File) SetReadDeadline(t time.Time) error {
	if f == nil {
		return os.ErrInvalid
	}
	if f.osf != nil {
		return f.osf.SetReadDeadline(t)
	}
	return f.noDeadline()
}

// SetWriteDeadline sets the write deadline of a real file; see
// SetDeadline.
//
//go:norace
func (f *File) SetWriteDeadline(t time.Time) error {
	if f == nil {
		return os.ErrInvalid
	}
	if f.osf != nil {
		return f.osf.SetWriteDeadline(t)
	}
	return f.noDeadline()
}

//go:norace
func (f *File) noDeadline() error {
	if f.closed {
		return errUseOfClosed
	}
	return os.ErrNoDeadline
}

// ReadDir reads the directory's entries in directory order (sorted by
// name on a node's disk): at most n of them when n > 0, with io.EOF at
// the end; all the rest when n <= 0.
//
//go:norace
func (f *File) ReadDir(n int) ([]fs.DirEntry, error) {
	if f == nil {
		return nil, os.ErrInvalid
	}
	if f.osf != nil {
		return f.osf.ReadDir(n)
	}
	names, kids, err := f.readdir(n)
	out := make([]fs.DirEntry, len(names))
	for i := range names {
		out[i] = dirEntry{name: names[i], ino: kids[i]}
	}
	return out, err
}

// Readdir reads the directory's entries as FileInfos, as ReadDir does.
//
//go:norace
func (f *File) Readdir(n int) ([]fs.FileInfo, error) {
	if f == nil {
		return nil, os.ErrInvalid
	}
	if f.osf != nil {
		return f.osf.Readdir(n)
	}
	names, kids, err := f.readdir(n)
	out := make([]fs.FileInfo, len(names))
	for i := range names {
		out[i] = infoOf(names[i], kids[i])
	}
	return out, err
}

// Readdirnames reads the directory's entry names, as ReadDir does.
//
//go:norace
func (f *File) Readdirnames(n int) ([]string, error) {
	if f == nil {
		return nil, os.ErrInvalid
	}
	if f.osf != nil {
		return f.osf.Readdirnames(n)
	}
	names, _, err := f.readdir(n)
	if names == nil {
		names = []string{}
	}
	return names, err
}

//go:norace
func (f *File) readdir(n int) ([]string, []*inode, error) {
	simrt.Yield()
	if f.closed {
		return nil, nil, f.pathErr("readdirent", errUseOfClosed)
	}
	if !f.ino.isDir() {
		return nil, nil, f.pathErr("readdirent", syscall.ENOTDIR)
	}
	if f.dir == nil {
		f.disk.completeDir(f.ino)
		c := &dirCursor{}
		c.names = mkeys(f.ino.kids)
		sort.Strings(c.names)
		c.kids = make([]*inode, len(c.names))
		for i, name := range c.names {
			c.kids[i], _ = mget(f.ino.kids, name)
		}
		f.dir = c
	}
	c := f.dir
	rest := len(c.names) - c.pos
	if n > 0 && rest == 0 {
		return nil, nil, io.EOF
	}
	if n <= 0 || n > rest {
		n = rest
	}
	names, kids := c.names[c.pos:c.pos+n], c.kids[c.pos:c.pos+n]
	c.pos += n
	return names, kids, nil
}
