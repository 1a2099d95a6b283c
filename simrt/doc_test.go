package simrt

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocListsEveryExport checks that doc.go's lists by audience name every
// exported top-level name of the package, so a new export comes with its
// audience.
func TestDocListsEveryExport(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	exported := map[string]bool{}
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
				if d.Recv == nil && d.Name.IsExported() {
					exported[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							exported[s.Name.Name] = true
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								exported[n.Name] = true
							}
						}
					}
				}
			}
		}
	}
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	doc = doc[strings.Index(doc, "# For rewritten code"):strings.Index(doc, "The hooks stay exported")]
	listed := map[string]bool{}
	for _, line := range strings.Split(doc, "\n") {
		line = strings.TrimPrefix(line, "//")
		if i := strings.Index(line, ": "); i >= 0 && strings.HasPrefix(strings.TrimSpace(line), "- ") {
			line = line[i+2:]
		}
		for _, w := range regexp.MustCompile(`\b[A-Z][A-Za-z0-9]*\b`).FindAllString(line, -1) {
			listed[w] = true
		}
	}
	if len(exported) < 50 {
		t.Fatalf("found %d exported names; the scan is broken", len(exported))
	}
	for n := range exported {
		if !listed[n] {
			t.Errorf("%s is exported but doc.go does not list it under an audience", n)
		}
	}
}
