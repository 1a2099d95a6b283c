package rewrite

// Rule: package testing's methods that log or report, which panic when a
// goroutine calls them after its test completed.
//
//	t.Log("got", v)        ->  simrt.TBLog(t, "got", v)
//	tb.Errorf(f, args...)  ->  simrt.TBErrorf(tb, f, args...)
//	s.FailNow()            ->  simrt.TBFailNow(s.T)      (s embeds *testing.T)
//	w := t.Output()        ->  w := simrt.TBOutput(t)
//	logf := t.Logf         ->  logf := simrt.TBFormatFunc(t, "Logf")
//	fail := t.FailNow      ->  fail := simrt.TBFailFunc(t, "FailNow")
//
// The methods are Log, Logf, Error, Errorf, Fatal, Fatalf, Skip, Skipf,
// Fail, FailNow and Output, on *testing.T, *testing.B, *testing.F,
// testing.TB, an interface or type parameter that embeds it, and a struct
// that embeds one of them. Under simulation a test's body returns inside the
// real test function, so the goroutines it left run against a live
// *testing.T; simrt (testlog.go) knows when the simulated test completed
// and panics with package testing's text. A method value is bound where it
// is written, as natively. The receiver is evaluated before the arguments,
// as in the call it replaces.

import (
	"go/ast"
	"go/types"
	"slices"
	"strconv"
)

// testLogMethods are the reporting methods and the simrt function of each
// call; testLogValues the simrt function of each method value.
var (
	testLogMethods = map[string]string{
		"Log": "TBLog", "Logf": "TBLogf", "Error": "TBError", "Errorf": "TBErrorf",
		"Fatal": "TBFatal", "Fatalf": "TBFatalf", "Skip": "TBSkip", "Skipf": "TBSkipf",
		"Fail": "TBFail", "FailNow": "TBFailNow", "Output": "TBOutput",
	}
	testLogValues = map[string]string{
		"Log": "TBArgsFunc", "Error": "TBArgsFunc", "Fatal": "TBArgsFunc", "Skip": "TBArgsFunc",
		"Logf": "TBFormatFunc", "Errorf": "TBFormatFunc", "Fatalf": "TBFormatFunc", "Skipf": "TBFormatFunc",
		"Fail": "TBFailFunc", "FailNow": "TBFailFunc",
	}
)

func (r *fileRewriter) ruleTestLog(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.CallExpr:
		se, ok := unparen(n.Fun).(*ast.SelectorExpr)
		if !ok {
			return "", false
		}
		sel, name := r.testLogSelection(se)
		if sel == nil {
			return "", false
		}
		r.count("t." + name)
		// The arguments keep their bytes, and so their lines; only the
		// receiver moves inside the parentheses.
		sep := ""
		if len(n.Args) > 0 {
			sep = ", "
		}
		args := make([]ast.Node, len(n.Args))
		for i, a := range n.Args {
			args[i] = a
		}
		return r.rt(testLogMethods[name]) + "(" + r.glue(n.Pos(), n.Lparen+1, se.X) + r.text(se.X) + r.embeddedPath(sel) + sep +
			r.splice(n.Lparen+1, n.End(), args), true
	case *ast.SelectorExpr:
		sel, name := r.testLogSelection(n)
		if sel == nil || testLogValues[name] == "" {
			return "", false
		}
		r.count("t." + name + " value")
		return r.rt(testLogValues[name]) + "(" + r.glue(n.Pos(), n.End(), n.X) + r.text(n.X) + r.embeddedPath(sel) + ", " + strconv.Quote(name) + ")", true
	}
	return "", false
}

// testLogSelection returns the selection of se and the method's name when
// se selects one of testing's reporting methods on a test, a benchmark, a
// fuzz target or a testing.TB.
func (r *fileRewriter) testLogSelection(se *ast.SelectorExpr) (*types.Selection, string) {
	sel, ok := r.info.Selections[se]
	if !ok || sel.Kind() != types.MethodVal {
		return nil, ""
	}
	fn := sel.Obj().(*types.Func)
	name := fn.Name()
	if fn.Pkg() == nil || fn.Pkg().Path() != "testing" || testLogMethods[name] == "" {
		return nil, ""
	}
	recv := testingRecv(sel)
	// An interface or a type parameter whose method this is embeds
	// testing.TB, the one interface of package testing that has them.
	if !slices.ContainsFunc([]string{"T", "B", "F"}, func(n string) bool { return isTestingPtr(recv, n) }) && !types.IsInterface(recv) {
		return nil, ""
	}
	return sel, name
}
