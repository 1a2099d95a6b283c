package rewrite

// Rule: native channels entering rewritten code.
//
//	case <-ctx.Done():           case 0:  (with simrt.OnRecv(simrt.NativeRecv(ctx.Done())) in the header)
//	done := ctx.Done()       ->  done := simrt.NativeRecv(ctx.Done())
//	in := lib.Requests           in := simrt.Native(lib.Requests)
//	out := lib.Sink()            out := simrt.NativeSend(lib.Sink())
//
// A channel made by code that is not rewritten (the standard library) is a
// real channel. It is wrapped where it comes
// out: the result of a call of a function or method that is not rewritten,
// a field of a struct type that is not rewritten, a package variable that is
// not rewritten. From there on it is a *simrt.Chan like any other. Handed
// straight back to code that is not rewritten it stays as it is. The
// opposite direction, a simulated channel passed where code that is not
// rewritten expects a chan (signal.Notify), cannot work and is an error.

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// nativeWrap returns the runtime function that wraps n, a native channel
// value, or "".
func (r *fileRewriter) nativeWrap(n ast.Node) string {
	e, ok := n.(ast.Expr)
	if !ok || r.passthrough[e] {
		return ""
	}
	c, ok := typeUnder(r.typeOf(e)).(*types.Chan)
	if !ok || !r.isNativeSource(e) {
		return ""
	}
	r.count("native chan")
	switch c.Dir() {
	case types.RecvOnly:
		return "NativeRecv"
	case types.SendOnly:
		return "NativeSend"
	}
	return "Native"
}

func typeUnder(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	return t.Underlying()
}

// isNativeSource reports whether e produces a value made by code that is
// not rewritten.
func (r *fileRewriter) isNativeSource(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.CallExpr:
		if tv, ok := r.info.Types[e.Fun]; ok && tv.IsType() {
			return false
		}
		fn, ok := typeutil.Callee(r.info, e).(*types.Func)
		return ok && (r.nativeFunc(fn) || isNativeMethod(fn))
	case *ast.SelectorExpr:
		if sel, ok := r.info.Selections[e]; ok {
			if sel.Kind() != types.FieldVal {
				return false
			}
			f := sel.Obj().(*types.Var)
			return !r.rewritten(f.Pkg()) && !r.mappedField(f)
		}
		return r.nativeVar(r.info.Uses[e.Sel])
	case *ast.Ident:
		return !r.sels[e] && r.nativeVar(r.info.Uses[e])
	}
	return false
}

// nativeFunc reports whether calls of fn run code that is not rewritten.
func (r *fileRewriter) nativeFunc(fn *types.Func) bool {
	if fn.Pkg() == nil || r.rewritten(fn.Pkg()) {
		return false
	}
	if fn.Type().(*types.Signature).Recv() == nil {
		_, mapped := lookup(fn.Pkg().Path(), fn.Name())
		return !mapped
	}
	// Methods of mapped types are the runtime's.
	recv := fn.Type().(*types.Signature).Recv().Type()
	if p, ok := recv.(*types.Pointer); ok {
		recv = p.Elem()
	}
	if nt, ok := types.Unalias(recv).(*types.Named); ok {
		if _, mapped := lookup(fn.Pkg().Path(), nt.Obj().Name()); mapped {
			return false
		}
	}
	return true
}

func (r *fileRewriter) nativeVar(obj types.Object) bool {
	v, ok := obj.(*types.Var)
	return ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() && !r.rewritten(v.Pkg())
}

// mappedField reports whether f is a field of a type the runtime replaces
// (time.Timer.C): such a field is the runtime's own.
func (r *fileRewriter) mappedField(f *types.Var) bool {
	scope := f.Pkg().Scope()
	for _, name := range scope.Names() {
		if _, ok := lookup(f.Pkg().Path(), name); !ok {
			continue
		}
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok {
			continue
		}
		st, ok := tn.Type().Underlying().(*types.Struct)
		if !ok {
			continue
		}
		for i := 0; i < st.NumFields(); i++ {
			if st.Field(i) == f {
				return true
			}
		}
	}
	return false
}

// prepareNativeCall looks at a call of code that is not rewritten: native
// channel arguments pass through unwrapped, simulated ones cannot pass.
func (r *fileRewriter) prepareNativeCall(call *ast.CallExpr) {
	fn, ok := typeutil.Callee(r.info, call).(*types.Func)
	if !ok || !r.nativeFunc(fn) {
		return
	}
	sig := fn.Origin().Type().(*types.Signature)
	for i, a := range call.Args {
		var pt types.Type
		switch {
		case sig.Variadic() && i >= sig.Params().Len()-1:
			pt = sig.Params().At(sig.Params().Len() - 1).Type()
			if !call.Ellipsis.IsValid() {
				pt = pt.(*types.Slice).Elem()
			}
		case i < sig.Params().Len():
			pt = sig.Params().At(i).Type()
		default:
			continue
		}
		if !containsChan(pt) {
			continue
		}
		if r.isNativeSource(unparen(a)) {
			r.passthrough[unparen(a)] = true
			continue
		}
		r.diag(a.Pos(), Error, "a simulated channel (%s) is passed to %s, which is not rewritten and expects a real %s; receive from a real channel in a goroutine of your own and forward to the simulated one, or leave this code out of the simulation", r.typeOf(a), fn.FullName(), pt)
	}
}
