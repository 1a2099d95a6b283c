//go:build !unix

package simos

// This file is the umask where there is none.

import "io/fs"

var umask fs.FileMode = 0
