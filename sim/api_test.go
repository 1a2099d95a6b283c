package sim

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"slices"
	"strings"
	"testing"
)

// exportedAPI returns the exported declarations of one source file, one
// line each: functions and methods with their signatures (parameter names
// left out), types with their kind, variables and constants by name.
func exportedAPI(t *testing.T, file string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	typeString := func(e ast.Node) string {
		var b bytes.Buffer
		if err := printer.Fprint(&b, fset, e); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	fields := func(fl *ast.FieldList) string {
		if fl == nil {
			return ""
		}
		var parts []string
		for _, fd := range fl.List {
			n := max(len(fd.Names), 1)
			for range n {
				parts = append(parts, typeString(fd.Type))
			}
		}
		return strings.Join(parts, ", ")
	}
	var api []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() {
				continue
			}
			name := d.Name.Name
			if d.Recv != nil {
				recv := typeString(d.Recv.List[0].Type)
				if !ast.IsExported(strings.TrimPrefix(recv, "*")) {
					continue
				}
				name = "(" + recv + ")." + name
			}
			api = append(api, "func "+name+"("+fields(d.Type.Params)+") ("+fields(d.Type.Results)+")")
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					if !s.Name.IsExported() {
						continue
					}
					kind := "type " + s.Name.Name
					if st, ok := s.Type.(*ast.StructType); ok {
						// Exported fields are API; unexported ones are each
						// half's own business.
						var ex []string
						for _, fd := range st.Fields.List {
							for _, n := range fd.Names {
								if n.IsExported() {
									ex = append(ex, n.Name+" "+typeString(fd.Type))
								}
							}
						}
						kind += " struct{" + strings.Join(ex, "; ") + "}"
					} else {
						kind += " " + typeString(s.Type)
					}
					api = append(api, kind)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.IsExported() {
							api = append(api, d.Tok.String()+" "+n.Name)
						}
					}
				}
			}
		}
	}
	slices.Sort(api)
	return api
}

// TestHalvesMatch checks that the package's two halves, native.go (no sim
// tag) and simulated.go (the sim tag), export the same API, so a test that
// builds one way builds the other.
func TestHalvesMatch(t *testing.T) {
	native, simulated := exportedAPI(t, "native.go"), exportedAPI(t, "simulated.go")
	if len(native) < 10 {
		t.Fatalf("native.go exports %d names; the scan is broken: %v", len(native), native)
	}
	for _, a := range native {
		if !slices.Contains(simulated, a) {
			t.Errorf("native.go has %s; simulated.go does not", a)
		}
	}
	for _, a := range simulated {
		if !slices.Contains(native, a) {
			t.Errorf("simulated.go has %s; native.go does not", a)
		}
	}
}
