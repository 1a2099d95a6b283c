package simos

// This file is the functions of package os that take a path, routed by
// the calling goroutine: os itself on the host, the node's disk on a
// node. Each has os's signature, with *File for *os.File, and os's error
// values on Linux (the *fs.PathError or *os.LinkError with os's Op and the
// errno the system call would give).
//
// Invariants: a node's operation takes its scheduling point first, then
// resolves its path (the disk may have changed during the point), then
// acts with no other point in between. Operations built from others
// (ReadFile, MkdirAll, RemoveAll, ...) follow os's own algorithm step for
// step, so their errors are os's.

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"syscall"
	"time"

	"simgen.dev/simgen/simrt"
)

// target is where an operation goes: a node's disk, or the real file
// system when d is nil.
type target struct{ d *disk }

// here is the running goroutine's target.
//
//go:norace
func here() target { return target{current()} }

//go:norace
func pathErr(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

// Create creates or truncates the named file, with mode 0o666 (before
// umask), opened for reading and writing.
//
//go:norace
func Create(name string) (*File, error) {
	return here().openFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

// Open opens the named file for reading.
//
//go:norace
func Open(name string) (*File, error) {
	return here().openFile(name, os.O_RDONLY, 0)
}

// OpenFile opens the named file with the flags (os.O_RDONLY, ...) and,
// when it creates the file, the mode perm (before umask).
//
//go:norace
func OpenFile(name string, flag int, perm fs.FileMode) (*File, error) {
	return here().openFile(name, flag, perm)
}

//go:norace
func (t target) openFile(name string, flag int, perm fs.FileMode) (*File, error) {
	if t.d == nil {
		f, err := os.OpenFile(name, flag, perm)
		return FromOS(f), err
	}
	return t.d.openFile(name, flag, perm)
}

//go:norace
func (d *disk) openFile(name string, flag int, perm fs.FileMode) (*File, error) {
	simrt.Yield()
	excl := flag&(os.O_CREATE|os.O_EXCL) == os.O_CREATE|os.O_EXCL
	r, err := d.resolve(name, !excl)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	n := r.node
	switch {
	case n == nil:
		if flag&os.O_CREATE == 0 {
			return nil, pathErr("open", name, syscall.ENOENT)
		}
		if r.slash {
			return nil, pathErr("open", name, syscall.EISDIR)
		}
		d.completeDir(r.dir)
		n = d.newInode(createMode(0, perm))
		d.link(r.dir, r.base, n)
		touch(r.dir)
	case excl:
		return nil, pathErr("open", name, syscall.EEXIST)
	case n.isDir():
		if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC) != 0 {
			return nil, pathErr("open", name, syscall.EISDIR)
		}
	case n.special():
		osf, err := os.OpenFile(n.lower, flag, perm)
		if err != nil {
			if pe, ok := err.(*fs.PathError); ok {
				pe.Path = name
			}
			return nil, err
		}
		f := FromOS(osf)
		f.owner = d
		mset(d.open, f, struct{}{})
		return f, nil
	default:
		if err := d.load(n); err != nil {
			return nil, pathErr("open", name, err)
		}
		if flag&os.O_TRUNC != 0 {
			d.truncate(n, 0, flag&os.O_SYNC != 0 || d.durableWrites())
		}
	}
	f := &File{name: name, disk: d, ino: n, flag: flag}
	mset(d.open, f, struct{}{})
	return f, nil
}

// ReadFile reads the named file and returns its contents.
//
//go:norace
func ReadFile(name string) ([]byte, error) { return here().readFile(name) }

//go:norace
func (t target) readFile(name string) ([]byte, error) {
	if t.d == nil {
		return os.ReadFile(name)
	}
	f, err := t.openFile(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := 0
	if fi, err := f.Stat(); err == nil {
		size = int(fi.Size())
	}
	data := make([]byte, 0, max(size+1, 512))
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return data, err
		}
		if len(data) >= cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}

// WriteFile writes data to the named file, creating it with perm (before
// umask) if needed and truncating it otherwise. It does not sync: on a
// node, a crash may lose the data (see the package doc). Instrumented under
// -race as File.Read is, for a race on data.
//
//go:noinline
func WriteFile(name string, data []byte, perm fs.FileMode) error { return writeFile(name, data, perm) }

//go:norace
func writeFile(name string, data []byte, perm fs.FileMode) error {
	t := here()
	if t.d == nil {
		return os.WriteFile(name, data, perm)
	}
	f, err := t.openFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	_, err = f.write(data)
	if err1 := f.Close(); err1 != nil && err == nil {
		err = err1
	}
	return err
}

// Mkdir creates a directory with perm (before umask).
//
//go:norace
func Mkdir(name string, perm fs.FileMode) error { return here().mkdir(name, perm) }

//go:norace
func (t target) mkdir(name string, perm fs.FileMode) error {
	if t.d == nil {
		return os.Mkdir(name, perm)
	}
	d := t.d
	simrt.Yield()
	r, err := d.resolve(name, false)
	if err != nil {
		return pathErr("mkdir", name, err)
	}
	if r.node != nil {
		return pathErr("mkdir", name, syscall.EEXIST)
	}
	d.completeDir(r.dir)
	d.link(r.dir, r.base, d.newInode(createMode(fs.ModeDir, perm)))
	touch(r.dir)
	return nil
}

// MkdirAll creates a directory and any missing parents, with perm
// (before umask); nil if path is a directory already.
//
//go:norace
func MkdirAll(path string, perm fs.FileMode) error { return here().mkdirAll(path, perm) }

//go:norace
func (t target) mkdirAll(path string, perm fs.FileMode) error {
	if t.d == nil {
		return os.MkdirAll(path, perm)
	}
	// os.MkdirAll, step for step.
	dir, err := t.stat(path, true)
	if err == nil {
		if dir.IsDir() {
			return nil
		}
		return pathErr("mkdir", path, syscall.ENOTDIR)
	}
	i := len(path) - 1
	for i >= 0 && os.IsPathSeparator(path[i]) {
		i--
	}
	for i >= 0 && !os.IsPathSeparator(path[i]) {
		i--
	}
	if i < 0 {
		i = 0
	}
	if parent := path[:i]; len(parent) > 0 {
		if err := t.mkdirAll(parent, perm); err != nil {
			return err
		}
	}
	if err := t.mkdir(path, perm); err != nil {
		if dir, err1 := t.stat(path, false); err1 == nil && dir.IsDir() {
			return nil
		}
		return err
	}
	return nil
}

// Remove removes the named file or empty directory.
//
//go:norace
func Remove(name string) error { return here().remove(name) }

//go:norace
func (t target) remove(name string) error {
	if t.d == nil {
		return os.Remove(name)
	}
	d := t.d
	simrt.Yield()
	r, err := d.resolve(name, false)
	if err != nil {
		return pathErr("remove", name, err)
	}
	n := r.node
	switch {
	case n == nil:
		return pathErr("remove", name, syscall.ENOENT)
	case n == d.root:
		return pathErr("remove", name, syscall.EBUSY)
	case r.base == ".":
		return pathErr("remove", name, syscall.EINVAL)
	case r.base == "..":
		return pathErr("remove", name, syscall.ENOTEMPTY)
	case n.isDir():
		d.completeDir(n)
		if len(n.kids) > 0 {
			return pathErr("remove", name, syscall.ENOTEMPTY)
		}
	}
	d.completeDir(r.dir)
	d.unlink(n)
	touch(r.dir)
	return nil
}

// RemoveAll removes path and everything it contains; nil if path does
// not exist.
//
//go:norace
func RemoveAll(path string) error { return here().removeAll(path) }

//go:norace
func (t target) removeAll(path string) error {
	if t.d == nil {
		return os.RemoveAll(path)
	}
	if path == "" {
		return nil
	}
	if endsWithDot(path) {
		return pathErr("RemoveAll", path, syscall.EINVAL)
	}
	err := t.remove(path)
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	d := t.d
	r, rerr := d.resolve(path, false)
	if rerr != nil {
		if rerr == syscall.ENOENT {
			return nil
		}
		return pathErr("unlinkat", path, rerr)
	}
	if r.node == nil {
		return nil
	}
	if !r.node.isDir() || r.node == d.root {
		return err
	}
	d.removeTree(r.node)
	touch(r.dir)
	return nil
}

//go:norace
func (d *disk) removeTree(n *inode) {
	if n.isDir() {
		d.completeDir(n)
		names := mkeys(n.kids)
		sort.Strings(names)
		for _, name := range names {
			k, _ := mget(n.kids, name)
			d.removeTree(k)
		}
	}
	d.unlink(n)
}

// endsWithDot is os's: whether the final element of path is ".".
//
//go:norace
func endsWithDot(path string) bool {
	if path == "." {
		return true
	}
	if len(path) >= 2 && path[len(path)-1] == '.' && os.IsPathSeparator(path[len(path)-2]) {
		return true
	}
	return false
}

// Rename renames (moves) oldpath to newpath, replacing a file (or an
// empty directory, for a directory) at newpath. Errors are *os.LinkError.
//
//go:norace
func Rename(oldpath, newpath string) error { return here().rename(oldpath, newpath) }

//go:norace
func (t target) rename(oldpath, newpath string) error {
	if t.d == nil {
		return os.Rename(oldpath, newpath)
	}
	d := t.d
	simrt.Yield()
	lerr := func(err error) error { return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err} }
	ro, err := d.resolve(oldpath, false)
	if err == nil && ro.node == nil {
		err = syscall.ENOENT
	}
	rn, nerr := d.resolve(newpath, false)
	// os.Rename refuses an existing directory as the new name, with the
	// old name's error first.
	if nerr == nil && rn.node != nil && rn.node.isDir() {
		if err != nil {
			return lerr(err)
		}
		if newpath == oldpath || rn.node != ro.node {
			return lerr(syscall.EEXIST)
		}
	}
	if err != nil {
		return lerr(err)
	}
	if nerr != nil {
		return lerr(nerr)
	}
	o, n := ro.node, rn.node
	switch {
	case o == d.root || ro.base == "." || ro.base == ".." || n == d.root || rn.base == "." || rn.base == "..":
		return lerr(syscall.EBUSY)
	case n == o:
		return nil
	case o.isDir():
		for p := rn.dir; p != nil; p = p.parent {
			if p == o {
				return lerr(syscall.EINVAL)
			}
		}
		if n != nil && !n.isDir() {
			return lerr(syscall.ENOTDIR)
		}
	case n != nil && n.isDir():
		return lerr(syscall.EISDIR)
	}
	d.completeDir(ro.dir)
	d.completeDir(rn.dir)
	if n != nil {
		d.unlink(n)
	}
	mdel(ro.dir.kids, ro.base)
	d.link(rn.dir, rn.base, o)
	touch(ro.dir)
	touch(rn.dir)
	return nil
}

// Stat returns a FileInfo describing the named file, following symbolic
// links.
//
//go:norace
func Stat(name string) (fs.FileInfo, error) { return here().stat(name, true) }

// Lstat returns a FileInfo describing the named file; a symbolic link is
// described, not followed.
//
//go:norace
func Lstat(name string) (fs.FileInfo, error) { return here().stat(name, false) }

//go:norace
func (t target) stat(name string, follow bool) (fs.FileInfo, error) {
	if t.d == nil {
		if follow {
			return os.Stat(name)
		}
		return os.Lstat(name)
	}
	op := "lstat"
	if follow {
		op = "stat"
	}
	n, err := t.d.find(op, name, follow)
	if err != nil {
		return nil, err
	}
	return infoOf(basename(name), n), nil
}

// find is the scheduling point, then the inode name leads to, or a
// *fs.PathError for op.
//
//go:norace
func (d *disk) find(op, name string, follow bool) (*inode, error) {
	simrt.Yield()
	r, err := d.resolve(name, follow)
	if err == nil && r.node == nil {
		err = syscall.ENOENT
	}
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	return r.node, nil
}

// Truncate changes the size of the named file.
//
//go:norace
func Truncate(name string, size int64) error {
	d := current()
	if d == nil {
		return os.Truncate(name, size)
	}
	if size < 0 {
		simrt.Yield()
		return pathErr("truncate", name, syscall.EINVAL)
	}
	n, err := d.find("truncate", name, true)
	if err != nil {
		return err
	}
	switch {
	case n.isDir():
		return pathErr("truncate", name, syscall.EISDIR)
	case n.special():
		return os.Truncate(n.lower, size)
	}
	if err := d.load(n); err != nil {
		return pathErr("truncate", name, err)
	}
	d.truncate(n, size, d.durableWrites())
	return nil
}

// Chmod changes the mode of the named file, following symbolic links.
//
//go:norace
func Chmod(name string, mode fs.FileMode) error {
	d := current()
	if d == nil {
		return os.Chmod(name, mode)
	}
	n, err := d.find("chmod", name, true)
	if err != nil {
		return err
	}
	chmod(n, mode)
	return nil
}

// Chown changes the numeric uid and gid of the named file. A node runs as
// root and keeps no owners: on a node it only checks the file exists.
//
//go:norace
func Chown(name string, uid, gid int) error {
	d := current()
	if d == nil {
		return os.Chown(name, uid, gid)
	}
	_, err := d.find("chown", name, true)
	return err
}

// Lchown is Chown without following a final symbolic link.
//
//go:norace
func Lchown(name string, uid, gid int) error {
	d := current()
	if d == nil {
		return os.Lchown(name, uid, gid)
	}
	_, err := d.find("lchown", name, false)
	return err
}

// Chtimes changes the modification time of the named file (a node keeps
// no access time); a zero mtime leaves it unchanged.
//
//go:norace
func Chtimes(name string, atime, mtime time.Time) error {
	d := current()
	if d == nil {
		return os.Chtimes(name, atime, mtime)
	}
	n, err := d.find("chtimes", name, true)
	if err != nil {
		return err
	}
	if !mtime.IsZero() {
		n.modTime = mtime
	}
	return nil
}

// Symlink creates newname as a symbolic link to oldname. Errors are
// *os.LinkError.
//
//go:norace
func Symlink(oldname, newname string) error {
	d := current()
	if d == nil {
		return os.Symlink(oldname, newname)
	}
	simrt.Yield()
	r, err := d.resolve(newname, false)
	if err == nil && r.node != nil {
		err = syscall.EEXIST
	}
	if err == nil && oldname == "" {
		err = syscall.ENOENT
	}
	if err != nil {
		return &os.LinkError{Op: "symlink", Old: oldname, New: newname, Err: err}
	}
	d.completeDir(r.dir)
	n := d.newInode(fs.ModeSymlink | 0o777)
	n.target = oldname
	d.link(r.dir, r.base, n)
	touch(r.dir)
	return nil
}

// Readlink returns the destination of the named symbolic link.
//
//go:norace
func Readlink(name string) (string, error) { return here().readlink(name) }

//go:norace
func (t target) readlink(name string) (string, error) {
	if t.d == nil {
		return os.Readlink(name)
	}
	n, err := t.d.find("readlink", name, false)
	if err != nil {
		return "", err
	}
	if !n.isSymlink() {
		return "", pathErr("readlink", name, syscall.EINVAL)
	}
	return n.target, nil
}

// Chdir changes the working directory: the process's on the host, the
// node's on a node (a crash resets it).
//
//go:norace
func Chdir(dir string) error {
	d := current()
	if d == nil {
		return os.Chdir(dir)
	}
	n, err := d.find("chdir", dir, true)
	if err != nil {
		return err
	}
	if !n.isDir() {
		return pathErr("chdir", dir, syscall.ENOTDIR)
	}
	d.cwd = d.pathOf(n)
	return nil
}

// Getwd returns the working directory: the process's on the host, the
// node's on a node.
//
//go:norace
func Getwd() (string, error) {
	d := current()
	if d == nil {
		return os.Getwd()
	}
	return d.cwd, nil
}

// ReadDir reads the named directory and returns its entries sorted by
// name.
//
//go:norace
func ReadDir(name string) ([]fs.DirEntry, error) { return here().readDir(name) }

//go:norace
func (t target) readDir(name string) ([]fs.DirEntry, error) {
	if t.d == nil {
		return os.ReadDir(name)
	}
	f, err := t.openFile(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if f.osf == nil && !f.ino.isDir() {
		return nil, pathErr("open", name, syscall.ENOTDIR)
	}
	ents, err := f.ReadDir(-1)
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	return ents, err
}

// CreateTemp creates a new file in dir (os.TempDir() if dir is ""), named
// after pattern with a random string in place of its last "*" (or at its
// end), opened for reading and writing with mode 0o600.
//
//go:norace
func CreateTemp(dir, pattern string) (*File, error) {
	t := here()
	if t.d == nil {
		f, err := os.CreateTemp(dir, pattern)
		return FromOS(f), err
	}
	if dir == "" {
		dir = os.TempDir()
	}
	prefix, suffix, err := prefixAndSuffix(pattern)
	if err != nil {
		return nil, pathErr("createtemp", pattern, err)
	}
	prefix = joinPath(dir, prefix)
	for try := 0; ; {
		name := prefix + t.d.nextRandom() + suffix
		f, err := t.openFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			if try++; try < 10000 {
				continue
			}
			return nil, pathErr("createtemp", prefix+"*"+suffix, fs.ErrExist)
		}
		return f, err
	}
}

// MkdirTemp creates a new directory in dir (os.TempDir() if dir is ""),
// named after pattern as CreateTemp names files, with mode 0o700, and
// returns its name.
//
//go:norace
func MkdirTemp(dir, pattern string) (string, error) {
	t := here()
	if t.d == nil {
		return os.MkdirTemp(dir, pattern)
	}
	if dir == "" {
		dir = os.TempDir()
	}
	prefix, suffix, err := prefixAndSuffix(pattern)
	if err != nil {
		return "", pathErr("mkdirtemp", pattern, err)
	}
	prefix = joinPath(dir, prefix)
	for try := 0; ; {
		name := prefix + t.d.nextRandom() + suffix
		err := t.mkdir(name, 0o700)
		if err == nil {
			return name, nil
		}
		if errors.Is(err, fs.ErrExist) {
			if try++; try < 10000 {
				continue
			}
			return "", pathErr("mkdirtemp", prefix+"*"+suffix, fs.ErrExist)
		}
		if errors.Is(err, fs.ErrNotExist) {
			if _, err := t.stat(dir, true); errors.Is(err, fs.ErrNotExist) {
				return "", err
			}
		}
		return "", err
	}
}

// nextRandom is the random part of a temporary name: digits, as os's, but
// from a counter of the disk's (a splitmix64 step), so names are the same
// in every run and draw from no random stream.
//
//go:norace
func (d *disk) nextRandom() string {
	d.tmpSeq++
	z := d.tmpSeq*0x9e3779b97f4a7c15 + uint64(d.node)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return strconv.FormatUint(uint64(uint32(z)), 10)
}

var errPatternHasSeparator = errors.New("pattern contains path separator")

//go:norace
func prefixAndSuffix(pattern string) (prefix, suffix string, err error) {
	for i := 0; i < len(pattern); i++ {
		if os.IsPathSeparator(pattern[i]) {
			return "", "", errPatternHasSeparator
		}
	}
	prefix = pattern
	for i := len(pattern) - 1; i >= 0; i-- {
		if pattern[i] == '*' {
			prefix, suffix = pattern[:i], pattern[i+1:]
			break
		}
	}
	return prefix, suffix, nil
}

//go:norace
func joinPath(dir, name string) string {
	if len(dir) > 0 && os.IsPathSeparator(dir[len(dir)-1]) {
		return dir + name
	}
	return dir + string(os.PathSeparator) + name
}
