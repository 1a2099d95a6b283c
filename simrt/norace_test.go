package simrt_test

// Under -race, simrt's own state must stay out of the detector's sight
// (race.go): every function of package simrt, simnet and simos is marked
// norace, except the few that are instrumented on purpose and touch
// nothing but their arguments.

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// instrumented are the functions left instrumented on purpose: their entry
// records the caller's line, which a report's stack needs.
var instrumented = map[string]bool{
	"Go":     true, // the go statement's line, for "created at"
	"Send":   true, // the send's line, when it races a close
	"Close":  true, // the close's line, when it races a send
	"Select": true, // the select's line, when a send case races a close
	// The line of a Read or Write whose buffer races (IOReadInto,
	// IOWroteFrom): package syscall records the bytes natively.
	"simnet/TCPConn.Read":  true,
	"simnet/TCPConn.Write": true,
	"simnet/UDPConn.Read":  true,
	"simnet/UDPConn.Write": true,
	"simos/File.Read":      true,
	"simos/File.ReadAt":    true,
	"simos/File.Write":     true,
	"simos/File.WriteAt":   true,
	"simos/WriteFile":      true,
}

// funcKey names fn of the file f for instrumented: "Go" in simrt,
// "simnet/TCPConn.Read" in a subpackage.
func funcKey(f string, fn *ast.FuncDecl) string {
	name := fn.Name.Name
	if fn.Recv != nil && len(fn.Recv.List) == 1 {
		t := fn.Recv.List[0].Type
		if s, ok := t.(*ast.StarExpr); ok {
			t = s.X
		}
		if id, ok := t.(*ast.Ident); ok {
			name = id.Name + "." + name
		}
	}
	if dir := filepath.Dir(f); dir != "." {
		name = dir + "/" + name
	}
	return name
}

func TestEveryFunctionIsNorace(t *testing.T) {
	// simnet and simos keep a run's network and disks, which every
	// goroutine touches in turn, as simrt's own state.
	var files []string
	for _, dir := range []string{".", "simnet", "simos"} {
		fs, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || strings.HasSuffix(f, "_norace.go") {
			continue // tests, and the empty twins of the race build
		}
		file, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || instrumented[funcKey(f, fn)] {
				continue
			}
			norace := false
			if fn.Doc != nil {
				for _, c := range fn.Doc.List {
					norace = norace || c.Text == "//go:norace"
				}
			}
			if !norace {
				t.Errorf("%s: func %s has no //go:norace: under -race its accesses to simrt's state would be reported as the program's races", fset.Position(fn.Pos()), fn.Name.Name)
			}
		}
	}
}
