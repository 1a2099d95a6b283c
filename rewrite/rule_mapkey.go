package rewrite

// Rule: keys that hold pointers, as they go into a map.
//
//	conns[c] = struct{}{}                conns[simrt.MapKey(c)] = struct{}{}
//	seen[p]++                        ->  seen[simrt.MapKey(p)]++
//	m := map[*T]int{a: 1}                m := map[*T]int{simrt.MapKey(a): 1}
//
// A range over a map runs in an order drawn from the seed, from a
// canonical order of the keys (simrt/maprange.go). Keys that hold
// pointers (pointers, channels, interfaces, structs and arrays of them,
// type parameters) have no canonical order of their own, and their
// addresses change from one run to the next in a process. MapKey notes a
// key's pointers in the order the program first puts them in a map, which
// the simulation makes deterministic, and the canonical order uses it.

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// prepareMapKeys marks the keys that go into maps with pointer-holding
// key types.
func (r *fileRewriter) prepareMapKeys() {
	mark := func(m, key ast.Expr) {
		if key == nil || !mayHoldPointers(mapKeyType(r.typeOf(m))) {
			return
		}
		if tv, ok := r.info.Types[key]; ok && (tv.IsNil() || tv.Value != nil) {
			return // nil or a constant: nothing to note
		}
		if _, done := r.mapKeys[key]; done {
			return
		}
		// A composite literal key may leave its type out ({a, b} for
		// edge{a, b}, {1} for &node{1}); as an argument it must say it.
		typ := ""
		if cl, ok := key.(*ast.CompositeLit); ok && cl.Type == nil {
			t, ok := r.typeText(mapKeyType(r.typeOf(m)))
			if !ok {
				return // left to the address order
			}
			typ = t
			if strings.HasPrefix(typ, "*") {
				typ = "&" + typ[1:]
			}
		}
		r.mapKeys[key] = typ
		r.count("map key")
	}
	ast.Inspect(r.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				return true
			}
			for _, l := range n.Lhs {
				if ix, ok := unparen(l).(*ast.IndexExpr); ok {
					mark(ix.X, ix.Index)
				}
			}
		case *ast.IncDecStmt:
			if ix, ok := unparen(n.X).(*ast.IndexExpr); ok {
				mark(ix.X, ix.Index)
			}
		case *ast.CompositeLit:
			if mapKeyType(r.typeOf(n)) == nil {
				return true
			}
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					mark(n, kv.Key)
				}
			}
		}
		return true
	})
}

// mapKeyType returns the key type of a map type, or nil for other types.
func mapKeyType(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	if m, ok := t.Underlying().(*types.Map); ok {
		return m.Key()
	}
	return nil
}

// mayHoldPointers reports whether values of t may hold a pointer, a
// channel or an unsafe.Pointer (a type parameter or an interface may).
func mayHoldPointers(t types.Type) bool {
	return holdsPointers(t, map[types.Type]bool{})
}

func holdsPointers(t types.Type, seen map[types.Type]bool) bool {
	if t == nil || seen[t] {
		return false
	}
	seen[t] = true
	switch u := types.Unalias(t).(type) {
	case *types.TypeParam:
		return true
	case *types.Named:
		return holdsPointers(u.Underlying(), seen)
	}
	switch u := t.Underlying().(type) {
	case *types.Pointer, *types.Chan, *types.Interface:
		return true
	case *types.Basic:
		return u.Kind() == types.UnsafePointer
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if holdsPointers(u.Field(i).Type(), seen) {
				return true
			}
		}
	case *types.Array:
		return holdsPointers(u.Elem(), seen)
	}
	return false
}
