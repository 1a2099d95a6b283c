package simos

// This file is a node's disk: a tree of inodes in memory over the host's
// file system (the lower layer), and path resolution through it.
//
// Invariants:
//   - An inode with lower != "" stands for the host file or directory at
//     that path and has not been copied up: a regular file's data is not
//     loaded (size and modTime are the host's), a directory's kids hold
//     only the entries looked up so far unless complete is set.
//   - A directory that is complete never consults the host again; every
//     directory is made complete before it changes, so a removal needs no
//     whiteout: the entry is simply gone from a list that no longer falls
//     through.
//   - parent and name are the inode's one directory entry (no hard links);
//     nlink is 0 once it has none (removed, possibly still open).
//   - undo holds a regular file's unsynced changes, oldest first; the file
//     is in its disk's dirty set exactly when undo is not empty.

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"simgen.dev/simgen/simrt"
)

// inode is a file, directory or symbolic link on a node's disk.
type inode struct {
	ino     uint64      // unique on its disk, for SameFile
	mode    fs.FileMode // type bits and permissions
	modTime time.Time
	lower   string // host path read through to; "" once copied up or made here
	parent  *inode // the directory holding its entry; nil for the root and once unlinked
	name    string // its name in parent
	nlink   int    // 1 while it has an entry, 0 after

	// Regular files.
	data     []byte // the content, once loaded (lower == "")
	hostSize int64  // the host file's size while not loaded
	undo     []undo // unsynced changes, oldest first

	// Directories.
	kids     map[string]*inode
	complete bool // kids lists every entry; the host is not consulted

	// Symbolic links.
	target string
}

//go:norace
func (n *inode) isDir() bool { return n.mode.IsDir() }

//go:norace
func (n *inode) isSymlink() bool { return n.mode&fs.ModeSymlink != 0 }

//go:norace
func (n *inode) isRegular() bool { return n.mode.IsRegular() }

// special reports whether n is a device, named pipe or socket of the host,
// which nodes open for real.
//
//go:norace
func (n *inode) special() bool { return !n.isDir() && !n.isSymlink() && !n.isRegular() }

//go:norace
func (n *inode) size() int64 {
	switch {
	case n.isRegular() && n.lower != "":
		return n.hostSize
	case n.isRegular():
		return int64(len(n.data))
	case n.isSymlink():
		return int64(len(n.target))
	case n.isDir():
		return 4096
	}
	return n.hostSize
}

// disk is one node's file system for a run.
type disk struct {
	node    simrt.NodeID
	ds      *disks
	root    *inode
	home    string             // the working directory a boot starts in
	cwd     string             // the working directory, absolute and clean
	open    map[*File]struct{} // open files, closed by a crash
	dirty   map[*inode]struct{}
	nextIno uint64
	tmpSeq  uint64 // for CreateTemp and MkdirTemp names
}

//go:norace
func newDisk(ds *disks, id simrt.NodeID) *disk {
	d := &disk{
		node:  id,
		ds:    ds,
		open:  map[*File]struct{}{},
		dirty: map[*inode]struct{}{},
	}
	d.home = "/"
	if wd, err := os.Getwd(); err == nil && filepath.IsAbs(wd) {
		d.home = filepath.Clean(wd)
	}
	d.cwd = d.home
	d.root = d.fromHost("/", nil)
	if d.root == nil || !d.root.isDir() {
		d.root = d.newInode(fs.ModeDir | 0o755)
	}
	d.root.nlink = 1
	return d
}

//go:norace
func (d *disk) newInode(mode fs.FileMode) *inode {
	d.nextIno++
	n := &inode{ino: d.nextIno, mode: mode, modTime: simrt.Now()}
	if mode.IsDir() {
		n.kids = map[string]*inode{}
		n.complete = true
	}
	return n
}

// fromHost makes the inode for the host's path, from fi (lstat'ed if
// nil); nil when the host has nothing there.
//
//go:norace
func (d *disk) fromHost(path string, fi fs.FileInfo) *inode {
	if fi == nil {
		var err error
		if fi, err = os.Lstat(path); err != nil {
			return nil
		}
	}
	d.nextIno++
	n := &inode{ino: d.nextIno, mode: fi.Mode(), modTime: fi.ModTime(), lower: path, hostSize: fi.Size()}
	switch {
	case fi.IsDir():
		n.kids = map[string]*inode{}
	case fi.Mode()&fs.ModeSymlink != 0:
		t, err := os.Readlink(path)
		if err != nil {
			return nil
		}
		n.target, n.lower = t, ""
	}
	return n
}

// lookup returns dir's entry name, reading through to the host.
//
//go:norace
func (d *disk) lookup(dir *inode, name string) *inode {
	if k, ok := mget(dir.kids, name); ok {
		return k
	}
	if dir.complete || dir.lower == "" {
		return nil
	}
	k := d.fromHost(filepath.Join(dir.lower, name), nil)
	if k != nil {
		d.link(dir, name, k)
	}
	return k
}

// completeDir merges the host's entries into dir, once: after it, dir
// may change.
//
//go:norace
func (d *disk) completeDir(dir *inode) {
	if dir.complete {
		return
	}
	dir.complete = true
	if dir.lower == "" {
		return
	}
	ents, err := os.ReadDir(dir.lower)
	if err != nil {
		return
	}
	for _, e := range ents {
		if _, ok := mget(dir.kids, e.Name()); ok {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		if k := d.fromHost(filepath.Join(dir.lower, e.Name()), fi); k != nil {
			d.link(dir, e.Name(), k)
		}
	}
}

//go:norace
func (d *disk) link(dir *inode, name string, n *inode) {
	mset(dir.kids, name, n)
	n.parent, n.name, n.nlink = dir, name, 1
}

//go:norace
func (d *disk) unlink(n *inode) {
	if n.parent != nil {
		mdel(n.parent.kids, n.name)
	}
	n.parent, n.nlink = nil, 0
	if len(n.undo) > 0 {
		// An unlinked file cannot be found after a crash: its unsynced
		// changes no longer matter.
		n.undo = nil
		mdel(d.dirty, n)
	}
}

// load copies a host file's content up into memory.
//
//go:norace
func (d *disk) load(n *inode) error {
	if !n.isRegular() || n.lower == "" {
		return nil
	}
	b, err := os.ReadFile(n.lower)
	if err != nil {
		if pe, ok := err.(*fs.PathError); ok {
			return pe.Err
		}
		return err
	}
	n.data, n.lower, n.hostSize = b, "", 0
	return nil
}

// pathOf is n's absolute path on its disk, "" once unlinked (or under an
// unlinked directory).
//
//go:norace
func (d *disk) pathOf(n *inode) string {
	if n == d.root {
		return "/"
	}
	var parts []string
	for ; n != d.root; n = n.parent {
		if n == nil || n.nlink == 0 {
			return ""
		}
		parts = append(parts, n.name)
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteString("/")
		b.WriteString(parts[i])
	}
	return b.String()
}

// resolved is where a path leads: the directory that holds (or would
// hold) its last element, that element's name, and the inode, nil when
// there is none.
type resolved struct {
	dir   *inode
	base  string
	node  *inode
	slash bool // the path ends in a slash: it must name a directory
}

// maxSymlinks is Linux's limit on symbolic links followed in one lookup.
const maxSymlinks = 40

// resolve walks name from the root or the working directory. A final
// symbolic link is followed when follow is set (always when the path ends
// in a slash). The error is an errno for the path as a whole: a missing
// or non-directory element before the last, a loop.
//
//go:norace
func (d *disk) resolve(name string, follow bool) (resolved, error) {
	if name == "" {
		return resolved{}, syscall.ENOENT
	}
	path := name
	if !filepath.IsAbs(path) {
		path = d.cwd + "/" + path
	}
	slash := strings.HasSuffix(name, "/")
	if slash {
		follow = true
	}
	comps := splitPath(path)
	if len(comps) == 0 {
		return resolved{dir: d.root, base: "/", node: d.root, slash: slash}, nil
	}
	stack := []*inode{d.root}
	links := 0
	for i := 0; i < len(comps); i++ {
		c := comps[i]
		last := i == len(comps)-1
		dir := stack[len(stack)-1]
		switch c {
		case ".":
			if last {
				return resolved{dir: dir, base: ".", node: dir, slash: slash}, nil
			}
			continue
		case "..":
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			if last {
				top := stack[len(stack)-1]
				return resolved{dir: top, base: "..", node: top, slash: slash}, nil
			}
			continue
		}
		k := d.lookup(dir, c)
		if k == nil {
			if last {
				return resolved{dir: dir, base: c, slash: slash}, nil
			}
			return resolved{}, syscall.ENOENT
		}
		if k.isSymlink() && (!last || follow) {
			if links++; links > maxSymlinks {
				return resolved{}, syscall.ELOOP
			}
			rest := append(splitPath(k.target), comps[i+1:]...)
			if strings.HasPrefix(k.target, "/") {
				stack = stack[:1]
			}
			if len(rest) == 0 {
				// A link to "/" (or to "." ...) at the end of the path.
				top := stack[len(stack)-1]
				return resolved{dir: top, base: ".", node: top, slash: slash}, nil
			}
			comps, i = rest, -1
			continue
		}
		if last {
			if slash && !k.isDir() {
				return resolved{}, syscall.ENOTDIR
			}
			return resolved{dir: dir, base: c, node: k, slash: slash}, nil
		}
		if !k.isDir() {
			return resolved{}, syscall.ENOTDIR
		}
		stack = append(stack, k)
	}
	// Only "." or ".." elements were left after a link.
	top := stack[len(stack)-1]
	return resolved{dir: top, base: ".", node: top, slash: slash}, nil
}

// splitPath returns the non-empty elements of a slash-separated path.
//
//go:norace
func splitPath(p string) []string {
	p = filepath.ToSlash(p)
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// touch marks dir changed now.
//
//go:norace
func touch(n *inode) { n.modTime = simrt.Now() }
