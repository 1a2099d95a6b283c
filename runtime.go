// Package simgen is the root of the simgen module. It carries what the
// simgen binary needs at run time besides its code: the sources of the
// deterministic runtime simrt, which every shadow tree gets a copy of, and
// the version to report.
package simgen

import (
	"embed"
	"runtime/debug"
)

// Runtime holds the sources of package simrt and its subpackages, and of
// package sim (the API simulation tests import), at their paths in this
// module (simrt/sched.go, simrt/simatomic/atomic.go, sim/sim.go, ...).
// Embedding them is what lets a user `go install` simgen and run it on a
// module that never requires simgen.dev/simgen: the shadow tree gets this
// copy and the overlaid go.mod points there.
//
// The whole directory is embedded, not a list of patterns, so that a new
// subpackage is carried without touching this file. It includes test files
// and testdata, which the shadow writer leaves out.
//
//go:embed simrt sim
var Runtime embed.FS

// Version is the version of the simgen module this binary was built from,
// as recorded in its build information, or "devel" when there is none (a
// build from a source tree without version control stamping).
var Version = version(debug.ReadBuildInfo())

// modulePath is this module's path, to find its version among the
// dependencies when simgen is built into another program.
const modulePath = "simgen.dev/simgen"

func version(bi *debug.BuildInfo, ok bool) string {
	if !ok {
		return "devel"
	}
	v := ""
	if bi.Main.Path == modulePath {
		v = bi.Main.Version
	} else {
		for _, d := range bi.Deps {
			if d.Path == modulePath {
				v = d.Version
				break
			}
		}
	}
	if v == "" || v == "(devel)" {
		return "devel"
	}
	return v
}
