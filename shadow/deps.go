package shadow

// Dependency modules. The go command cannot overlay files in the module
// cache, so each dependency module whose packages were rewritten is copied
// whole into DIR/deps/<path>@<version>, its rewritten files in place of the
// originals, and the overlaid go.mod replaces the module with the copy.

import (
	"fmt"
	"go/version"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"

	"simgen.dev/simgen/rewrite"
)

// depDir is the slash path, relative to DIR, of a dependency's copy.
func depDir(d rewrite.Unit) string {
	v := d.Version
	if v == "" {
		v = "local"
	}
	return path.Join("deps", d.Path+"@"+v)
}

// addDep adds the copy of one dependency module to the plan, and returns
// the replace directive that wires it in. A copy inside the module root
// modReal is named relative to it (./...), which keeps the shadow tree
// movable with the module and out of go.mod diffs in CI logs.
func (t *tree) addDep(d rewrite.Unit, modReal string) (depReplace, error) {
	if !filepath.IsAbs(d.Dir) {
		return depReplace{}, fmt.Errorf("shadow: dependency %s has no absolute directory", d.Path)
	}
	base := depDir(d)
	rewritten := map[string][]byte{}
	for _, f := range d.Files {
		rel, err := filepath.Rel(d.Dir, f.Orig)
		if err != nil || !filepath.IsLocal(rel) {
			return depReplace{}, fmt.Errorf("shadow: rewritten file %s is outside its module %s", f.Orig, d.Dir)
		}
		rewritten[filepath.ToSlash(rel)] = f.Content
	}
	root := os.DirFS(d.Dir)
	err := fs.WalkDir(root, ".", func(name string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if name != "." && (strings.HasPrefix(e.Name(), ".") || strings.HasPrefix(e.Name(), "_") || e.Name() == "testdata") {
				return fs.SkipDir
			}
			if name != "." {
				// A nested module is not part of this one.
				if _, err := fs.Stat(root, path.Join(name, "go.mod")); err == nil {
					return fs.SkipDir
				}
			}
			return nil
		}
		if !e.Type().IsRegular() || name == "go.mod" || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		data, ok := rewritten[name]
		if !ok {
			if data, err = fs.ReadFile(root, name); err != nil {
				return err
			}
		}
		t.files[path.Join(base, name)] = data
		return nil
	})
	if err != nil {
		return depReplace{}, fmt.Errorf("shadow: copying dependency %s: %w", d.Path, err)
	}
	gomod, err := depGoMod(d)
	if err != nil {
		return depReplace{}, fmt.Errorf("shadow: %w", err)
	}
	t.files[path.Join(base, "go.mod")] = gomod
	target := filepath.Join(t.dir, filepath.FromSlash(base))
	if inside(modReal, t.dir) {
		rel, err := filepath.Rel(modReal, target)
		if err != nil {
			return depReplace{}, fmt.Errorf("shadow: %w", err)
		}
		target = "./" + filepath.ToSlash(rel)
	}
	return depReplace{d.Path, d.Version, target}, nil
}

// depGoMod is the go.mod of a dependency's copy: its own, with the go line
// raised to 1.21 where it is older, since rewritten code instantiates
// generic functions of simrt (1.18) with interface types as comparable
// keys (1.20). Loop variables keep their old meaning up to 1.21.
func depGoMod(d rewrite.Unit) ([]byte, error) {
	var data []byte
	if d.GoMod != "" {
		var err error
		if data, err = os.ReadFile(d.GoMod); err != nil {
			return nil, err
		}
	}
	name := d.GoMod
	if name == "" {
		name = "go.mod"
		data = []byte("module " + modfile.AutoQuote(d.Path) + "\n")
	}
	f, err := modfile.Parse(name, data, nil)
	if err != nil {
		return nil, err
	}
	if f.Go == nil || version.Compare("go"+f.Go.Version, "go1.21") < 0 {
		if err := f.AddGoStmt("1.21"); err != nil {
			return nil, err
		}
	}
	f.Cleanup()
	return modfile.Format(f.Syntax), nil
}
