package rewrite

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// runtimeExports returns the exported top-level names (functions, types,
// variables, constants) declared in the runtime package at path, read
// from its source in this repository under every build tag.
func runtimeExports(t *testing.T, path string) map[string]bool {
	t.Helper()
	dir := filepath.Join("..", filepath.FromSlash(strings.TrimPrefix(path, "simgen.dev/simgen/")))
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("runtime package %s: no sources in %s (%v)", path, dir, err)
	}
	names := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					names[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						names[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range s.Names {
							names[n.Name] = true
						}
					}
				}
			}
		}
	}
	return names
}

// TestMappingTargetsExist checks that every object the mapping table names
// is declared in the runtime, and that a package mapped wholesale (anyName)
// has a counterpart for every exported object of the standard package, so a
// renamed or forgotten runtime function fails here rather than in a user's
// build.
func TestMappingTargetsExist(t *testing.T) {
	exports := map[string]map[string]bool{}
	have := func(path, name string) bool {
		if exports[path] == nil {
			exports[path] = runtimeExports(t, path)
		}
		return exports[path][name]
	}
	imp := importer.ForCompiler(token.NewFileSet(), "source", nil)
	for key, tg := range mapping {
		pkg, name := key[0], key[1]
		if name != anyName {
			if !have(tg.path, tg.name) {
				t.Errorf("mapping: %s.%s -> %s.%s, which the runtime does not declare", pkg, name, tg.path, tg.name)
			}
			continue
		}
		std, err := imp.Import(pkg)
		if err != nil {
			t.Fatalf("importing %s: %v", pkg, err)
		}
		for _, n := range std.Scope().Names() {
			if isExported(n) && !have(tg.path, n) {
				t.Errorf("mapping: every name of %s goes to %s, which lacks %s", pkg, tg.path, n)
			}
		}
	}
}

// TestRuleTargetsExist checks the runtime names that rules spell out
// themselves (r.rt("MapRange") and the like) rather than through the table.
func TestRuleTargetsExist(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\br\.rt\("([A-Za-z0-9_]+)"\)`)
	rt := runtimeExports(t, simrtPath)
	var seen []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			seen = append(seen, m[1])
			if !rt[m[1]] {
				t.Errorf("%s: r.rt(%q) names nothing the runtime declares", f, m[1])
			}
		}
	}
	if !slices.Contains(seen, "MapRange") {
		t.Fatalf("found no r.rt(...) calls (saw %v): the scan is broken", seen)
	}
}
