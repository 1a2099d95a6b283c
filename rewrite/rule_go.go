package rewrite

// Rule: go statements.
//
//	go worker(ctx, jobs[i], 3)  ->  { _sima0, _sima1 := ctx, jobs[i]; GO(func() { worker(_sima0, _sima1, 3) }) }
//	go s.handle(c)              ->  { _simf, _sima0 := s.handle, c; GO(func() { _simf(_sima0) }) }
//	go func() { ... }()         ->  { GO(func() { ... }) }
//	go f(xs...)                 ->  { _sima0 := xs; GO(func() { f(_sima0...) }) }
//
// where GO is
//
//	_simg := simrt.NewSpawn(); if simrt.RaceGo { go _simg.Run() }; _simg.Go
//
// simrt.Spawn's Go starts the simulated goroutine, as simrt.Go does. Under
// -race each simulated goroutine is a real goroutine, and the race
// detector's "created at" stack is the stack of the go statement that
// started it: started by a go statement in the user's function, at the
// original line, it reads as natively. Without -race simrt.RaceGo is a
// false constant and the branch compiles to nothing.
//
// The function value and the arguments are evaluated at the go statement,
// as Go does. A static function (a declared function, generic or not, a
// method expression, a function literal) needs no evaluation; constants and
// nil stay inline, so untyped constants keep the types the call gives them
// and generic calls infer what they inferred before.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

func (r *fileRewriter) ruleGo(n ast.Node) (string, bool) {
	gs, ok := n.(*ast.GoStmt)
	if !ok {
		return "", false
	}
	r.count("go")
	call := gs.Call
	// Under -race the statement starts the goroutine's real goroutine
	// itself, here in the user's function, so that the detector's "created
	// at" names it (simrt.Spawn); without -race RaceGo is a false constant.
	sp := r.temp("g")
	goFn := sp + " := " + r.rt("NewSpawn") + "(); if " + r.rt("RaceGo") + " { go " + sp + ".Run() }; " + sp + ".Go"
	// go func() { ... }(): the literal is the goroutine.
	if lit, ok := unparen(call.Fun).(*ast.FuncLit); ok && len(call.Args) == 0 &&
		lit.Type.Params.NumFields() == 0 && lit.Type.Results.NumFields() == 0 {
		return "{ " + goFn + "(" + r.glue(gs.Pos(), gs.End(), lit) + r.text(lit) + ") }", true
	}

	var names, values []string
	kids := []ast.Node{call.Fun}
	fun := r.text(call.Fun)
	if id, ok := unparen(call.Fun).(*ast.Ident); ok {
		if b, ok := r.info.Uses[id].(*types.Builtin); ok && b.Name() == "close" && len(call.Args) == 1 && chanOf(r.typeOf(call.Args[0])) != nil {
			fun = r.rt("Close")
			r.count("close")
		}
	}
	if !r.staticFunc(call.Fun) {
		names = append(names, r.temp("f"))
		values = append(values, fun)
		fun = r.temp("f")
	}
	var args []string
	for i, a := range call.Args {
		kids = append(kids, a)
		tv := r.info.Types[a]
		if tv.Value != nil || tv.IsNil() {
			args = append(args, r.text(a))
			continue
		}
		name := r.temp(fmt.Sprint("a", i))
		names = append(names, name)
		values = append(values, r.argValue(a))
		args = append(args, name)
	}
	inner := fun + "(" + strings.Join(args, ", ")
	if call.Ellipsis.IsValid() {
		inner += "..."
	}
	inner += ")"
	gl := r.glue(gs.Pos(), gs.End(), kids...)
	if len(names) == 0 {
		return "{ " + goFn + "(func() {" + gl + " " + inner + " }) }", true
	}
	return "{" + gl + " " + strings.Join(names, ", ") + " := " + strings.Join(values, ", ") +
		"; " + goFn + "(func() { " + inner + " }) }", true
}

// staticFunc reports whether evaluating fun has no effect and always gives
// the same function, so it can be named inside the goroutine.
func (r *fileRewriter) staticFunc(fun ast.Expr) bool {
	switch f := unparen(fun).(type) {
	case *ast.FuncLit:
		return true
	case *ast.Ident:
		switch r.info.Uses[f].(type) {
		case *types.Func, *types.Builtin:
			return true
		}
	case *ast.SelectorExpr:
		if sel, ok := r.info.Selections[f]; ok {
			return sel.Kind() == types.MethodExpr
		}
		_, ok := r.info.Uses[f.Sel].(*types.Func)
		return ok
	case *ast.IndexExpr:
		return r.staticFunc(f.X)
	case *ast.IndexListExpr:
		return r.staticFunc(f.X)
	}
	return false
}

// argValue is the text that initialises an argument's temporary. An
// expression whose type came from the call (a comparison passed as a named
// bool type, an untyped constant shifted by a variable) is converted, since
// := alone would give it its default type.
func (r *fileRewriter) argValue(a ast.Expr) string {
	s := r.text(a)
	t := r.typeOf(a)
	if t == nil {
		return s
	}
	var def types.Type
	switch e := unparen(a).(type) {
	case *ast.BinaryExpr:
		switch e.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ, token.LAND, token.LOR:
			def = types.Typ[types.Bool]
		case token.SHL, token.SHR:
			if x := r.info.Types[e.X]; x.Value != nil && isUntyped(r.untypedOf(e.X)) {
				def = types.Default(r.untypedOf(e.X))
			}
		}
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			def = types.Typ[types.Bool]
		}
	}
	if def == nil || types.Identical(def, t) {
		return s
	}
	if ts, ok := r.typeText(t); ok {
		return ts + "(" + s + ")"
	}
	r.diag(a.Pos(), Error, "cannot spell the type %s of this go statement argument in this file; assign it to a variable of that type first", t)
	return s
}

// untypedOf returns the type of a constant operand before it was converted
// by its context; go/types records the converted type, so the constant's
// kind is used.
func (r *fileRewriter) untypedOf(e ast.Expr) types.Type {
	tv := r.info.Types[e]
	if lit, ok := unparen(e).(*ast.BasicLit); ok {
		switch lit.Kind {
		case token.INT:
			return types.Typ[types.UntypedInt]
		case token.FLOAT:
			return types.Typ[types.UntypedFloat]
		case token.CHAR:
			return types.Typ[types.UntypedRune]
		}
	}
	return tv.Type
}
