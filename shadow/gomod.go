package shadow

import (
	"fmt"
	"go/version"

	"golang.org/x/mod/modfile"
)

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
// Each of deps (module path, copy directory) replaces that module, all
// versions, dropping a replace the target had for it.
func shadowGoMod(name string, data []byte, replacePath string, deps ...[2]string) ([]byte, error) {
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
	for _, d := range deps {
		var vs []string
		for _, r := range f.Replace {
			if r.Old.Path == d[0] {
				vs = append(vs, r.Old.Version)
			}
		}
		for _, v := range vs {
			if err := f.DropReplace(d[0], v); err != nil {
				return nil, err
			}
		}
		if err := f.AddReplace(d[0], "", d[1], ""); err != nil {
			return nil, err
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
