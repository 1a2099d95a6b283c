package rewrite

// Rule: entry points, where the simulation starts.
//
//	func TestX(t *testing.T) {        func TestX(t *testing.T) { simrt.Test(t, func(t *testing.T) {
//		body                  ->  	body
//	}                                 })}
//
//	func BenchmarkX(b *testing.B) { body }  ->  ... { simrt.Benchmark(b, func(b *testing.B) { body })}
//	func ExampleX() { body }                ->  func ExampleX() { simrt.Example("ExampleX", func() { body })}
//	func main() { body }                    ->  func main() { simrt.Main(func() { body })}
//	f.Fuzz(func(t *testing.T, s string) { body })
//	                                        ->  f.Fuzz(func(t *testing.T, s string) { simrt.Test(t, func(t *testing.T) { body })})
//	t.Run(name, f)   ->  simrt.Run(t, name, f)     (also *testing.B)
//	t.Cleanup(f)     ->  simrt.Cleanup(t, f)       (*testing.T, *testing.B, *testing.F, testing.TB)
//	t.Parallel()     ->  simrt.Parallel(t)
//	t.Context()      ->  simrt.TestContext(t)  (a simulated context, canceled
//	                                            before t's cleanups run)
//	b.RunParallel(func(pb *testing.PB) { body })
//	                 ->  simrt.RunParallel(b, func(pb *simrt.PB) { body })
//	synctest.Test(t, f) ->  simrt.SyncTest(t, f)   (testing/synctest: a world
//	synctest.Wait()     ->  simrt.SyncWait()        is a bubble already)
//
// The wrapped body keeps its lines; an Example's "// Output:" comment stays
// the last comment of the function, where go test looks for it. TestMain is
// left alone: each test it runs is a world of its own.

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

func (r *fileRewriter) ruleEntry(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.FuncDecl:
		kind := r.entryKind(n)
		if kind == "" || kind == "fuzz" {
			return "", false
		}
		r.count(kind + " entry")
		switch kind {
		case "test", "benchmark":
			wrapper := map[string]string{"test": "Test", "benchmark": "Benchmark"}[kind]
			return r.wrapBody(n.Pos(), n.Body, n.Type.Params.List[0], wrapper, children(n)), true
		case "example":
			return r.wrapBody(n.Pos(), n.Body, nil, "Example:"+n.Name.Name, children(n)), true
		default:
			return r.wrapBody(n.Pos(), n.Body, nil, "Main", children(n)), true
		}
	case *ast.CallExpr:
		return r.testingCall(n)
	case *ast.SelectorExpr, *ast.Ident:
		return r.mappedRef(n, "testing", "testing/synctest")
	}
	return "", false
}

// entryKind classifies a function declaration as go test and go run see it.
func (r *fileRewriter) entryKind(fd *ast.FuncDecl) string {
	if fd.Recv != nil || fd.Body == nil || fd.Type.TypeParams != nil || fd.Type.Results.NumFields() != 0 {
		return ""
	}
	name := fd.Name.Name
	params := fd.Type.Params.List
	if r.pkg.Name == "main" && name == "main" && len(params) == 0 {
		return "main"
	}
	if !strings.HasSuffix(r.path, "_test.go") {
		return ""
	}
	oneParam := func(typ string) bool {
		if fd.Type.Params.NumFields() != 1 {
			return false
		}
		return isTestingPtr(r.typeOf(params[0].Type), typ)
	}
	switch {
	case isTestName(name, "Test") && name != "TestMain" && oneParam("T"):
		return "test"
	case isTestName(name, "Benchmark") && oneParam("B"):
		return "benchmark"
	case isTestName(name, "Fuzz") && oneParam("F"):
		return "fuzz"
	case strings.HasPrefix(name, "Example") && len(params) == 0:
		return "example"
	}
	return ""
}

// isTestName is go test's rule: the prefix, then nothing or a rune that is
// not a lower-case letter.
func isTestName(name, prefix string) bool {
	if !strings.HasPrefix(name, prefix) {
		return false
	}
	if len(name) == len(prefix) {
		return true
	}
	c, _ := utf8.DecodeRuneInString(name[len(prefix):])
	return !unicode.IsLower(c)
}

// isTestingPtr reports whether t is *testing.<name>.
func isTestingPtr(t types.Type, name string) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	return isTestingType(p.Elem(), name)
}

func isTestingType(t types.Type, name string) bool {
	nt, ok := types.Unalias(t).(*types.Named)
	return ok && nt.Obj().Pkg() != nil && nt.Obj().Pkg().Path() == "testing" && nt.Obj().Name() == name
}

// wrapBody splices [from, body) as it is and moves the statements of body
// into a closure passed to simrt.<wrapper>. param is the function's
// *testing.T or *testing.B parameter, nil for Main.
func (r *fileRewriter) wrapBody(from token.Pos, body *ast.BlockStmt, param *ast.Field, wrapper string, kids []ast.Node) string {
	open := r.entryOpen(param, wrapper)
	stmts := make([]ast.Node, len(body.List))
	for i, s := range body.List {
		stmts[i] = s
	}
	return r.splice(from, body.Lbrace+1, kids) + " " + open + r.splice(body.Lbrace+1, body.Rbrace, stmts) + "})}"
}

// entryOpen returns the opening of the wrapper call. A parameter without a
// usable name is given one first (through memo, before the header is
// spliced), since the closure needs the outer value.
func (r *fileRewriter) entryOpen(param *ast.Field, wrapper string) string {
	if name, ok := strings.CutPrefix(wrapper, "Example:"); ok {
		return r.rt("Example") + "(" + strconv.Quote(name) + ", func() {"
	}
	if param == nil {
		return r.rt(wrapper) + "(func() {"
	}
	typ := r.text(param.Type)
	var outer, inner string
	switch {
	case len(param.Names) == 0:
		outer = r.temp("t")
		r.memo[param.Type] = outer + " " + typ
		inner = typ
	case param.Names[0].Name == "_":
		outer = r.temp("t")
		r.memo[param.Names[0]] = outer
		inner = "_ " + typ
	default:
		outer = param.Names[0].Name
		inner = outer + " " + typ
	}
	return r.rt(wrapper) + "(" + outer + ", func(" + inner + ") {"
}

// testingCall rewrites f.Fuzz targets and the testing methods that start or
// schedule goroutines.
func (r *fileRewriter) testingCall(call *ast.CallExpr) (string, bool) {
	se, ok := unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	sel, ok := r.info.Selections[se]
	if !ok || sel.Kind() != types.MethodVal {
		return "", false
	}
	fn := sel.Obj().(*types.Func)
	if fn.Pkg() == nil || fn.Pkg().Path() != "testing" {
		return "", false
	}
	// Cleanup is declared on testing's unexported common and promoted, so
	// the receiver that counts is the one the path reaches first.
	recv := testingRecv(sel)
	isT, isB, isF := isTestingPtr(recv, "T"), isTestingPtr(recv, "B"), isTestingPtr(recv, "F")
	isTB := isTestingType(recv, "TB")
	var name string
	switch fn.Name() {
	case "Fuzz":
		if !isF || len(call.Args) != 1 {
			return "", false
		}
		lit, ok := unparen(call.Args[0]).(*ast.FuncLit)
		if !ok || lit.Type.Params.NumFields() == 0 || len(lit.Type.Params.List[0].Names) != 1 {
			r.diag(call.Args[0].Pos(), Warning, "the fuzz target is not a function literal whose first parameter is *testing.T alone, so it runs outside the simulation; pass a func literal to f.Fuzz")
			return "", false
		}
		r.count("fuzz entry")
		// The literal's own header stays; its body moves into simrt.Test.
		first := lit.Type.Params.List[0]
		open := r.entryOpen(first, "Test")
		stmts := make([]ast.Node, len(lit.Body.List))
		for i, s := range lit.Body.List {
			stmts[i] = s
		}
		return r.splice(call.Pos(), lit.Body.Lbrace+1, []ast.Node{se, lit.Type}) + " " + open +
			r.splice(lit.Body.Lbrace+1, lit.Body.Rbrace, stmts) + "})}" + r.splice(lit.End(), call.End(), nil), true
	case "Run":
		if !isT && !isB {
			return "", false
		}
		name = "Run"
	case "Cleanup":
		if !isT && !isB && !isF && !isTB {
			return "", false
		}
		name = "Cleanup"
	case "Context":
		if !isT && !isB && !isF && !isTB {
			return "", false
		}
		name = "TestContext"
	case "Parallel":
		if !isT {
			return "", false
		}
		name = "Parallel"
	case "RunParallel":
		if !isB {
			return "", false
		}
		name = "RunParallel"
	default:
		return "", false
	}
	r.count("t." + strings.TrimPrefix(name, "Test"))
	recvText := r.text(se.X) + r.embeddedPath(sel)
	var kids []ast.Node
	kids = append(kids, se.X)
	args := []string{recvText}
	for _, a := range call.Args {
		args = append(args, r.text(a))
		kids = append(kids, a)
	}
	return r.rt(name) + "(" + r.glue(call.Pos(), call.End(), kids...) + strings.Join(args, ", ") + ")", true
}

// embeddedPath spells the embedded fields through which a promoted method is
// reached, up to the first type of package testing (".T" for s.Run where s
// embeds *testing.T).
func (r *fileRewriter) embeddedPath(sel *types.Selection) string {
	path, _ := walkToTesting(sel)
	return path
}

// testingRecv returns the first type of package testing on the path from
// the receiver expression to the method.
func testingRecv(sel *types.Selection) types.Type {
	_, t := walkToTesting(sel)
	return t
}

func walkToTesting(sel *types.Selection) (string, types.Type) {
	var path string
	t := sel.Recv()
	idx := sel.Index()
	for _, i := range idx[:len(idx)-1] {
		if isTestingPkgType(t) {
			return path, t
		}
		u := t.Underlying()
		if p, ok := u.(*types.Pointer); ok {
			u = p.Elem().Underlying()
		}
		st, ok := u.(*types.Struct)
		if !ok {
			return path, t
		}
		f := st.Field(i)
		path += "." + f.Name()
		t = f.Type()
	}
	return path, t
}

func isTestingPkgType(t types.Type) bool {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	nt, ok := types.Unalias(t).(*types.Named)
	return ok && nt.Obj().Pkg() != nil && nt.Obj().Pkg().Path() == "testing"
}
