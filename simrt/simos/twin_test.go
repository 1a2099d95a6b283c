package simos_test

// This file holds the native twin: one script of file operations, run
// against the real os in a t.TempDir and against a node's disk (and
// against simos on the host, which passes through), whose logs of results
// and error texts must be equal.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simos"
)

// file is the method set *os.File and *simos.File share.
type file interface {
	Chdir() error
	Chmod(mode fs.FileMode) error
	Chown(uid, gid int) error
	Close() error
	Name() string
	Read(b []byte) (int, error)
	ReadAt(b []byte, off int64) (int, error)
	ReadDir(n int) ([]fs.DirEntry, error)
	ReadFrom(r io.Reader) (int64, error)
	Readdir(n int) ([]fs.FileInfo, error)
	Readdirnames(n int) ([]string, error)
	Seek(offset int64, whence int) (int64, error)
	Stat() (fs.FileInfo, error)
	Sync() error
	Truncate(size int64) error
	Write(b []byte) (int, error)
	WriteAt(b []byte, off int64) (int, error)
	WriteString(s string) (int, error)
	WriteTo(w io.Writer) (int64, error)
}

// sys is one implementation of the package-level functions.
type sys struct {
	OpenFile      func(string, int, fs.FileMode) (file, error)
	Create        func(string) (file, error)
	Open          func(string) (file, error)
	CreateTemp    func(string, string) (file, error)
	ReadFile      func(string) ([]byte, error)
	WriteFile     func(string, []byte, fs.FileMode) error
	Rename        func(string, string) error
	Remove        func(string) error
	RemoveAll     func(string) error
	Mkdir         func(string, fs.FileMode) error
	MkdirAll      func(string, fs.FileMode) error
	MkdirTemp     func(string, string) (string, error)
	ReadDir       func(string) ([]fs.DirEntry, error)
	Stat          func(string) (fs.FileInfo, error)
	Lstat         func(string) (fs.FileInfo, error)
	Truncate      func(string, int64) error
	Chmod         func(string, fs.FileMode) error
	Symlink       func(string, string) error
	Readlink      func(string) (string, error)
	DirFS         func(string) fs.FS
	CopyFS        func(string, fs.FS) error
	Walk          func(string, filepath.WalkFunc) error
	WalkDir       func(string, fs.WalkDirFunc) error
	IoutilReadDir func(string) ([]fs.FileInfo, error)
}

func osFile(f *os.File, err error) (file, error) {
	if f == nil {
		return nil, err
	}
	return f, err
}

func simFile(f *simos.File, err error) (file, error) {
	if f == nil {
		return nil, err
	}
	return f, err
}

var osSys = sys{
	OpenFile:   func(n string, fl int, p fs.FileMode) (file, error) { return osFile(os.OpenFile(n, fl, p)) },
	Create:     func(n string) (file, error) { return osFile(os.Create(n)) },
	Open:       func(n string) (file, error) { return osFile(os.Open(n)) },
	CreateTemp: func(d, p string) (file, error) { return osFile(os.CreateTemp(d, p)) },
	ReadFile:   os.ReadFile, WriteFile: os.WriteFile, Rename: os.Rename, Remove: os.Remove,
	RemoveAll: os.RemoveAll, Mkdir: os.Mkdir, MkdirAll: os.MkdirAll, MkdirTemp: os.MkdirTemp,
	ReadDir: os.ReadDir, Stat: os.Stat, Lstat: os.Lstat, Truncate: os.Truncate, Chmod: os.Chmod,
	Symlink: os.Symlink, Readlink: os.Readlink, DirFS: os.DirFS, CopyFS: os.CopyFS, Walk: filepath.Walk,
	WalkDir: filepath.WalkDir,
	IoutilReadDir: func(d string) ([]fs.FileInfo, error) {
		f, err := os.Open(d)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		l, err := f.Readdir(-1)
		if err != nil {
			return nil, err
		}
		sortInfos(l)
		return l, nil
	},
}

var simSys = sys{
	OpenFile:   func(n string, fl int, p fs.FileMode) (file, error) { return simFile(simos.OpenFile(n, fl, p)) },
	Create:     func(n string) (file, error) { return simFile(simos.Create(n)) },
	Open:       func(n string) (file, error) { return simFile(simos.Open(n)) },
	CreateTemp: func(d, p string) (file, error) { return simFile(simos.CreateTemp(d, p)) },
	ReadFile:   simos.ReadFile, WriteFile: simos.WriteFile, Rename: simos.Rename, Remove: simos.Remove,
	RemoveAll: simos.RemoveAll, Mkdir: simos.Mkdir, MkdirAll: simos.MkdirAll, MkdirTemp: simos.MkdirTemp,
	ReadDir: simos.ReadDir, Stat: simos.Stat, Lstat: simos.Lstat, Truncate: simos.Truncate, Chmod: simos.Chmod,
	Symlink: simos.Symlink, Readlink: simos.Readlink, DirFS: simos.DirFS, CopyFS: simos.CopyFS, Walk: simos.Walk,
	WalkDir: simos.WalkDir, IoutilReadDir: simos.IoutilReadDir,
}

func sortEnts(l []fs.DirEntry) {
	for i := 1; i < len(l); i++ {
		for j := i; j > 0 && l[j].Name() < l[j-1].Name(); j-- {
			l[j], l[j-1] = l[j-1], l[j]
		}
	}
}

func sortInfos(l []fs.FileInfo) {
	for i := 1; i < len(l); i++ {
		for j := i; j > 0 && l[j].Name() < l[j-1].Name(); j-- {
			l[j], l[j-1] = l[j-1], l[j]
		}
	}
}

// recorder logs results with the script's directory written as $D.
type recorder struct {
	dir string
	log []string
}

func (r *recorder) add(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	r.log = append(r.log, strings.ReplaceAll(s, r.dir, "$D"))
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return fmt.Sprintf("%T %v", err, err)
}

func infoText(fi fs.FileInfo) string {
	if fi == nil {
		return "<nil>"
	}
	size := fmt.Sprint(fi.Size())
	if fi.IsDir() {
		size = "-" // directory sizes differ between file systems
	}
	return fmt.Sprintf("%s %s %v dir=%v", fi.Name(), size, fi.Mode(), fi.IsDir())
}

func entText(ents []fs.DirEntry) string {
	var s []string
	for _, e := range ents {
		s = append(s, fmt.Sprintf("%s:%v:%v", e.Name(), e.IsDir(), e.Type()))
	}
	return "[" + strings.Join(s, " ") + "]"
}

// script runs the operations under dir, an empty directory.
func script(s sys, dir string) []string {
	r := &recorder{dir: dir}
	p := func(name string) string { return dir + "/" + name }
	ok := func(what string, err error) { r.add("%s: %s", what, errText(err)) }
	data := func(what string, b []byte, err error) { r.add("%s: %q %s", what, b, errText(err)) }
	n := func(what string) func(int, error) {
		return func(n int, err error) { r.add("%s: %d %s", what, n, errText(err)) }
	}
	n64 := func(what string) func(int64, error) {
		return func(n int64, err error) { r.add("%s: %d %s", what, n, errText(err)) }
	}
	info := func(what string, fi fs.FileInfo, err error) { r.add("%s: %s %s", what, infoText(fi), errText(err)) }
	buf := func(k int) []byte { return make([]byte, k) }

	// Directories.
	ok("mkdir a", s.Mkdir(p("a"), 0o755))
	ok("mkdir a again", s.Mkdir(p("a"), 0o755))
	ok("mkdir x/y", s.Mkdir(p("x/y"), 0o755))
	ok("mkdir a/.", s.Mkdir(p("a/."), 0o755))
	ok("mkdirall b/c/d", s.MkdirAll(p("b/c/d"), 0o700))
	ok("mkdirall b/c/d again", s.MkdirAll(p("b/c/d"), 0o700))
	fi, err := s.Stat(p("b/c/d"))
	info("stat b/c/d", fi, err)
	fi, err = s.Stat(p("b/c/"))
	info("stat b/c/", fi, err)

	// Whole files.
	ok("writefile a/f", s.WriteFile(p("a/f"), []byte("hello"), 0o644))
	b, err := s.ReadFile(p("a/f"))
	data("readfile a/f", b, err)
	b, err = s.ReadFile(p("a/missing"))
	data("readfile a/missing", b, err)
	b, err = s.ReadFile(p("a"))
	data("readfile a", b, err)
	ok("writefile a", s.WriteFile(p("a"), []byte("x"), 0o644))
	ok("writefile a/f/x", s.WriteFile(p("a/f/x"), []byte("x"), 0o644))
	ok("mkdirall a/f/g", s.MkdirAll(p("a/f/g"), 0o755))
	ok("mkdirall a/f", s.MkdirAll(p("a/f"), 0o755))
	ok("mkdir a/f/g", s.Mkdir(p("a/f/g"), 0o755))
	big := make([]byte, 3000)
	for i := range big {
		big[i] = byte('a' + i%26)
	}
	ok("writefile big", s.WriteFile(p("big"), big, 0o600))
	b, err = s.ReadFile(p("big"))
	r.add("readfile big: %d %v %s", len(b), string(b) == string(big), errText(err))

	// One file, read and written.
	f, err := s.OpenFile(p("rw"), os.O_RDWR|os.O_CREATE, 0o640)
	ok("openfile rw", err)
	n("write")(wr(f, "0123456789"))
	n64("seek 0")(seek(f, 0, io.SeekStart))
	x := buf(3)
	k, err := f.Read(x)
	r.add("read 3: %d %q %s", k, x[:k], errText(err))
	x = buf(4)
	k, err = f.ReadAt(x, 8)
	r.add("readat 8: %d %q %s", k, x[:k], errText(err))
	k, err = f.ReadAt(buf(4), 20)
	n("readat 20")(k, err)
	k, err = f.ReadAt(buf(1), -1)
	n("readat -1")(k, err)
	x = buf(100)
	k, err = f.Read(x)
	r.add("read rest: %d %q %s", k, x[:k], errText(err))
	k, err = f.Read(x)
	n("read at eof")(k, err)
	k, err = f.Read(nil)
	n("read nil")(k, err)
	k, err = f.WriteAt([]byte("XY"), 14)
	n("writeat 14")(k, err)
	k, err = f.WriteAt([]byte("Z"), -2)
	n("writeat -2")(k, err)
	fi, err = f.Stat()
	info("stat", fi, err)
	b, err = s.ReadFile(p("rw"))
	data("readfile rw", b, err)
	ok("truncate 4", f.Truncate(4))
	ok("truncate -1", f.Truncate(-1))
	n64("seek cur")(seek(f, 0, io.SeekCurrent))
	n64("seek end")(seek(f, 0, io.SeekEnd))
	n64("seek -1")(seek(f, -1, io.SeekStart))
	n64("seek whence 7")(seek(f, 0, 7))
	n64("seek 10")(seek(f, 10, io.SeekStart))
	n("write after seek past end")(wr(f, "!"))
	b, err = s.ReadFile(p("rw"))
	data("readfile rw", b, err)
	n("writestring")(f.WriteString("ws"))
	k64, err := f.ReadFrom(strings.NewReader("from reader"))
	n64("readfrom")(k64, err)
	n64("seek 0")(seek(f, 0, io.SeekStart))
	var sb strings.Builder
	k64, err = f.WriteTo(&sb)
	r.add("writeto: %d %q %s", k64, sb.String(), errText(err))
	ok("chmod 0600", f.Chmod(0o600))
	ok("sync", f.Sync())
	ok("close", f.Close())
	ok("close again", f.Close())
	n("read closed")(rd(f, 1))
	n("write closed")(wr(f, "x"))
	n64("seek closed")(seek(f, 0, 0))
	fi, err = f.Stat()
	info("stat closed", fi, err)
	ok("sync closed", f.Sync())
	ok("truncate closed", f.Truncate(0))
	ok("chmod closed", f.Chmod(0o644))
	ok("chdir closed", f.Chdir())
	_, err = f.Readdirnames(-1)
	ok("readdirnames closed", err)
	k, err = f.ReadAt(buf(1), 0)
	n("readat closed")(k, err)
	fi, err = s.Stat(p("rw"))
	info("stat rw", fi, err)

	// Access modes.
	f, err = s.Open(p("rw"))
	ok("open rw", err)
	n("write rdonly")(wr(f, "x"))
	n("write nil rdonly")(wr(f, ""))
	ok("truncate rdonly", f.Truncate(0))
	ok("sync rdonly", f.Sync())
	_, err = f.ReadDir(-1)
	ok("readdir of a file", err)
	_, err = f.Readdir(-1)
	ok("readdir (infos) of a file", err)
	ok("chdir to a file", f.Chdir())
	f.Close()
	f, err = s.OpenFile(p("rw"), os.O_WRONLY|os.O_APPEND, 0)
	ok("open wronly append", err)
	n("read wronly")(rd(f, 1))
	n("read nil wronly")(rd(f, 0))
	n("append")(wr(f, "<tail>"))
	n64("seek 0")(seek(f, 0, io.SeekStart))
	n("append after seek")(wr(f, "<more>"))
	n("writeat append")(f.WriteAt([]byte("x"), 0))
	f.Close()
	b, err = s.ReadFile(p("rw"))
	data("readfile rw", b, err)
	f, err = s.OpenFile(p("rw"), os.O_RDWR|os.O_TRUNC, 0)
	ok("open trunc", err)
	fi, err = f.Stat()
	info("stat trunc", fi, err)
	f.Close()
	_, err = s.OpenFile(p("rw"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	ok("open excl existing", err)
	f, err = s.OpenFile(p("excl"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	ok("open excl new", err)
	f.Close()
	_, err = s.Open(p("nope"))
	ok("open missing", err)
	_, err = s.Open(p("nope/x"))
	ok("open missing/x", err)
	_, err = s.Open(p("rw/x"))
	ok("open file/x", err)
	_, err = s.Open(p("rw/"))
	ok("open file/", err)
	_, err = s.Create(p("g/"))
	ok("create g/", err)
	_, err = s.Open("")
	ok("open empty", err)
	_, err = s.Lstat("")
	ok("lstat empty", err)

	// Directories as files.
	ok("writefile a/e", s.WriteFile(p("a/e"), nil, 0o644))
	ok("mkdir a/d", s.Mkdir(p("a/d"), 0o755))
	f, err = s.Open(p("a"))
	ok("open a", err)
	n("read dir")(rd(f, 1))
	n("readat dir")(f.ReadAt(buf(1), 0))
	n("write dir")(wr(f, "x"))
	ok("sync dir", f.Sync())
	ok("truncate dir", f.Truncate(0))
	// Directory order is the file system's: sort what comes back.
	var all []fs.DirEntry
	for {
		ents, err := f.ReadDir(1)
		all = append(all, ents...)
		if err != nil {
			r.add("readdir 1 until: %d %s", len(ents), errText(err))
			break
		}
	}
	sortEnts(all)
	r.add("readdir 1 each: %s", entText(all))
	ents, err := f.ReadDir(-1)
	r.add("readdir -1 at end: %s %s", entText(ents), errText(err))
	n64("seek dir 0")(seek(f, 0, io.SeekStart))
	names, err := f.Readdirnames(-1)
	sort.Strings(names)
	r.add("readdirnames: %v %s", names, errText(err))
	n64("seek dir 0")(seek(f, 0, io.SeekStart))
	infos, err := f.Readdir(-1)
	sortInfos(infos)
	for _, fi := range infos {
		info("readdir", fi, nil)
	}
	ok("readdir", err)
	infos, err = f.Readdir(2)
	r.add("readdir 2 at end: %d %s", len(infos), errText(err))
	f.Close()
	_, err = s.OpenFile(p("a"), os.O_WRONLY, 0)
	ok("open dir wronly", err)
	_, err = s.OpenFile(p("a"), os.O_RDONLY|os.O_CREATE, 0o644)
	ok("open dir creat", err)
	_, err = s.OpenFile(p("a"), os.O_RDONLY|os.O_TRUNC, 0o644)
	ok("open dir trunc", err)
	ents, err = s.ReadDir(p("a"))
	r.add("readdir a: %s %s", entText(ents), errText(err))
	_, err = s.ReadDir(p("a/f"))
	ok("readdir a/f", err)
	_, err = s.ReadDir(p("zz"))
	ok("readdir zz", err)
	infos, err = s.IoutilReadDir(p("a"))
	for _, fi := range infos {
		info("ioutil readdir", fi, nil)
	}
	ok("ioutil readdir", err)

	// Symbolic links.
	ok("symlink", s.Symlink("f", p("a/lnk")))
	ok("symlink exists", s.Symlink("f", p("a/lnk")))
	ok("symlink dangling", s.Symlink("nowhere", p("a/dangle")))
	ok("symlink loop", s.Symlink("loop", p("a/loop")))
	ok("symlink dir", s.Symlink(p("b"), p("blink")))
	fi, err = s.Lstat(p("a/lnk"))
	info("lstat lnk", fi, err)
	fi, err = s.Stat(p("a/lnk"))
	info("stat lnk", fi, err)
	b, err = s.ReadFile(p("a/lnk"))
	data("readfile lnk", b, err)
	t, err := s.Readlink(p("a/lnk"))
	r.add("readlink: %q %s", t, errText(err))
	_, err = s.Readlink(p("a/f"))
	ok("readlink of a file", err)
	_, err = s.Stat(p("a/dangle"))
	ok("stat dangling", err)
	_, err = s.Stat(p("a/loop"))
	ok("stat loop", err)
	fi, err = s.Stat(p("blink/c/d"))
	info("stat through dir link", fi, err)
	fi, err = s.Stat(p("blink/../a/f"))
	info("stat link/..", fi, err)
	ok("writefile via dangling", s.WriteFile(p("a/dangle"), []byte("made"), 0o644))
	b, err = s.ReadFile(p("a/nowhere"))
	data("readfile target of dangling", b, err)
	_, err = s.OpenFile(p("a/lnk"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	ok("excl on a link", err)

	// Renames.
	ok("rename f g", s.Rename(p("a/f"), p("a/g")))
	ok("rename missing", s.Rename(p("a/f"), p("a/h")))
	ok("rename to missing dir", s.Rename(p("a/g"), p("nodir/g")))
	ok("rename over file", s.Rename(p("a/g"), p("a/e")))
	ok("rename same", s.Rename(p("a/e"), p("a/e")))
	ok("rename dir onto dir", s.Rename(p("a/d"), p("b")))
	ok("rename dir to itself", s.Rename(p("b"), p("b")))
	ok("rename dir into itself", s.Rename(p("b"), p("b/c/inner")))
	ok("rename dir onto file", s.Rename(p("b"), p("a/e")))
	ok("rename file onto dir", s.Rename(p("a/e"), p("a/d")))
	ok("rename dir", s.Rename(p("b"), p("b2")))
	fi, err = s.Stat(p("b2/c/d"))
	info("stat after dir rename", fi, err)
	ents, err = s.ReadDir(p("a"))
	r.add("readdir a: %s %s", entText(ents), errText(err))

	// Removals.
	ok("remove file", s.Remove(p("a/e")))
	ok("remove missing", s.Remove(p("a/e")))
	ok("remove non-empty", s.Remove(p("b2")))
	ok("remove empty", s.Remove(p("a/d")))
	ok("remove a/.", s.Remove(p("a/.")))
	ok("remove file/x", s.Remove(p("rw/x")))
	ok("remove link", s.Remove(p("a/lnk")))
	ok("removeall b2", s.RemoveAll(p("b2")))
	ok("removeall missing", s.RemoveAll(p("b2")))
	ok("removeall x/.", s.RemoveAll(p("a/.")))
	ok("removeall file/x", s.RemoveAll(p("rw/x")))
	ok("removeall empty", s.RemoveAll(""))
	_, err = s.Stat(p("b2"))
	ok("stat removed", err)

	// Truncate and Chmod by name.
	ok("truncate missing", s.Truncate(p("missing"), 0))
	ok("truncate dir", s.Truncate(p("a"), 0))
	ok("truncate -1", s.Truncate(p("big"), -1))
	ok("truncate 5", s.Truncate(p("big"), 5))
	ok("truncate 8", s.Truncate(p("big"), 8))
	b, err = s.ReadFile(p("big"))
	data("readfile big", b, err)
	ok("chmod", s.Chmod(p("big"), 0o640|fs.ModeSticky))
	fi, err = s.Stat(p("big"))
	info("stat after chmod", fi, err)
	ok("chmod missing", s.Chmod(p("missing"), 0o640))

	// Temporary files.
	f, err = s.CreateTemp(dir, "tmp*.txt")
	ok("createtemp", err)
	if f != nil {
		base := filepath.Base(f.Name())
		r.add("createtemp name: %v %v", strings.HasPrefix(base, "tmp"), strings.HasSuffix(base, ".txt"))
		fi, err = f.Stat()
		if fi != nil {
			r.add("createtemp stat: %v %s", fi.Mode(), errText(err))
		}
		f.Close()
		s.Remove(f.Name())
	}
	_, err = s.CreateTemp(dir, "a/b*")
	ok("createtemp separator", err)
	_, err = s.CreateTemp(p("nodir"), "x")
	r.add("createtemp nodir: %T %v", err, errors.Is(err, fs.ErrNotExist)) // the name is random
	td, err := s.MkdirTemp(dir, "td-")
	ok("mkdirtemp", err)
	r.add("mkdirtemp name: %v", strings.HasPrefix(filepath.Base(td), "td-"))
	fi, err = s.Stat(td)
	if fi != nil {
		r.add("mkdirtemp stat: %v %s", fi.Mode(), errText(err))
	}
	s.Remove(td)
	_, err = s.MkdirTemp(p("nodir"), "x")
	ok("mkdirtemp nodir", err)

	// Walks.
	s.MkdirAll(p("w/b/c"), 0o755)
	s.WriteFile(p("w/b/z"), nil, 0o644)
	s.WriteFile(p("w/a"), nil, 0o644)
	s.WriteFile(p("w/b/c/y"), nil, 0o644)
	s.Symlink("b", p("w/l"))
	err = s.Walk(p("w"), func(path string, fi fs.FileInfo, err error) error {
		r.add("walk %s %s %s", path, infoText(fi), errText(err))
		if fi != nil && fi.Name() == "c" {
			return filepath.SkipDir
		}
		return nil
	})
	ok("walk", err)
	err = s.WalkDir(p("w"), func(path string, d fs.DirEntry, err error) error {
		if d != nil {
			r.add("walkdir %s %v %s", path, d.IsDir(), errText(err))
		} else {
			r.add("walkdir %s <nil> %s", path, errText(err))
		}
		return nil
	})
	ok("walkdir", err)
	err = s.WalkDir(p("nowalk"), func(path string, d fs.DirEntry, err error) error {
		r.add("walkdir %s %v %s", path, d == nil, errText(err))
		return err
	})
	ok("walkdir missing", err)

	// DirFS.
	fsys := s.DirFS(p("w"))
	b, err = fs.ReadFile(fsys, "b/z")
	data("dirfs readfile", b, err)
	_, err = fs.ReadFile(fsys, "b/nope")
	ok("dirfs readfile missing", err)
	_, err = fsys.Open("../x")
	ok("dirfs open ../x", err)
	ents, err = fs.ReadDir(fsys, "b")
	r.add("dirfs readdir: %s %s", entText(ents), errText(err))
	fi, err = fs.Stat(fsys, "b/c")
	info("dirfs stat", fi, err)
	ok("fstest", fstest.TestFS(fsys, "a", "b/z", "b/c/y"))

	// CopyFS, from the package's testdata (read through on a node).
	ok("copyfs", s.CopyFS(p("copy"), s.DirFS("testdata/tree")))
	ok("copyfs again", s.CopyFS(p("copy"), s.DirFS("testdata/tree")))
	err = s.WalkDir(p("copy"), func(path string, d fs.DirEntry, err error) error {
		fi, _ := s.Lstat(path)
		r.add("copied %s %s", path, infoText(fi))
		return err
	})
	ok("walk copy", err)
	return r.log
}

func wr(f file, s string) (int, error) { return f.Write([]byte(s)) }
func rd(f file, k int) (int, error)    { return f.Read(make([]byte, k)) }
func seek(f file, off int64, whence int) (int64, error) {
	return f.Seek(off, whence)
}

// runOn runs fn as a goroutine of node and waits for it.
func runOn(node simrt.NodeID, fn func()) {
	done := simrt.MakeChan[struct{}](0)
	simrt.GoOn(node, func() {
		defer simrt.Close(done)
		fn()
	})
	simrt.Recv(done)
}

// TestNativeTwin: the script gives the same results, error texts
// included, natively, on a node's disk, and through simos on the host.
func TestNativeTwin(t *testing.T) {
	native := script(osSys, t.TempDir())
	simrt.Test(t, func(t *testing.T) {
		node := simrt.NewNode("twin")
		var onNode []string
		dir := t.TempDir()
		runOn(node, func() { onNode = script(simSys, dir) })
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("the node's writes reached the host: %v", ents)
		}
		onHost := script(simSys, t.TempDir())
		for _, c := range []struct {
			name string
			got  []string
		}{{"node", onNode}, {"host", onHost}} {
			for i := 0; i < len(native) || i < len(c.got); i++ {
				var g, w string
				if i < len(native) {
					w = native[i]
				}
				if i < len(c.got) {
					g = c.got[i]
				}
				if g != w {
					t.Errorf("%s, step %d:\n got: %s\nwant: %s", c.name, i, g, w)
				}
			}
		}
	})
}
