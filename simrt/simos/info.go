package simos

// This file is the FileInfo and DirEntry of a node's files, and the mode
// arithmetic os does (umask, the bits Chmod may change).
//
// Invariants: a FileInfo is a snapshot taken when it is made; a DirEntry
// reads its inode when Info is called, as os's lstat-on-demand does.

import (
	"io/fs"
	"os"
	"time"
)

// fileInfo describes a node's file.
type fileInfo struct {
	name    string
	size    int64
	mode    fs.FileMode
	modTime time.Time
	ino     *inode
}

//go:norace
func infoOf(name string, n *inode) *fileInfo {
	return &fileInfo{name: name, size: n.size(), mode: n.mode, modTime: n.modTime, ino: n}
}

//go:norace
func (fi *fileInfo) Name() string { return fi.name }

//go:norace
func (fi *fileInfo) Size() int64 { return fi.size }

//go:norace
func (fi *fileInfo) Mode() fs.FileMode { return fi.mode }

//go:norace
func (fi *fileInfo) ModTime() time.Time { return fi.modTime }

//go:norace
func (fi *fileInfo) IsDir() bool { return fi.mode.IsDir() }

//go:norace
func (fi *fileInfo) Sys() any { return nil }

// dirEntry is an entry of a node's directory.
type dirEntry struct {
	name string
	ino  *inode
}

//go:norace
func (e dirEntry) Name() string { return e.name }

//go:norace
func (e dirEntry) IsDir() bool { return e.ino.isDir() }

//go:norace
func (e dirEntry) Type() fs.FileMode { return e.ino.mode.Type() }

//go:norace
func (e dirEntry) Info() (fs.FileInfo, error) { return infoOf(e.name, e.ino), nil }

//go:norace
func (e dirEntry) String() string { return fs.FormatDirEntry(e) }

// SameFile reports whether fi1 and fi2 describe the same file: os.SameFile
// for the host's files, the same inode for a node's.
//
//go:norace
func SameFile(fi1, fi2 fs.FileInfo) bool {
	a, ok1 := fi1.(*fileInfo)
	b, ok2 := fi2.(*fileInfo)
	if ok1 || ok2 {
		return ok1 && ok2 && a.ino == b.ino
	}
	return os.SameFile(fi1, fi2)
}

// basename is os's: the last element of name, trailing slashes removed.
//
//go:norace
func basename(name string) string {
	i := len(name) - 1
	for ; i > 0 && name[i] == '/'; i-- {
		name = name[:i]
	}
	for i--; i >= 0; i-- {
		if name[i] == '/' {
			name = name[i+1:]
			break
		}
	}
	return name
}

// settable is the mode bits Chmod and the perm of Mkdir and OpenFile may
// set.
const settable = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

//go:norace
func chmod(n *inode, mode fs.FileMode) {
	n.mode = n.mode&^settable | mode&settable
}

// createMode is the mode of a new file or directory made with perm.
//
//go:norace
func createMode(typ, perm fs.FileMode) fs.FileMode {
	return typ | perm&settable&^umask
}
