package rewrite

// Rule: select.
//
//	select {                      switch _simc0, _simc1 := simrt.OnRecv(a), simrt.OnSend(b, x); simrt.Select(false, _simc0, _simc1) {
//	case v, ok := <-a:            case 0: v, ok := _simc0.V, _simc0.OK;
//		use(v, ok)        ->  		use(v, ok)
//	case b <- x:                  case 1:
//	}                             default: panic("unreachable"); }
//
//	select {}                 ->  for { simrt.Select(false) }
//
// Every channel and sent value is evaluated once, in source order, before
// the choice, as the spec requires; the receive's left-hand side is assigned
// only in the chosen case. A select without default gets one that cannot
// run, so a select that was a terminating statement stays one. Labels stay
// on the switch, and break and continue keep their meaning in a switch.

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
)

func (r *fileRewriter) ruleSelect(n ast.Node) (string, bool) {
	sel, ok := n.(*ast.SelectStmt)
	if !ok {
		return "", false
	}
	r.count("select")
	body := sel.Body
	if len(body.List) == 0 {
		return "for { " + r.rt("Select") + "(false)" + r.glue(sel.Pos(), sel.End()) + " }", true
	}
	var cases, vars []string
	hasDefault := false
	var clauses strings.Builder
	at := body.Lbrace + 1
	var moved []ast.Node // evaluated in the switch header
	for _, s := range body.List {
		cc := s.(*ast.CommClause)
		clauses.WriteString(r.orig(at, cc.Pos()))
		if cc.Comm == nil {
			hasDefault = true
			clauses.WriteString(r.text(cc))
			at = cc.End()
			continue
		}
		i := len(cases)
		v := r.temp(fmt.Sprint("c", i))
		vars = append(vars, v)
		var assign string
		var kept []ast.Node
		switch comm := cc.Comm.(type) {
		case *ast.SendStmt:
			cases = append(cases, r.rt("OnSend")+r.sendTypeArgs(comm.Chan, comm.Value)+"("+r.text(comm.Chan)+", "+r.text(comm.Value)+")")
			moved = append(moved, comm.Chan, comm.Value)
		case *ast.ExprStmt:
			u := unparen(comm.X).(*ast.UnaryExpr)
			cases = append(cases, r.rt("OnRecv")+"("+r.text(u.X)+")")
			moved = append(moved, u.X)
		case *ast.AssignStmt:
			u := unparen(comm.Rhs[0]).(*ast.UnaryExpr)
			cases = append(cases, r.rt("OnRecv")+"("+r.text(u.X)+")")
			moved = append(moved, u.X)
			var lhs, rhs []string
			for j, l := range comm.Lhs {
				lhs = append(lhs, r.text(l))
				kept = append(kept, l)
				rhs = append(rhs, v+[]string{".V", ".OK"}[j])
			}
			assign = " " + strings.Join(lhs, ", ") + " " + comm.Tok.String() + " " + strings.Join(rhs, ", ") + ";"
		default:
			return "", false
		}
		// Newlines of the case header that were not moved up stay here.
		var keep []ast.Node
		keep = append(keep, kept...)
		keep = append(keep, movedIn(moved, cc.Pos(), cc.Colon)...)
		clauses.WriteString(fmt.Sprintf("case %d:", i) + r.glue(cc.Pos(), cc.Colon+1, keep...) + assign)
		stmts := make([]ast.Node, len(cc.Body))
		for j, st := range cc.Body {
			stmts[j] = st
		}
		clauses.WriteString(r.splice(cc.Colon+1, cc.End(), stmts))
		at = cc.End()
	}
	clauses.WriteString(r.orig(at, body.Rbrace))
	if !hasDefault {
		clauses.WriteString(`default: panic("unreachable"); `)
	}
	clauses.WriteString("}")

	head := "switch "
	if len(vars) > 0 {
		head += strings.Join(vars, ", ") + " := " + strings.Join(cases, ", ") + "; "
	}
	head += r.rt("Select") + fmt.Sprintf("(%v", hasDefault)
	for _, v := range vars {
		head += ", " + v
	}
	head += ") {" + r.glue(sel.Pos(), body.Lbrace+1)
	return head + clauses.String(), true
}

func movedIn(nodes []ast.Node, from, to token.Pos) []ast.Node {
	var in []ast.Node
	for _, n := range nodes {
		if n.Pos() >= from && n.End() <= to {
			in = append(in, n)
		}
	}
	return in
}
