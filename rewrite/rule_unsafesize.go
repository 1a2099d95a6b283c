package rewrite

// Rule: unsafe.Sizeof, Alignof and Offsetof of a type whose layout the
// simulation changes, subtracted in a constant expression.
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
//	p := unsafe.Add(base, i*unsafe.Sizeof(padded{}))   (unchanged)
//
// The three are constants, computed by the compiler from the layout of the
// operand's type. The runtime's twins of sync.Mutex, atomic.Int64,
// time.Timer and the rest are larger than the originals, so a struct that
// holds one grows. Where the program walks memory with the size (pointer
// arithmetic over an array of buckets, as puzpuzpuz/xsync's Map.Load does)
// only the simulated size is right, and it stays. But constant arithmetic
// that pads a struct to a cache line subtracts the size, and with the
// larger twin goes negative: `cacheLineSize - unsafe.Sizeof(bucket{})`
// overflows uintptr, a compile error, and the package builds no test at
// all. So in a constant expression that subtracts such a size (an odd
// number of minus signs above it before the expression stops being
// constant), every such size becomes the value the original program
// computes, for the GOARCH simgen loaded the module for: the padding
// comes out as natively and compiles, and a difference of two offsets is
// the native difference. The operand stays, multiplied by 0, so that the variables
// and imports it names are still used. A size added, multiplied or
// compared keeps the simulated value: a buffer of unsafe.Sizeof(T{})
// bytes still holds a T. A subtraction split over a named constant
// (const s = unsafe.Sizeof(x); [64 - s]byte) is not followed
// (limitations.md, "Layout").

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
)

// prepareUnsafeSize finds the sizes that are subtracted in constant
// expressions and marks those whose layout changes in r.nativeSize.
func (r *fileRewriter) prepareUnsafeSize() {
	ast.Inspect(r.file, func(n ast.Node) bool {
		e, ok := n.(ast.Expr)
		if !ok {
			return true
		}
		if tv, ok := r.info.Types[e]; ok && tv.Value != nil {
			var changed []*ast.CallExpr
			if r.subtracted(e, false, &changed) {
				for _, c := range changed {
					r.nativeSize[c] = true
				}
			}
			return false
		}
		return true
	})
}

// subtracted walks the constant expression e, whose value counts
// negatively in the enclosing constant expression if neg. It appends the
// sizes whose layout changes to changed, and reports whether one of them
// is subtracted. Then all of them take the native value, so that a
// difference of two offsets is the native one.
func (r *fileRewriter) subtracted(e ast.Expr, neg bool, changed *[]*ast.CallExpr) bool {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return r.subtracted(e.X, neg, changed)
	case *ast.UnaryExpr:
		return r.subtracted(e.X, neg != (e.Op == token.SUB), changed)
	case *ast.BinaryExpr:
		x := r.subtracted(e.X, neg, changed)
		return r.subtracted(e.Y, neg != (e.Op == token.SUB), changed) || x
	case *ast.CallExpr:
		if t, ok := r.sizeOperand(e); ok {
			if t != nil && r.layoutChanges(t, map[types.Type]bool{}) {
				*changed = append(*changed, e)
				return neg
			}
			return false
		}
		sub := false
		for _, a := range e.Args {
			sub = r.subtracted(a, neg, changed) || sub // conversions, min, max
		}
		return sub
	}
	return false
}

func (r *fileRewriter) ruleUnsafeSize(n ast.Node) (string, bool) {
	call, ok := n.(*ast.CallExpr)
	if !ok || !r.nativeSize[call] {
		return "", false
	}
	tv := r.info.Types[call]
	r.count("unsafe." + r.info.Uses[unsafeFuncIdent(call)].Name())
	return "(0*" + r.splice(call.Pos(), call.End(), children(call)) + " + " + tv.Value.ExactString() + ")", true
}

func unsafeFuncIdent(call *ast.CallExpr) *ast.Ident {
	switch f := unparen(call.Fun).(type) {
	case *ast.Ident:
		return f
	case *ast.SelectorExpr:
		return f.Sel
	}
	return nil
}

// sizeOperand reports whether call is unsafe.Sizeof, Alignof or Offsetof
// with a constant value, and the type whose layout it reads.
func (r *fileRewriter) sizeOperand(call *ast.CallExpr) (types.Type, bool) {
	if len(call.Args) != 1 {
		return nil, false
	}
	id := unsafeFuncIdent(call)
	if id == nil {
		return nil, false
	}
	b, ok := r.info.Uses[id].(*types.Builtin)
	if !ok {
		return nil, false
	}
	if tv, ok := r.info.Types[call]; !ok || tv.Value == nil || tv.Value.Kind() != constant.Int {
		return nil, false
	}
	arg := unparen(call.Args[0])
	switch b.Name() {
	case "Sizeof", "Alignof":
		return r.typeOf(arg), true
	case "Offsetof":
		sel, ok := arg.(*ast.SelectorExpr)
		if !ok {
			return nil, true
		}
		t := r.typeOf(sel.X)
		if p, ok := typeUnder(t).(*types.Pointer); ok {
			t = p.Elem()
		}
		return t, true
	}
	return nil, false
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
