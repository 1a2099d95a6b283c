package rewrite

// Checks for what the rewrite cannot carry over faithfully. Each finding
// names the original position, what was found and what to do.

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

func (r *fileRewriter) check() {
	r.checkLinkname()
	ast.Inspect(r.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			r.checkReflect(n)
		case *ast.TypeSwitchStmt:
			r.checkTypeSwitch(n)
		case *ast.CallExpr:
			r.checkCrossing(n)
			r.checkBlocking(n)
			r.checkUnsafe(n)
			r.checkCgo(n)
		case *ast.TypeAssertExpr:
			if n.Type != nil {
				if t := r.typeOf(n.Type); t != nil && hasDirectedChan(t) {
					r.diag(n.Type.Pos(), Warning, "type assertion to %s: channel directions are erased in the simulation, so it also succeeds for a channel of another direction", t)
				}
			}
		case *ast.TypeSpec:
			if n.TypeParams != nil {
				r.checkConstraints(n.TypeParams)
			}
		case *ast.FuncType:
			if n.TypeParams != nil {
				r.checkConstraints(n.TypeParams)
			}
		}
		return true
	})
}

func (r *fileRewriter) checkReflect(id *ast.Ident) {
	fn, ok := r.info.Uses[id].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "reflect" {
		return
	}
	switch fn.Name() {
	case "Select", "MakeChan", "ChanOf":
		r.diag(id.Pos(), Warning, "reflect.%s works on real channels and runs outside the simulation; simulated channels are *simrt.Chan values, not chans, to reflect", fn.Name())
	}
}

// checkCrossing reports a call into code that is not rewritten whose
// parameter has a type the rewrite replaces (sync.Mutex, *sync.WaitGroup,
// *time.Timer, ...): the argument becomes the runtime's twin type, which
// that code cannot accept.
func (r *fileRewriter) checkCrossing(call *ast.CallExpr) {
	fn := typeutil.StaticCallee(r.info, call)
	if fn == nil || fn.Pkg() == nil || r.rewritten(fn.Pkg()) {
		return
	}
	if _, mapped := lookup(fn.Pkg().Path(), fn.Name()); mapped {
		return // the call itself moves to the runtime
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok {
		return
	}
	for i, arg := range call.Args {
		var pt types.Type
		switch {
		case sig.Variadic() && i >= sig.Params().Len()-1:
			pt = sig.Params().At(sig.Params().Len() - 1).Type()
			if call.Ellipsis == 0 {
				pt = pt.(*types.Slice).Elem()
			}
		case i < sig.Params().Len():
			pt = sig.Params().At(i).Type()
		default:
			continue
		}
		// *os.File is converted, or diagnosed, by rule_osfile.go.
		if name, ok := mappedIn(pt); ok && name != "os.File" {
			r.diag(arg.Pos(), Error, "%s.%s takes a %s, which the simulation replaces with its own type; code that is not rewritten cannot use a simulated %s. Keep the value out of that call, or wrap the call in code of your own",
				fn.Pkg().Name(), fn.Name(), types.TypeString(pt, nil), name)
		}
	}
}

// mappedIn reports whether t mentions a type the rewrite replaces, and
// which.
func mappedIn(t types.Type) (string, bool) {
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		if obj := t.Obj(); obj.Pkg() != nil {
			if _, ok := lookup(obj.Pkg().Path(), obj.Name()); ok && obj.Pkg().Path() != "context" {
				return obj.Pkg().Path() + "." + obj.Name(), true
			}
		}
	case *types.Pointer:
		return mappedIn(t.Elem())
	case *types.Slice:
		return mappedIn(t.Elem())
	case *types.Array:
		return mappedIn(t.Elem())
	case *types.Map:
		if n, ok := mappedIn(t.Key()); ok {
			return n, true
		}
		return mappedIn(t.Elem())
	}
	return "", false
}

// checkTypeSwitch reports cases that become duplicates when channel
// directions collapse.
func (r *fileRewriter) checkTypeSwitch(ts *ast.TypeSwitchStmt) {
	type seen struct {
		t    types.Type
		expr ast.Expr
	}
	var cases []seen
	for _, s := range ts.Body.List {
		cc := s.(*ast.CaseClause)
		for _, e := range cc.List {
			t := r.typeOf(e)
			if t == nil || !containsChan(t) {
				continue
			}
			u := undirect(t)
			for _, c := range cases {
				if types.Identical(c.t, u) {
					r.diag(e.Pos(), Error, "type switch case %s duplicates case %s at %s once channel directions are erased in the simulation; merge the two cases", t, r.typeOf(c.expr), r.position(c.expr.Pos()))
				}
			}
			cases = append(cases, seen{u, e})
		}
	}
}

// checkConstraints reports unions of channel types that collapse into one.
func (r *fileRewriter) checkConstraints(fl *ast.FieldList) {
	for _, f := range fl.List {
		if len(f.Names) == 0 {
			continue
		}
		tn, ok := r.info.Defs[f.Names[0]].(*types.TypeName)
		if !ok {
			continue
		}
		tp, ok := tn.Type().(*types.TypeParam)
		if !ok {
			continue
		}
		t := tp.Constraint()
		ts := terms(t.Underlying())
		var us []types.Type
		for _, t := range ts {
			if !containsChan(t) {
				continue
			}
			u := undirect(t)
			for _, o := range us {
				if types.Identical(o, u) {
					r.diag(f.Type.Pos(), Error, "constraint %s has channel terms that differ only in direction; they collapse into one in the simulation and the union becomes invalid; keep one term", t)
				}
			}
			us = append(us, u)
		}
	}
}

// undirect returns t with every channel made bidirectional.
func undirect(t types.Type) types.Type {
	switch t := types.Unalias(t).(type) {
	case *types.Chan:
		return types.NewChan(types.SendRecv, undirect(t.Elem()))
	case *types.Pointer:
		return types.NewPointer(undirect(t.Elem()))
	case *types.Slice:
		return types.NewSlice(undirect(t.Elem()))
	case *types.Array:
		return types.NewArray(undirect(t.Elem()), t.Len())
	case *types.Map:
		return types.NewMap(undirect(t.Key()), undirect(t.Elem()))
	}
	return t
}

func hasDirectedChan(t types.Type) bool {
	return !types.Identical(t, undirect(t))
}
