package simos

// This file is the rest of the surface that reaches files: os.DirFS,
// os.CopyFS,
// io/ioutil's ReadDir, TempFile and TempDir, path/filepath's Walk and
// WalkDir, and NodeDirFS, the control API's view of a node's disk.
//
// Invariants: Walk and WalkDir are filepath's algorithms over this
// package's Lstat, ReadDir and Open, so they visit in lexical order and
// see whatever disk the calling goroutine sees.

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"simgen.dev/simgen/simrt"
)

// IoutilReadDir is ioutil.ReadDir: the named directory's entries as
// FileInfos, sorted by name.
//
//go:norace
func IoutilReadDir(dirname string) ([]fs.FileInfo, error) {
	f, err := Open(dirname)
	if err != nil {
		return nil, err
	}
	list, err := f.Readdir(-1)
	f.Close()
	if err != nil {
		return nil, err
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name() < list[j].Name() })
	return list, nil
}

// TempFile is ioutil.TempFile, which is CreateTemp.
//
//go:norace
func TempFile(dir, pattern string) (*File, error) { return CreateTemp(dir, pattern) }

// TempDir is ioutil.TempDir, which is MkdirTemp.
//
//go:norace
func TempDir(dir, pattern string) (string, error) { return MkdirTemp(dir, pattern) }

// WalkDir is filepath.WalkDir: it walks the tree rooted at root in
// lexical order, calling fn for each file and directory, root included,
// without following symbolic links.
//
//go:norace
func WalkDir(root string, fn fs.WalkDirFunc) error {
	info, err := Lstat(root)
	if err != nil {
		err = fn(root, nil, err)
	} else {
		err = walkDir(root, fs.FileInfoToDirEntry(info), fn)
	}
	if err == filepath.SkipDir || err == filepath.SkipAll {
		return nil
	}
	return err
}

//go:norace
func walkDir(path string, d fs.DirEntry, fn fs.WalkDirFunc) error {
	if err := fn(path, d, nil); err != nil || !d.IsDir() {
		if err == filepath.SkipDir && d.IsDir() {
			err = nil
		}
		return err
	}
	dirs, err := ReadDir(path)
	if err != nil {
		err = fn(path, d, err)
		if err != nil {
			if err == filepath.SkipDir && d.IsDir() {
				err = nil
			}
			return err
		}
	}
	for _, d1 := range dirs {
		if err := walkDir(filepath.Join(path, d1.Name()), d1, fn); err != nil {
			if err == filepath.SkipDir {
				break
			}
			return err
		}
	}
	return nil
}

// Walk is filepath.Walk: it walks the tree rooted at root in lexical
// order, calling fn with each file's FileInfo, root included, without
// following symbolic links.
//
//go:norace
func Walk(root string, fn filepath.WalkFunc) error {
	info, err := Lstat(root)
	if err != nil {
		err = fn(root, nil, err)
	} else {
		err = walk(root, info, fn)
	}
	if err == filepath.SkipDir || err == filepath.SkipAll {
		return nil
	}
	return err
}

//go:norace
func walk(path string, info fs.FileInfo, fn filepath.WalkFunc) error {
	if !info.IsDir() {
		return fn(path, info, nil)
	}
	names, err := readDirNames(path)
	err1 := fn(path, info, err)
	if err != nil || err1 != nil {
		return err1
	}
	for _, name := range names {
		filename := filepath.Join(path, name)
		fileInfo, err := Lstat(filename)
		if err != nil {
			if err := fn(filename, fileInfo, err); err != nil && err != filepath.SkipDir {
				return err
			}
		} else {
			err = walk(filename, fileInfo, fn)
			if err != nil {
				if !fileInfo.IsDir() || err != filepath.SkipDir {
					return err
				}
			}
		}
	}
	return nil
}

//go:norace
func readDirNames(dirname string) ([]string, error) {
	f, err := Open(dirname)
	if err != nil {
		return nil, err
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// CopyFS is os.CopyFS: it copies the file system fsys into the
// directory dir, creating dir if necessary, never overwriting a file.
//
//go:norace
func CopyFS(dir string, fsys fs.FS) error {
	return fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !fs.ValidPath(path) || strings.IndexByte(path, 0) >= 0 {
			return os.ErrInvalid
		}
		newPath := joinPath(dir, filepath.FromSlash(path))
		switch d.Type() {
		case fs.ModeDir:
			return MkdirAll(newPath, 0o777)
		case fs.ModeSymlink:
			rl, ok := fsys.(interface{ ReadLink(string) (string, error) })
			if !ok {
				return &fs.PathError{Op: "readlink", Path: path, Err: errors.ErrUnsupported}
			}
			target, err := rl.ReadLink(path)
			if err != nil {
				return err
			}
			return Symlink(target, newPath)
		case 0:
			r, err := fsys.Open(path)
			if err != nil {
				return err
			}
			defer r.Close()
			info, err := r.Stat()
			if err != nil {
				return err
			}
			w, err := OpenFile(newPath, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o666|info.Mode()&0o777)
			if err != nil {
				return err
			}
			if _, err := io.Copy(w, r); err != nil {
				w.Close()
				return &fs.PathError{Op: "Copy", Path: newPath, Err: err}
			}
			return w.Close()
		default:
			return &fs.PathError{Op: "CopyFS", Path: path, Err: os.ErrInvalid}
		}
	})
}

// DirFS is os.DirFS: the tree of files rooted at dir, as an fs.FS (also
// fs.StatFS, fs.ReadFileFS and fs.ReadDirFS, with Lstat and ReadLink).
// Each call goes where the calling goroutine's calls go: the host's real
// files, or its node's disk.
//
//go:norace
func DirFS(dir string) fs.FS { return dirFS{dir: dir} }

// NodeDirFS is DirFS on node's disk, whoever calls it: the control API's
// way to look at a node's files from the test, while the node runs or
// while it is down. Its calls are scheduling points as the node's own
// are. It panics outside a run and for the host.
//
//go:norace
func NodeDirFS(node simrt.NodeID, dir string) fs.FS {
	return dirFS{dir: dir, t: &target{nodeDisk(node, "NodeDirFS")}}
}

type dirFS struct {
	dir string
	t   *target // nil: the caller's
}

//go:norace
func (dir dirFS) target() target {
	if dir.t != nil {
		return *dir.t
	}
	return here()
}

// join is os's dirFS.join.
//
//go:norace
func (dir dirFS) join(name string) (string, error) {
	if dir.dir == "" {
		return "", errors.New("os: DirFS with empty root")
	}
	if !fs.ValidPath(name) || strings.IndexByte(name, 0) >= 0 {
		return "", os.ErrInvalid
	}
	name = filepath.FromSlash(name)
	if os.IsPathSeparator(dir.dir[len(dir.dir)-1]) {
		return dir.dir + name, nil
	}
	return dir.dir + string(os.PathSeparator) + name, nil
}

// rename puts the fs name back in an error made with the full path.
//
//go:norace
func rename(err error, name string) error {
	if pe, ok := err.(*fs.PathError); ok {
		pe.Path = name
	}
	return err
}

//go:norace
func (dir dirFS) Open(name string) (fs.File, error) {
	full, err := dir.join(name)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	f, err := dir.target().openFile(full, os.O_RDONLY, 0)
	if err != nil {
		return nil, rename(err, name)
	}
	return f, nil
}

//go:norace
func (dir dirFS) ReadFile(name string) ([]byte, error) {
	full, err := dir.join(name)
	if err != nil {
		return nil, pathErr("readfile", name, err)
	}
	b, err := dir.target().readFile(full)
	if err != nil {
		return nil, rename(err, name)
	}
	return b, nil
}

//go:norace
func (dir dirFS) ReadDir(name string) ([]fs.DirEntry, error) {
	full, err := dir.join(name)
	if err != nil {
		return nil, pathErr("readdir", name, err)
	}
	ents, err := dir.target().readDir(full)
	if err != nil {
		return nil, rename(err, name)
	}
	return ents, nil
}

//go:norace
func (dir dirFS) Stat(name string) (fs.FileInfo, error) {
	full, err := dir.join(name)
	if err != nil {
		return nil, pathErr("stat", name, err)
	}
	fi, err := dir.target().stat(full, true)
	if err != nil {
		return nil, rename(err, name)
	}
	return fi, nil
}

//go:norace
func (dir dirFS) Lstat(name string) (fs.FileInfo, error) {
	full, err := dir.join(name)
	if err != nil {
		return nil, pathErr("lstat", name, err)
	}
	fi, err := dir.target().stat(full, false)
	if err != nil {
		return nil, rename(err, name)
	}
	return fi, nil
}

//go:norace
func (dir dirFS) ReadLink(name string) (string, error) {
	full, err := dir.join(name)
	if err != nil {
		return "", pathErr("readlink", name, err)
	}
	return dir.target().readlink(full)
}
