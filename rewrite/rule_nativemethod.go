package rewrite

// Rule: methods whose signature the standard library dictates.
//
//	func (c *myCtx) Done() <-chan struct{} {      func (c *myCtx) Done() <-chan struct{} {
//		return c.done                     ->  	return simrt.ToNative(c.done)
//	}                                             }
//	<-c.Done()                                    simrt.Recv(simrt.NativeRecv(c.Done()))
//
// A type implements context.Context or http.CloseNotifier only with the
// exact signatures Done() <-chan struct{} and CloseNotify() <-chan bool, so
// methods (and interface methods) of those shapes keep their real channel
// result. What they return is handed over through simrt.ToNative, a real
// twin of the simulated channel; calls of them are native sources, wrapped
// with NativeRecv, which hands rewritten code the simulated channel back.

import (
	"go/ast"
	"go/types"
)

// isNativeMethod reports whether fn has one of the dictated shapes.
func isNativeMethod(fn *types.Func) bool {
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil || sig.Params().Len() != 0 || sig.Results().Len() != 1 {
		return false
	}
	c, ok := sig.Results().At(0).Type().(*types.Chan)
	if !ok || c.Dir() != types.RecvOnly {
		return false
	}
	switch fn.Name() {
	case "Done":
		s, ok := c.Elem().(*types.Struct)
		return ok && s.NumFields() == 0
	case "CloseNotify":
		return types.Identical(c.Elem(), types.Typ[types.Bool])
	}
	return false
}

// prepareNativeMethods keeps the result types of such methods and hands
// their results over as real channels.
func (r *fileRewriter) prepareNativeMethods() {
	ast.Inspect(r.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			fn, ok := r.info.Defs[n.Name].(*types.Func)
			if !ok || n.Recv == nil || !isNativeMethod(fn) {
				return true
			}
			r.keepResult(n.Type)
			if n.Body != nil {
				ast.Inspect(n.Body, func(m ast.Node) bool {
					switch m := m.(type) {
					case *ast.FuncLit:
						return false
					case *ast.ReturnStmt:
						for _, e := range m.Results {
							switch tv, ok := r.info.Types[e]; {
							case !ok || tv.IsNil():
							case r.isNativeSource(e):
								r.passthrough[e] = true // already real
							default:
								r.wrap[e] = [2]string{r.rt("ToNative") + "(", ")"}
							}
						}
					}
					return true
				})
			}
		case *ast.InterfaceType:
			for _, f := range n.Methods.List {
				if len(f.Names) == 0 {
					continue
				}
				if fn, ok := r.info.Defs[f.Names[0]].(*types.Func); ok && isNativeMethod(fn) {
					if ft, ok := f.Type.(*ast.FuncType); ok {
						r.keepResult(ft)
					}
				}
			}
		}
		return true
	})
}

func (r *fileRewriter) keepResult(ft *ast.FuncType) {
	if ft.Results == nil || len(ft.Results.List) != 1 {
		return
	}
	if ct, ok := unparen(ft.Results.List[0].Type).(*ast.ChanType); ok {
		r.keepChan[ct] = true
	}
}
