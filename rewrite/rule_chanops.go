package rewrite

// Rule: channel operations.
//
//	ch := make(chan int, n)       ch := simrt.MakeChan[int](n)
//	s := make(Stream)             s := Stream(simrt.MakeChan[int](0))
//	ch <- v                       simrt.Send(ch, v)
//	x := <-ch                 ->  x := simrt.Recv(ch)
//	v, ok = <-ch                  v, ok = simrt.Recv2(ch)
//	close(ch)                     simrt.Close(ch)
//	len(ch), cap(ch)              simrt.Len(ch), simrt.Cap(ch)
//
// Send's element type is inferred from the channel; when the value has
// another type (an int sent on a chan any), the element type is spelled out,
// or inference would fail: simrt.Send[any](ch, x).

import (
	"go/ast"
	"go/token"
	"go/types"
)

func (r *fileRewriter) ruleChanOps(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.SendStmt:
		r.count("chan send")
		return r.rt("Send") + r.sendTypeArgs(n.Chan, n.Value) + "(" + r.glue(n.Pos(), n.End(), n.Chan, n.Value) +
			r.text(n.Chan) + ", " + r.text(n.Value) + ")", true
	case *ast.UnaryExpr:
		if n.Op != token.ARROW {
			return "", false
		}
		fn := "Recv"
		if r.recv2[n] {
			fn = "Recv2"
		}
		r.count("chan recv")
		return r.rt(fn) + "(" + r.glue(n.Pos(), n.End(), n.X) + r.text(n.X) + ")", true
	case *ast.CallExpr:
		return r.builtinChanCall(n)
	}
	return "", false
}

// builtinChanCall rewrites make, close, len and cap of channels.
func (r *fileRewriter) builtinChanCall(call *ast.CallExpr) (string, bool) {
	id, ok := unparen(call.Fun).(*ast.Ident)
	if !ok || len(call.Args) == 0 {
		return "", false
	}
	b, ok := r.info.Uses[id].(*types.Builtin)
	if !ok {
		return "", false
	}
	arg := call.Args[0]
	switch b.Name() {
	case "make":
		typ := r.typeOf(arg)
		c := chanOf(typ)
		if c == nil {
			return "", false
		}
		var elem string
		if ct, ok := unparen(arg).(*ast.ChanType); ok {
			elem = r.text(unparen(ct.Value))
		} else {
			var ok bool
			if elem, ok = r.typeText(c.Elem()); !ok {
				r.diag(arg.Pos(), Error, "cannot spell the element type %s of %s in this file; make the channel where its element type can be named", c.Elem(), typ)
			}
		}
		size := "0"
		if len(call.Args) > 1 {
			size = r.text(call.Args[1])
			if t := r.typeOf(call.Args[1]); t != nil && !isUntyped(t) && !types.Identical(t, types.Typ[types.Int]) {
				size = "int(" + size + ")"
			}
		}
		kids := append([]ast.Node{}, call.Args[0])
		if len(call.Args) > 1 {
			kids = append(kids, call.Args[1])
		}
		s := r.rt("MakeChan") + "[" + elem + "](" + r.glue(call.Pos(), call.End(), kids...) + size + ")"
		if isValChan(typ) {
			s = r.text(arg) + "(" + r.rt("MakeChanVal") + "[" + elem + "](" + r.glue(call.Pos(), call.End(), kids...) + size + "))"
			r.count("make chan")
			return s, true
		}
		switch types.Unalias(typ).(type) {
		case *types.Named, *types.TypeParam:
			s = r.text(arg) + "(" + s + ")"
		}
		r.count("make chan")
		return s, true
	case "close", "len", "cap":
		if chanOf(r.typeOf(arg)) == nil {
			return "", false
		}
		name := map[string]string{"close": "Close", "len": "Len", "cap": "Cap"}[b.Name()]
		r.count(b.Name())
		return r.rt(name) + "(" + r.glue(call.Pos(), call.End(), arg) + r.text(arg) + ")", true
	}
	return "", false
}

// sendTypeArgs returns the explicit type argument a Send of value on ch
// needs, or "" when inference finds it.
func (r *fileRewriter) sendTypeArgs(ch, value ast.Expr) string {
	c := chanOf(r.typeOf(ch))
	vt := r.info.Types[value]
	if c == nil || vt.IsNil() || vt.Type == nil || types.Identical(vt.Type, c.Elem()) {
		return ""
	}
	s, ok := r.typeText(c.Elem())
	if !ok {
		r.diag(value.Pos(), Error, "a %s is sent on a channel of %s, which this file cannot name; convert the value to the element type first", vt.Type, c.Elem())
		return ""
	}
	return "[" + s + "]"
}
