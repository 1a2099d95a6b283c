package rewrite

// Rule: range over a map, in an order drawn from the seed.
//
//	for k, v := range m {       for _simit := simrt.MapRange(m); _simit.Next(); { k, v := _simit.Key(), _simit.Value(); {
//		use(k, v)           ->  	use(k, v)
//	}                           }}
//
// The map expression is evaluated once, as range does. The body keeps a
// block of its own. Forms:
//   - for range m: only the iteration count matters.
//   - for k = range m / for k, v = range m: assignment to existing variables.
//   - for k, v := range m in a file whose language version is before go1.22:
//     one k and one v for the whole loop, as then:
//     for _simit, k, v := simrt.MapRangeKV(m); _simit.Next(); { k, v = ...
//
// simrt.MapRange sorts the keys into a canonical order, then shuffles them
// with the seed; entries deleted before they are reached are skipped.
//
// The iterators of package maps range over a map too, and move with it:
//
//	for k := range maps.Keys(m)   ->  for k := range simrt.MapKeys(m)
//
// (maps.Values and maps.All likewise; maps.Collect and the rest consume an
// iterator and need nothing.)

import (
	"go/ast"
	"go/token"
	"go/types"
	"go/version"
)

func (r *fileRewriter) ruleMapRange(n ast.Node) (string, bool) {
	rs, ok := n.(*ast.RangeStmt)
	if !ok {
		return r.mappedRef(n, "maps")
	}
	t := r.typeOf(rs.X)
	if t == nil {
		return "", false
	}
	m := mapOf(t)
	if m == nil {
		return "", false
	}
	r.count("range map")
	it := r.temp("it")
	init := it + " := " + r.rt("MapRange") + "(" + r.text(rs.X) + ")"
	blank := func(e ast.Expr) bool {
		id, ok := e.(*ast.Ident)
		return e == nil || ok && id.Name == "_"
	}
	var lhs, rhs []string
	if !blank(rs.Key) {
		lhs = append(lhs, r.text(rs.Key))
		rhs = append(rhs, it+".Key()")
	}
	if !blank(rs.Value) {
		lhs = append(lhs, r.text(rs.Value))
		rhs = append(rhs, it+".Value()")
	}
	var step string
	switch {
	case len(lhs) == 0:
	case rs.Tok == token.ASSIGN:
		step = join(lhs) + " = " + join(rhs) + ";"
	case version.Compare(r.goVersion, "go1.22") < 0:
		// One variable per loop, declared in the for statement's init by a
		// helper that also returns the zero values, so no type is spelled.
		fn := "MapRangeKV"
		switch {
		case blank(rs.Key):
			fn = "MapRangeV"
		case blank(rs.Value):
			fn = "MapRangeK"
		}
		init = it + ", " + join(lhs) + " := " + r.rt(fn) + "(" + r.text(rs.X) + ")"
		step = join(lhs) + " = " + join(rhs) + ";"
	default:
		step = join(lhs) + " := " + join(rhs) + ";"
	}
	body := rs.Body
	kids := make([]ast.Node, len(body.List))
	for i, s := range body.List {
		kids[i] = s
	}
	return "for " + init + "; " + it + ".Next(); {" + r.glue(rs.Pos(), body.Lbrace+1, rs.Key, rs.Value, rs.X) + " " + step + " {" +
		r.splice(body.Lbrace+1, body.Rbrace, kids) + "}}", true
}

func join(xs []string) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += ", "
		}
		s += x
	}
	return s
}

// mapOf returns the map type of t: its underlying type, or the core type
// of a type parameter whose type set holds only maps of one type.
func mapOf(t types.Type) *types.Map {
	if tp, ok := types.Unalias(t).(*types.TypeParam); ok {
		iface, _ := tp.Constraint().Underlying().(*types.Interface)
		if iface == nil {
			return nil
		}
		var core *types.Map
		for i := 0; i < iface.NumEmbeddeds(); i++ {
			for _, term := range terms(iface.EmbeddedType(i)) {
				m := mapOf(term)
				if m == nil || core != nil && !types.Identical(core, m) {
					return nil
				}
				core = m
			}
		}
		return core
	}
	m, _ := t.Underlying().(*types.Map)
	return m
}
