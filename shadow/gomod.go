package shadow

import (
	"fmt"
	"go/version"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// depReplace is a dependency module whose copy in the shadow tree replaces
// it: its path, its version in the build ("" for a directory replacement)
// and the copy's directory.
type depReplace struct {
	path, version, dir string
}

// simgenModule is the module that generated code imports simrt from. The
// target never requires it itself: the overlaid go.mod does, and points it
// at the runtime copy in the shadow tree.
const simgenModule = "simgen.dev/simgen"

// simgenVersion is the pseudo-version cmd/go itself writes for a required
// module that only a replace directive provides.
const simgenVersion = "v0.0.0-00010101000000-000000000000"

// markerGoMod makes DIR a module of its own, so that `./...` in a target
// module that holds DIR never walks into the shadow copies.
const markerGoMod = `// This directory is simgen's shadow build tree, rewritten on every run.
// It is a module of its own so that ./... in the module around it never
// walks into the generated copies. Do not edit; do not commit.
module shadow.simgen.invalid
`

// markerModule is the module line of markerGoMod, used to recognise a
// directory that an earlier (perhaps interrupted) run wrote.
const markerModule = "shadow.simgen.invalid"

// runtimeGoMod is the go.mod of the runtime copy. simrt keeps to Go 1.21 so
// that targets on any toolchain since then can compile it.
const runtimeGoMod = `// Written by simgen: the deterministic runtime that generated code imports.
module simgen.dev/simgen

go 1.21
`

// shadowGoMod returns the target's go.mod with a requirement on
// simgen.dev/simgen replaced by replacePath. Any require or replace of
// simgen.dev/simgen the target already has is dropped first: the generated
// code must use exactly the runtime of the simgen that generated it.
//
// Each of deps replaces its module, all versions, with its copy, dropping
// a replace the target had for it.
//
// A go line older than 1.17 means an unpruned module graph, where go.mod
// lists only the direct requirements. Raised to 1.21 (below), the graph is
// pruned, and the go command then wants every module that provides a
// package to the build required in go.mod ("updates to go.mod needed"),
// as `go mod tidy` would write them: each of deps that go.mod does not
// require yet is added as an indirect requirement.
func shadowGoMod(name string, data []byte, replacePath string, deps ...depReplace) ([]byte, error) {
	f, err := modfile.Parse(name, data, nil)
	if err != nil {
		return nil, err
	}
	if f.Module != nil && f.Module.Mod.Path == simgenModule {
		return nil, fmt.Errorf("%s: module %s cannot be simulated by itself", name, simgenModule)
	}
	if err := f.DropRequire(simgenModule); err != nil {
		return nil, err
	}
	var olds []string
	for _, r := range f.Replace {
		if r.Old.Path == simgenModule {
			olds = append(olds, r.Old.Version)
		}
	}
	for _, v := range olds {
		if err := f.DropReplace(simgenModule, v); err != nil {
			return nil, err
		}
	}
	unpruned := f.Go == nil || version.Compare("go"+f.Go.Version, "go1.17") < 0
	required := map[string]bool{}
	for _, r := range f.Require {
		required[r.Mod.Path] = true
	}
	for _, d := range deps {
		var vs []string
		for _, r := range f.Replace {
			if r.Old.Path == d.path {
				vs = append(vs, r.Old.Version)
			}
		}
		for _, v := range vs {
			if err := f.DropReplace(d.path, v); err != nil {
				return nil, err
			}
		}
		if err := f.AddReplace(d.path, "", d.dir, ""); err != nil {
			return nil, err
		}
		if unpruned && !required[d.path] {
			// The copy replaces every version, so any version will do:
			// the build's where there is one.
			v := d.version
			if !semver.IsValid(v) {
				v = simgenVersion
			}
			f.AddNewRequire(d.path, v, true)
			required[d.path] = true
		}
	}
	// Since Go 1.21 the go command refuses a main module whose go line is
	// older than a dependency's, and the runtime's says 1.21. Raising an
	// older line to 1.21 keeps the language the tests see: loop variables
	// change meaning only at 1.22.
	if f.Go == nil || version.Compare("go"+f.Go.Version, "go1.21") < 0 {
		if err := f.AddGoStmt("1.21"); err != nil {
			return nil, err
		}
	}
	f.AddNewRequire(simgenModule, simgenVersion, false)
	if err := f.AddReplace(simgenModule, "", replacePath, ""); err != nil {
		return nil, err
	}
	f.Cleanup()
	return modfile.Format(f.Syntax), nil
}
