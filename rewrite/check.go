package rewrite

// Checks for what the rewrite cannot carry over faithfully. Each finding
// names the original position, what was found and what to do.

import (
	"go/ast"
	"go/types"
)

func (r *fileRewriter) check() {
	ast.Inspect(r.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			r.checkChanMethod(n)
		case *ast.Ident:
			r.checkReflect(n)
		case *ast.TypeSwitchStmt:
			r.checkTypeSwitch(n)
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

// checkChanMethod: a defined channel type becomes a defined pointer type,
// which cannot have methods.
func (r *fileRewriter) checkChanMethod(fd *ast.FuncDecl) {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return
	}
	t := r.typeOf(fd.Recv.List[0].Type)
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if nt, ok := types.Unalias(t).(*types.Named); ok {
		if _, ok := nt.Underlying().(*types.Chan); ok {
			r.diag(fd.Name.Pos(), Error, "method %s is declared on the channel type %s; methods on defined channel types are not supported yet (the type becomes a pointer type); make the channel a field of a struct type and declare the method there", fd.Name.Name, nt.Obj().Name())
		}
	}
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
