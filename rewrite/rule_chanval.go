package rewrite

// Rule: defined channel types that have methods.
//
//	type sem chan struct{}                   type sem simrt.ChanVal[struct{}]
//	func (s sem) acquire() { s <- struct{}{} }   func (s sem) acquire() { simrt.Send(simrt.P(s), struct{}{}) }
//	s := make(sem, 3)                    ->  s := sem(simrt.MakeChanVal[struct{}](3))
//	*w = make(chan struct{})  (w *sem)       *w = sem(simrt.V(simrt.MakeChan[struct{}](0)))
//	var c chan struct{} = s                  var c *simrt.Chan[struct{}] = simrt.P(s)
//	if s == nil {                            if s == (sem{}) {
//
// Every other channel type becomes *simrt.Chan[T], but a pointer type
// cannot have methods, so these become a struct holding the channel. Where a
// value of one kind meets the other (operands of channel operations,
// assignments, arguments, results, composite literals, conversions, nil),
// the rule converts.

import (
	"go/ast"
	"go/token"
	"go/types"
)

// isValChan reports whether t is a defined channel type with methods.
func isValChan(t types.Type) bool {
	nt, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	if _, ok := nt.Underlying().(*types.Chan); !ok {
		return false
	}
	return nt.NumMethods() > 0
}

// prepareChanVal marks, before any rule runs, where values of such types
// need converting; rules then see it through r.wrap and r.memo.
func (r *fileRewriter) prepareChanVal() {
	found := false
	ast.Inspect(r.file, func(n ast.Node) bool {
		if e, ok := n.(ast.Expr); ok && isValChan(r.typeOf(e)) {
			found = true
		}
		return !found
	})
	if !found {
		return
	}
	var sigs []*types.Signature // enclosing functions, innermost last
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if sig, ok := r.typeOf(n.Name).(*types.Signature); ok && n.Body != nil {
				sigs = append(sigs, sig)
				ast.Inspect(n.Body, visit)
				sigs = sigs[:len(sigs)-1]
			}
			return false
		case *ast.FuncLit:
			if sig, ok := r.typeOf(n).(*types.Signature); ok {
				sigs = append(sigs, sig)
				ast.Inspect(n.Body, visit)
				sigs = sigs[:len(sigs)-1]
			}
			return false
		case *ast.TypeSpec:
			if ct, ok := n.Type.(*ast.ChanType); ok {
				if tn, ok := r.info.Defs[n.Name].(*types.TypeName); ok && isValChan(tn.Type()) {
					r.valSpec[ct] = true
				}
			}
		case *ast.SendStmt:
			r.valOperand(n.Chan)
			if c := chanOf(r.typeOf(n.Chan)); c != nil {
				r.adapt(n.Value, c.Elem())
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				r.valOperand(n.X)
			}
		case *ast.RangeStmt:
			r.valOperand(n.X)
		case *ast.AssignStmt:
			if n.Tok == token.ASSIGN && len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					r.adapt(n.Rhs[i], r.typeOf(l))
				}
			}
		case *ast.ValueSpec:
			if n.Type != nil && len(n.Values) == len(n.Names) {
				for _, v := range n.Values {
					r.adapt(v, r.typeOf(n.Type))
				}
			}
		case *ast.ReturnStmt:
			if len(sigs) > 0 {
				res := sigs[len(sigs)-1].Results()
				if res.Len() == len(n.Results) {
					for i, e := range n.Results {
						r.adapt(e, res.At(i).Type())
					}
				}
			}
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				r.adaptNil(n.X, r.typeOf(n.Y))
				r.adaptNil(n.Y, r.typeOf(n.X))
			}
		case *ast.CompositeLit:
			r.adaptLit(n)
		case *ast.CallExpr:
			r.adaptCall(n)
		}
		return true
	}
	ast.Inspect(r.file, visit)
}

// valOperand makes a channel operand of such a type yield its channel.
func (r *fileRewriter) valOperand(e ast.Expr) {
	if isValChan(r.typeOf(e)) {
		r.wrap[e] = [2]string{r.rt("P") + "(", ")"}
	}
}

// adapt converts e, whose value goes where a target is expected.
func (r *fileRewriter) adapt(e ast.Expr, target types.Type) {
	if target == nil {
		return
	}
	if r.adaptNil(e, target) {
		return
	}
	src := r.typeOf(e)
	if src == nil || chanOf(src) == nil || chanOf(target) == nil || types.Identical(src, target) {
		return
	}
	switch {
	case isValChan(target) && !isValChan(src):
		tt, ok := r.typeText(target)
		if !ok {
			r.diag(e.Pos(), Error, "cannot name %s in this file to convert this channel to it", target)
			return
		}
		r.wrap[e] = [2]string{tt + "(" + r.rt("V") + "(", "))"}
	case isValChan(src) && !isValChan(target):
		r.wrap[e] = [2]string{r.rt("P") + "(", ")"}
	}
}

// adaptNil spells a nil of such a type as its zero value.
func (r *fileRewriter) adaptNil(e ast.Expr, target types.Type) bool {
	if tv, ok := r.info.Types[e]; !ok || !tv.IsNil() || !isValChan(target) {
		return false
	}
	tt, ok := r.typeText(target)
	if !ok {
		r.diag(e.Pos(), Error, "cannot name %s in this file to spell its nil", target)
		return true
	}
	r.memo[e] = "(" + tt + "{})"
	r.changed = true
	r.touched = append(r.touched, [2]int{r.line(e.Pos()), r.line(e.End())})
	return true
}

// adaptLit converts the elements of a composite literal.
func (r *fileRewriter) adaptLit(cl *ast.CompositeLit) {
	t := r.typeOf(cl)
	if t == nil {
		return
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	switch u := t.Underlying().(type) {
	case *types.Struct:
		for i, el := range cl.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok {
					for j := 0; j < u.NumFields(); j++ {
						if u.Field(j).Name() == id.Name {
							r.adapt(kv.Value, u.Field(j).Type())
						}
					}
				}
			} else if i < u.NumFields() {
				r.adapt(el, u.Field(i).Type())
			}
		}
	case *types.Slice, *types.Array, *types.Map:
		var key, elem types.Type
		switch u := u.(type) {
		case *types.Slice:
			elem = u.Elem()
		case *types.Array:
			elem = u.Elem()
		case *types.Map:
			key, elem = u.Key(), u.Elem()
		}
		for _, el := range cl.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if key != nil {
					r.adapt(kv.Key, key)
				}
				r.adapt(kv.Value, elem)
			} else {
				r.adapt(el, elem)
			}
		}
	}
}

// adaptCall converts arguments, and the operand of a conversion.
func (r *fileRewriter) adaptCall(call *ast.CallExpr) {
	if tv, ok := r.info.Types[call.Fun]; ok && tv.IsType() {
		if len(call.Args) == 1 {
			src, dst := r.typeOf(call.Args[0]), tv.Type
			if src != nil && chanOf(src) != nil && chanOf(dst) != nil {
				switch {
				case isValChan(dst) && !isValChan(src):
					r.wrap[call.Args[0]] = [2]string{r.rt("V") + "(", ")"}
				case isValChan(src) && !isValChan(dst):
					r.wrap[call.Args[0]] = [2]string{r.rt("P") + "(", ")"}
				}
			}
		}
		return
	}
	sig, ok := typeUnder(r.typeOf(call.Fun)).(*types.Signature)
	if !ok {
		return
	}
	if id, ok := unparen(call.Fun).(*ast.Ident); ok {
		if b, ok := r.info.Uses[id].(*types.Builtin); ok {
			if (b.Name() == "close" || b.Name() == "len" || b.Name() == "cap") && len(call.Args) == 1 {
				r.valOperand(call.Args[0])
			}
			return
		}
	}
	params := sig.Params()
	for i, a := range call.Args {
		var pt types.Type
		switch {
		case sig.Variadic() && i >= params.Len()-1:
			pt = params.At(params.Len() - 1).Type()
			if call.Ellipsis == token.NoPos {
				pt = pt.(*types.Slice).Elem()
			}
		case i < params.Len():
			pt = params.At(i).Type()
		}
		r.adapt(a, pt)
	}
}
