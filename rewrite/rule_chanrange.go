package rewrite

// Rule: range over a channel.
//
//	for v := range ch {          for _simch := ch; ; { v, _simok := simrt.Recv2(_simch); if !_simok { break }; {
//		use(v)               ->  	use(v)
//	}                            }}
//
// The body gets a block of its own, as it has in a range statement, so a
// body that declares v again (v := v) still compiles. Forms:
//   - for range ch / for _ = range ch: receive into _, check ok.
//   - for v = range ch (existing variables): receive into a temporary, then
//     assign, as each iteration of the range loop assigns.
//   - for v := range ch in a file whose language version is before go1.22:
//     v is one variable for the whole loop, as it was then, so a closure
//     that captures it sees what it saw natively:
//     for _simch, v := simrt.RangeChan(ch); ; { _simv, _simok := simrt.Recv2(_simch); if !_simok { break }; v = _simv; ...
//
// continue starts the next receive and break leaves the loop, as in the
// original; a label on the range statement stays on the for statement.

import (
	"go/ast"
	"go/token"
	"go/version"
)

func (r *fileRewriter) ruleChanRange(n ast.Node) (string, bool) {
	rs, ok := n.(*ast.RangeStmt)
	if !ok {
		return "", false
	}
	c := chanOf(r.typeOf(rs.X))
	if c == nil {
		return "", false
	}
	r.count("range chan")
	ch, okv := r.temp("ch"), r.temp("ok")
	recv := r.rt("Recv2") + "(" + ch + ")"
	init := ch + " := " + r.text(rs.X)
	var step string
	key := rs.Key
	if id, ok := key.(*ast.Ident); ok && id.Name == "_" {
		key = nil
	}
	switch {
	case key == nil:
		step = "_, " + okv + " := " + recv + "; if !" + okv + " { break }"
	case rs.Tok == token.ASSIGN:
		v := r.temp("v")
		step = v + ", " + okv + " := " + recv + "; if !" + okv + " { break }; " + r.text(key) + " = " + v
	case version.Compare(r.goVersion, "go1.22") < 0:
		// One v for the whole loop, declared by the for statement; the
		// final receive (closed channel) must not zero it, so receive into
		// a temporary first.
		v := r.temp("v")
		init = ch + ", " + r.text(key) + " := " + r.rt("RangeChan") + "(" + r.text(rs.X) + ")"
		step = v + ", " + okv + " := " + recv + "; if !" + okv + " { break }; " + r.text(key) + " = " + v
	default:
		step = r.text(key) + ", " + okv + " := " + recv + "; if !" + okv + " { break }"
	}
	body := rs.Body
	kids := make([]ast.Node, len(body.List))
	for i, s := range body.List {
		kids[i] = s
	}
	return "for " + init + "; ; {" + r.glue(rs.Pos(), body.Lbrace+1, rs.Key, rs.X) + " " + step + "; {" +
		r.splice(body.Lbrace+1, body.Rbrace, kids) + "}}", true
}
