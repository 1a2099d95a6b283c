//go:build !unix

package simos

// This file is the umask where there is none.
//
// Invariants: the umask is read once, before any node makes a file.

import "io/fs"

var umask fs.FileMode = 0
