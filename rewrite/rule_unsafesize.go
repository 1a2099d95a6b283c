package rewrite

// Rule: unsafe.Sizeof, Alignof and Offsetof of a type whose layout the
// simulation changes.
//
//	type bucket struct {                  type bucket struct {
//		meta uint64                           meta uint64
//		next unsafe.Pointer                   next unsafe.Pointer
//		mu   sync.Mutex                       mu   simrt.Mutex
//	}                                     }
//	type padded struct {              ->  type padded struct {
//		_ [64 - unsafe.Sizeof(bucket{})]byte   _ [64 - (0*unsafe.Sizeof(bucket{}) + 24)]byte
//		bucket                                bucket
//	}                                     }
//
// The three are constants, computed by the compiler from the layout of the
// operand's type. The runtime's twins of sync.Mutex, atomic.Int64,
// time.Timer and the rest are larger than the originals, so a struct that
// holds one grows, and constant arithmetic that padded it to a cache line
// goes negative: `cacheLineSize - unsafe.Sizeof(bucket{})` overflows
// uintptr, a compile error, and the package builds no test at all
// (puzpuzpuz/xsync). The rewrite puts in the value the original program
// computes, for the GOARCH simgen loaded the module for, so padding and
// any other constant arithmetic come out as natively. The operand stays,
// multiplied by 0, so that the variables and imports it names are still
// used. The value is not the simulated layout's: pointer arithmetic over
// such a value with it would be wrong, but reaching into one through
// unsafe.Pointer is an error of its own (blocking.go, checkUnsafe).
// Operands whose layout does not change (no mapped type held by value)
// are left alone.

import (
	"go/ast"
	"go/constant"
	"go/types"
)

func (r *fileRewriter) ruleUnsafeSize(n ast.Node) (string, bool) {
	call, ok := n.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return "", false
	}
	var id *ast.Ident
	switch f := unparen(call.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return "", false
	}
	b, ok := r.info.Uses[id].(*types.Builtin)
	if !ok {
		return "", false
	}
	tv, ok := r.info.Types[call]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.Int {
		return "", false // a size that depends on a type parameter: computed at run time
	}
	arg := unparen(call.Args[0])
	var t types.Type
	switch b.Name() {
	case "Sizeof", "Alignof":
		t = r.typeOf(arg)
	case "Offsetof":
		sel, ok := arg.(*ast.SelectorExpr)
		if !ok {
			return "", false
		}
		t = r.typeOf(sel.X)
		if p, ok := typeUnder(t).(*types.Pointer); ok {
			t = p.Elem()
		}
	default:
		return "", false
	}
	if t == nil || !r.layoutChanges(t, map[types.Type]bool{}) {
		return "", false
	}
	r.count("unsafe." + b.Name())
	return "(0*" + r.splice(call.Pos(), call.End(), children(call)) + " + " + tv.Value.ExactString() + ")", true
}

// layoutChanges reports whether values of t are laid out differently in
// the simulation: t holds, by value, a type the rewrite replaces with the
// runtime's twin. Pointers, slices, maps, channels, interfaces and
// functions have the same size whatever they point to.
func (r *fileRewriter) layoutChanges(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		obj := t.Obj()
		if obj.Pkg() == nil {
			return false
		}
		if _, ok := lookup(obj.Pkg().Path(), obj.Name()); ok {
			return obj.Pkg().Path() != "context" // context.Context is an interface and stays
		}
		// A type of code that is not rewritten keeps its layout, unless
		// its type arguments are simulated (Box[sync.Mutex]).
		if !r.rewritten(obj.Pkg()) && t.TypeArgs().Len() == 0 {
			return false
		}
		return r.layoutChanges(t.Underlying(), seen)
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if r.layoutChanges(t.Field(i).Type(), seen) {
				return true
			}
		}
	case *types.Array:
		return r.layoutChanges(t.Elem(), seen)
	}
	return false
}
