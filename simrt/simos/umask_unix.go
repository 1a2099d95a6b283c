//go:build unix

package simos

// This file reads the process's umask, which a node's new files get as
// the host's do.
//
// Invariants: the umask is read once, before any node makes a file.

import (
	"io/fs"
	"syscall"
)

// umask is read once at package initialization: syscall.Umask can only
// read it by setting it, which races with files made concurrently.
var umask = func() fs.FileMode {
	m := syscall.Umask(0o022)
	syscall.Umask(m)
	return fs.FileMode(m)
}()
