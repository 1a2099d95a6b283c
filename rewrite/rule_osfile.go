package rewrite

// Rule: *os.File values that cross between rewritten code and code that is
// not rewritten.
//
//	w := os.Stdout                  w := simos.FromOS(os.Stdout)
//	os.Stdout = f               ->  os.Stdout = f.OS()
//	c, err := net.FileConn(f)       c, err := net.FileConn(f.OS())
//	fmt.Fprintln(os.Stderr, x)      fmt.Fprintln(os.Stderr, x)
//	r, w, err := os.Pipe()          r, w, err := func() (*simos.File, *simos.File, error) { _simr0, _simr1, _simr2 := os.Pipe(); return simos.FromOS(_simr0), simos.FromOS(_simr1), _simr2 }()
//	g, ok := v.(*os.File)           g, ok := func(_simx interface{}) (*simos.File, bool) { if _simf, _simok := _simx.(*os_1.File); _simok { return simos.FromOS(_simf), true }; _simf, _simok := _simx.(*simos.File); return _simf, _simok }(v)
//
// Rewritten code spells *os.File as *simos.File (rule_os.go). Code that is
// not rewritten (the standard library) makes and takes real ones, so a
// value is converted where it crosses, decided by types alone:
//
//   - Out of that code: a package variable (os.Stdin), the result of a call
//     of a function or method of it (os.NewFile, (*os.Root).Open), a field
//     of a struct type of it. Such a *os.File becomes simos.FromOS(x), which
//     keeps identity (the same *os.File gives the same *simos.File), so ==
//     and map keys keep working. A call with several results is converted
//     in a function literal called in place, whose results are spelled.
//   - Into it: an argument whose parameter is a *os.File, an assignment to a
//     variable or field of it, a field of a composite literal of its struct
//     type. The value becomes x.OS(), the real file under the simulated one.
//   - Straight back: a real *os.File handed directly to such a position, or
//     to one of interface type (fmt.Fprintln(os.Stderr, ...), cmd.Stdout =
//     os.Stdout), stays as it is, as native channels do (rule_native.go):
//     that code then sees the *os.File it would have seen, and os/exec
//     still hands the process the file itself.
//
// Only a single *os.File is converted. A slice, array, map, channel or
// function type holding *os.File that crosses either way (exec.Cmd's
// ExtraFiles, os.ProcAttr's Files, os.NewFile as a function value) cannot
// be converted in place, and is an error, as is taking the address of such
// a variable or field of code that is not rewritten. A simulated file put
// into a field of interface type of that code (cmd.Stdout = f) crosses as
// it is; that code sees a *simos.File, not a *os.File, and takes the path
// it takes for any writer (os/exec copies through a goroutine of its own,
// outside the simulation), which is a warning.
//
// Type assertions. An interface value may hold a real *os.File that code
// that is not rewritten put there (log.Writer(), an io.Writer it hands
// back). So a type assertion to *os.File, which rewritten code spells
// *simos.File, accepts a real *os.File too and converts it: the assertion
// becomes a function literal that tries *os.File, through an import of os
// under a name of its own, then *simos.File. A type switch with a case
// *os.File gets its subject converted the same way before it is switched
// on. Code that is not rewritten and asserts a *simos.File to *os.File sees
// it fail: that cannot be helped from here, and takes that code's path for
// other values.

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// osFileState is what prepareOSFile marks for the hooks that run as the
// file is written out.
type osFileState struct {
	toOS   map[ast.Expr]bool // simulated files converted with .OS()
	lvalue map[ast.Expr]bool // assigned to or addressed: never converted
	callee map[ast.Expr]bool // the function of a call
	// asserts holds the type assertions to *os.File, and the guards of type
	// switches with a case *os.File.
	asserts map[*ast.TypeAssertExpr]assertKind
	// switchType is the spelled type of a type switch guard's subject.
	switchType map[*ast.TypeAssertExpr]string
}

type assertKind int

const (
	assertOne   assertKind = iota + 1 // v.(*os.File)
	assertOK                          // f, ok := v.(*os.File)
	assertGuard                       // switch v.(type) { case *os.File: }
)

// isOSFile reports whether t is *os.File.
func isOSFile(t types.Type) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := types.Unalias(p.Elem()).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "os" && n.Obj().Name() == "File"
}

// holdsOSFile reports whether t is not *os.File but holds one without a
// named type in between: []*os.File, map[string]*os.File, func(*os.File),
// a tuple with a *os.File.
func holdsOSFile(t types.Type) bool {
	return !isOSFile(t) && mentionsOSFile(t, map[types.Type]bool{})
}

func mentionsOSFile(t types.Type, seen map[types.Type]bool) bool {
	if t == nil || seen[t] {
		return false
	}
	seen[t] = true
	if isOSFile(t) {
		return true
	}
	switch t := types.Unalias(t).(type) {
	case *types.Pointer:
		return mentionsOSFile(t.Elem(), seen)
	case *types.Slice:
		return mentionsOSFile(t.Elem(), seen)
	case *types.Array:
		return mentionsOSFile(t.Elem(), seen)
	case *types.Chan:
		return mentionsOSFile(t.Elem(), seen)
	case *types.Map:
		return mentionsOSFile(t.Key(), seen) || mentionsOSFile(t.Elem(), seen)
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if mentionsOSFile(t.Field(i).Type(), seen) {
				return true
			}
		}
	case *types.Tuple:
		for i := 0; i < t.Len(); i++ {
			if mentionsOSFile(t.At(i).Type(), seen) {
				return true
			}
		}
	case *types.Signature:
		return mentionsOSFile(t.Params(), seen) || mentionsOSFile(t.Results(), seen)
	}
	return false
}

// qualifier spells a package by its name in diagnostics.
func qualifier(p *types.Package) string { return p.Name() }

// funcName spells fn for a diagnostic: os.NewFile, (*os.Root).Open.
func funcName(fn *types.Func) string {
	if recv := fn.Type().(*types.Signature).Recv(); recv != nil {
		return "(" + types.TypeString(recv.Type(), qualifier) + ")." + fn.Name()
	}
	return fn.Pkg().Name() + "." + fn.Name()
}

// prepareOSFile marks where *os.File values cross, and diagnoses what
// cannot. It runs after prepare's own walk, so r.sels is complete.
func (r *fileRewriter) prepareOSFile() {
	s := &r.osf
	s.toOS = map[ast.Expr]bool{}
	s.lvalue = map[ast.Expr]bool{}
	s.callee = map[ast.Expr]bool{}
	s.asserts = map[*ast.TypeAssertExpr]assertKind{}
	s.switchType = map[*ast.TypeAssertExpr]string{}
	ast.Inspect(r.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			r.osAssign(n)
		case *ast.ValueSpec:
			if len(n.Names) == 2 && len(n.Values) == 1 {
				r.markAssertOK(n.Values[0])
			}
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if e != nil {
						r.osLvalue(e, "range")
					}
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				r.osLvalue(n.X, "&")
			}
		case *ast.ExprStmt:
			// Results thrown away need no conversion (and a go or defer
			// statement must keep its call).
			r.osDiscard(n.X)
		case *ast.GoStmt:
			r.osDiscard(n.Call)
		case *ast.DeferStmt:
			r.osDiscard(n.Call)
		case *ast.CallExpr:
			s.callee[unparen(n.Fun)] = true
			r.osCall(n)
		case *ast.CompositeLit:
			r.osCompositeLit(n)
		case *ast.BinaryExpr:
			// Comparing with nil needs no conversion.
			for _, p := range [][2]ast.Expr{{n.X, n.Y}, {n.Y, n.X}} {
				if tv, ok := r.info.Types[p[1]]; ok && tv.IsNil() {
					r.osPass(p[0])
				}
			}
		case *ast.TypeSwitchStmt:
			r.osTypeSwitch(n)
		case *ast.TypeAssertExpr:
			if n.Type != nil && isOSFile(r.typeOf(n.Type)) && s.asserts[n] == 0 {
				s.asserts[n] = assertOne
			}
		case *ast.Ident:
			if !r.sels[n] {
				r.osFuncValue(n, n)
			}
		case *ast.SelectorExpr:
			r.osFuncValue(n, n.Sel)
		}
		if e, ok := n.(ast.Expr); ok {
			r.osHeld(e)
		}
		return true
	})
}

// osDiscard lets the results of e, which are thrown away, stay as they are.
func (r *fileRewriter) osDiscard(e ast.Expr) { r.osPass(e) }

// osPass lets e, a value that holds files, stay as it is. Channels have
// rules of their own for that (rule_native.go), which this leaves alone.
func (r *fileRewriter) osPass(e ast.Expr) {
	e = unparen(e)
	if t := r.typeOf(e); t != nil && mentionsOSFile(t, map[types.Type]bool{}) {
		r.passthrough[e] = true
	}
}

// osFuncValue diagnoses a function of code that is not rewritten whose
// signature has a *os.File, used as a value: only its calls are converted.
func (r *fileRewriter) osFuncValue(e ast.Expr, id *ast.Ident) {
	if r.osf.callee[e] {
		return
	}
	fn, ok := r.info.Uses[id].(*types.Func)
	if !ok || !r.nativeFunc(fn) {
		return
	}
	sig := fn.Type().(*types.Signature)
	if !mentionsOSFile(sig.Params(), map[types.Type]bool{}) && !mentionsOSFile(sig.Results(), map[types.Type]bool{}) {
		return
	}
	r.diag(e.Pos(), Error, "%s is used as a function value, and its signature has a *os.File: the simulation's files are *simos.File values, and only calls of code that is not rewritten are converted; call it inside a function literal of your own instead", funcName(fn))
}

// osHeld diagnoses a value of code that is not rewritten that holds
// *os.File values (a []*os.File field) used in rewritten code.
func (r *fileRewriter) osHeld(e ast.Expr) {
	if r.passthrough[e] || r.osf.lvalue[e] {
		return
	}
	tv, ok := r.info.Types[e]
	if !ok || !tv.IsValue() {
		return
	}
	if _, tuple := tv.Type.(*types.Tuple); tuple || !holdsOSFile(tv.Type) || !r.isNativeSource(e) {
		return
	}
	r.diag(e.Pos(), Error, "%s is a %s that code that is not rewritten hands out: the simulation's files are *simos.File values, and only a single *os.File is converted where it comes out, not a %s of them; take the files out of it in code that is not rewritten, or leave this code out of the simulation", r.exprName(e), types.TypeString(tv.Type, qualifier), kindOf(tv.Type))
}

// kindOf names the shape of a type that holds files.
func kindOf(t types.Type) string {
	switch types.Unalias(t).(type) {
	case *types.Slice:
		return "slice"
	case *types.Array:
		return "array"
	case *types.Map:
		return "map"
	case *types.Chan:
		return "channel"
	case *types.Signature:
		return "function"
	case *types.Pointer:
		return "pointer"
	}
	return "value"
}

// exprName spells e for a diagnostic: the variable or field it names, or
// its source.
func (r *fileRewriter) exprName(e ast.Expr) string {
	switch e := unparen(e).(type) {
	case *ast.SelectorExpr:
		if sel, ok := r.info.Selections[e]; ok && sel.Kind() == types.FieldVal {
			recv := sel.Recv()
			if p, ok := recv.Underlying().(*types.Pointer); ok {
				recv = p.Elem()
			}
			return types.TypeString(recv, qualifier) + "." + sel.Obj().Name()
		}
		if v, ok := r.info.Uses[e.Sel].(*types.Var); ok && v.Pkg() != nil {
			return v.Pkg().Name() + "." + v.Name()
		}
	case *ast.Ident:
		if v, ok := r.info.Uses[e].(*types.Var); ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() {
			return v.Pkg().Name() + "." + v.Name()
		}
	case *ast.CallExpr:
		if fn, ok := typeutil.Callee(r.info, e).(*types.Func); ok {
			return "the result of " + funcName(fn)
		}
	}
	return strings.Join(strings.Fields(r.orig(e.Pos(), e.End())), " ")
}

// nativeSink reports whether assigning to e stores into code that is not
// rewritten: one of its package variables, or a field of one of its struct
// types.
func (r *fileRewriter) nativeSink(e ast.Expr) bool {
	e = unparen(e)
	if _, call := e.(*ast.CallExpr); call {
		return false
	}
	return r.isNativeSource(e)
}

// osLvalue marks e as assigned to or addressed, and diagnoses the address
// or range assignment of a variable or field of code that is not rewritten
// that holds files.
func (r *fileRewriter) osLvalue(e ast.Expr, how string) {
	e = unparen(e)
	r.osf.lvalue[e] = true
	t := r.typeOf(e)
	if t == nil || !mentionsOSFile(t, map[types.Type]bool{}) || !r.nativeSink(e) {
		return
	}
	switch how {
	case "&":
		r.diag(e.Pos(), Error, "&%s takes the address of a %s of code that is not rewritten: the simulation's files are *simos.File values, and a pointer to it cannot be converted; read and assign %s instead", r.exprName(e), types.TypeString(t, qualifier), r.exprName(e))
	default:
		r.diag(e.Pos(), Error, "a range loop assigns to %s, a %s of code that is not rewritten, which the simulation's *simos.File values cannot be; range into a variable of your own and assign that", r.exprName(e), types.TypeString(t, qualifier))
	}
}

// osAssign handles an assignment: files stored into code that is not
// rewritten are converted, and comma-ok assertions are marked.
func (r *fileRewriter) osAssign(n *ast.AssignStmt) {
	for _, l := range n.Lhs {
		r.osf.lvalue[unparen(l)] = true
	}
	if len(n.Lhs) == 2 && len(n.Rhs) == 1 {
		r.markAssertOK(n.Rhs[0])
	}
	if n.Tok != token.ASSIGN {
		return
	}
	if len(n.Lhs) == len(n.Rhs) {
		for i, l := range n.Lhs {
			if r.nativeSink(l) {
				r.osSink(n.Rhs[i], r.typeOf(l), r.exprName(l), true)
			}
		}
		return
	}
	// v, err = f(): the results cannot be converted one by one.
	rhs := unparen(n.Rhs[0])
	native := r.isNativeSource(rhs)
	var sinks, locals []ast.Expr
	held := false
	for _, l := range n.Lhs {
		t := r.typeOf(l)
		if t == nil || !mentionsOSFile(t, map[types.Type]bool{}) {
			continue
		}
		if r.nativeSink(l) {
			sinks = append(sinks, l)
			continue
		}
		locals = append(locals, l)
		held = held || holdsOSFile(t)
	}
	from := "rewritten code"
	if call, ok := rhs.(*ast.CallExpr); ok {
		if fn, ok := typeutil.Callee(r.info, call).(*types.Func); ok {
			from = funcName(fn)
		}
	}
	switch {
	case native && len(sinks) > 0 && len(locals) > 0:
		r.diag(sinks[0].Pos(), Error, "this assignment stores the results of %s, code that is not rewritten, both back into that code (%s) and into variables of the simulation; the *os.File results cannot be converted for one and not the other: assign them to new variables first, then assign each one", from, r.exprName(sinks[0]))
	case native && len(sinks) > 0:
		// Results of code that is not rewritten stored straight back.
		r.osPass(rhs)
	case native && held:
		r.diag(locals[0].Pos(), Error, "%s hands out a %s, and the simulation's files are *simos.File values: only a single *os.File is converted where it comes out, not a %s of them; take the files out of it in code that is not rewritten, or leave this code out of the simulation", from, types.TypeString(r.typeOf(locals[0]), qualifier), kindOf(r.typeOf(locals[0])))
	case !native && len(sinks) > 0:
		r.diag(sinks[0].Pos(), Error, "this assignment stores a %s result of %s into %s, which is code that is not rewritten; the results of one call cannot be converted one by one: assign them to new variables first, then assign %s", types.TypeString(r.typeOf(sinks[0]), qualifier), from, r.exprName(sinks[0]), r.exprName(sinks[0]))
	}
}

// markAssertOK marks v.(*os.File) in comma-ok position.
func (r *fileRewriter) markAssertOK(e ast.Expr) {
	if ta, ok := unparen(e).(*ast.TypeAssertExpr); ok && ta.Type != nil && isOSFile(r.typeOf(ta.Type)) {
		r.osf.asserts[ta] = assertOK
	}
}

// osSink handles e stored into a position of type t of code that is not
// rewritten, described by what. stored is false for call arguments, which
// checkCrossing diagnoses for other mapped types.
func (r *fileRewriter) osSink(e ast.Expr, t types.Type, what string, stored bool) {
	tv, ok := r.info.Types[e]
	if !ok || tv.IsNil() || t == nil {
		return
	}
	native := r.isNativeSource(unparen(e))
	switch {
	case isOSFile(t):
		if native {
			r.osPass(e)
		} else if isOSFile(tv.Type) {
			r.osf.toOS[e] = true
		}
	case holdsOSFile(t):
		if native {
			r.osPass(e)
			return
		}
		r.diag(e.Pos(), Error, "%s is a %s of code that is not rewritten: the simulation's files are *simos.File values, and only a single *os.File is converted where it goes in (with .OS()), not a %s of them; hand that code the files one at a time, or leave this code out of the simulation", what, types.TypeString(t, qualifier), kindOf(t))
	case types.IsInterface(t) && native:
		// A real value handed straight back: it stays real.
		r.osPass(e)
	case types.IsInterface(t) && isOSFile(tv.Type):
		if stored {
			r.diag(e.Pos(), Warning, "%s, of code that is not rewritten, is given a simulated *os.File: that code sees a *simos.File, not a *os.File, and treats it as any other %s (os/exec copies through a pipe and a goroutine of its own, outside the simulation)", what, types.TypeString(t, qualifier))
		}
	case stored && !native:
		if name, ok := mappedIn(t); ok {
			r.diag(e.Pos(), Error, "%s is a %s of code that is not rewritten, which the simulation replaces with its own type; code that is not rewritten cannot use a simulated %s. Keep the value out of it, or leave this code out of the simulation", what, types.TypeString(t, qualifier), name)
		}
	}
}

// osCall handles the arguments of a call of code that is not rewritten.
func (r *fileRewriter) osCall(call *ast.CallExpr) {
	if tv, ok := r.info.Types[call.Fun]; ok && tv.IsType() {
		return
	}
	if b, ok := r.info.Uses[builtinIdent(call.Fun)].(*types.Builtin); ok {
		if (b.Name() == "len" || b.Name() == "cap") && len(call.Args) == 1 {
			r.osPass(call.Args[0])
		}
		return
	}
	fn, ok := typeutil.Callee(r.info, call).(*types.Func)
	if !ok || !r.nativeFunc(fn) {
		return
	}
	sig := fn.Origin().Type().(*types.Signature)
	if len(call.Args) == 1 && sig.Params().Len() > 1 {
		// f(g()): g's results go in as they are.
		if mentionsOSFile(sig.Params(), map[types.Type]bool{}) {
			r.osSink(call.Args[0], sig.Params(), "the arguments of "+funcName(fn), false)
		}
		return
	}
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
		if _, isTP := pt.(*types.TypeParam); isTP {
			continue
		}
		r.osSink(a, pt, funcName(fn)+"'s parameter "+paramName(sig, i), false)
	}
}

func builtinIdent(e ast.Expr) *ast.Ident {
	id, _ := unparen(e).(*ast.Ident)
	return id
}

// paramName names parameter i of sig for a diagnostic.
func paramName(sig *types.Signature, i int) string {
	if i >= sig.Params().Len() {
		i = sig.Params().Len() - 1
	}
	if n := sig.Params().At(i).Name(); n != "" && n != "_" {
		return n
	}
	return "#" + strconv.Itoa(i+1)
}

// osCompositeLit handles the fields of a composite literal of a struct type
// of code that is not rewritten.
func (r *fileRewriter) osCompositeLit(lit *ast.CompositeLit) {
	t := r.typeOf(lit)
	if t == nil {
		return
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem() // an elided &T{...}
	}
	named, ok := types.Unalias(t).(*types.Named)
	if !ok || named.Obj().Pkg() == nil || r.rewritten(named.Obj().Pkg()) {
		return
	}
	if _, mapped := lookup(named.Obj().Pkg().Path(), named.Obj().Name()); mapped {
		return
	}
	st, ok := named.Underlying().(*types.Struct)
	if !ok {
		return
	}
	for i, el := range lit.Elts {
		var f *types.Var
		v := el
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			id, _ := kv.Key.(*ast.Ident)
			if id == nil {
				continue
			}
			f, _ = r.info.Uses[id].(*types.Var)
			v = kv.Value
		} else if i < st.NumFields() {
			f = st.Field(i)
		}
		if f == nil {
			continue
		}
		r.osSink(v, f.Type(), types.TypeString(named, qualifier)+"."+f.Name(), true)
	}
}

// osTypeSwitch marks the guard of a type switch with a case *os.File.
func (r *fileRewriter) osTypeSwitch(ts *ast.TypeSwitchStmt) {
	var guard *ast.TypeAssertExpr
	bound := false
	switch a := ts.Assign.(type) {
	case *ast.ExprStmt:
		guard, _ = unparen(a.X).(*ast.TypeAssertExpr)
	case *ast.AssignStmt:
		guard, _ = unparen(a.Rhs[0]).(*ast.TypeAssertExpr)
		bound = true
	}
	if guard == nil {
		return
	}
	has := false
	for _, s := range ts.Body.List {
		for _, e := range s.(*ast.CaseClause).List {
			if isOSFile(r.typeOf(e)) {
				has = true
			}
		}
	}
	if !has {
		return
	}
	t := "interface{}"
	if bound {
		st, ok := r.typeText(r.typeOf(guard.X))
		if !ok {
			r.diag(guard.X.Pos(), Error, "this type switch has a case *os.File, so its subject is converted before it is switched on (a real *os.File becomes the simulation's *simos.File), and that needs its type %s spelled, which this file cannot; assign the subject to a variable of type interface{} first", r.typeOf(guard.X))
			return
		}
		t = st
	}
	r.osf.asserts[guard] = assertGuard
	r.osf.switchType[guard] = t
}

// osFileWrap returns what text puts around n: .OS() for a simulated file
// going into code that is not rewritten, simos.FromOS for a real one coming
// out of it.
func (r *fileRewriter) osFileWrap(n ast.Node) (string, string) {
	e, ok := n.(ast.Expr)
	if !ok {
		return "", ""
	}
	if r.osf.toOS[e] {
		r.count("os.File to native")
		switch e.(type) {
		case *ast.Ident, *ast.SelectorExpr, *ast.CallExpr, *ast.IndexExpr, *ast.IndexListExpr, *ast.ParenExpr, *ast.TypeAssertExpr:
			return "", ".OS()"
		}
		return "(", ").OS()"
	}
	if r.passthrough[e] || r.osf.lvalue[e] {
		return "", ""
	}
	tv, ok := r.info.Types[e]
	if !ok || !tv.IsValue() || !isOSFile(tv.Type) || !r.isNativeSource(e) {
		return "", ""
	}
	r.count("native os.File")
	return r.pkgName(simosPath) + ".FromOS(", ")"
}

// ruleOSFile converts the results of a call of code that is not rewritten
// with several results, some of them *os.File, and type assertions to
// *os.File.
func (r *fileRewriter) ruleOSFile(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.CallExpr:
		return r.osResults(n)
	case *ast.TypeAssertExpr:
		return r.osAssert(n)
	}
	return "", false
}

func (r *fileRewriter) osResults(call *ast.CallExpr) (string, bool) {
	if r.passthrough[call] {
		return "", false
	}
	tuple, ok := r.typeOf(call).(*types.Tuple)
	if !ok || !r.isNativeSource(call) {
		return "", false
	}
	has := false
	for i := 0; i < tuple.Len(); i++ {
		if isOSFile(tuple.At(i).Type()) {
			has = true
		}
	}
	if !has {
		return "", false
	}
	var types_, temps, results []string
	for i := 0; i < tuple.Len(); i++ {
		t, ok := r.typeText(tuple.At(i).Type())
		if !ok {
			r.diag(call.Pos(), Error, "the results of %s include a *os.File, converted in a function literal that spells every result type, and this file cannot spell %s; assign the results in a function of a package that imports its package", r.exprName(call), tuple.At(i).Type())
			return "", false
		}
		types_ = append(types_, t)
		tmp := r.temp("r" + strconv.Itoa(i))
		temps = append(temps, tmp)
		if isOSFile(tuple.At(i).Type()) {
			tmp = r.pkgName(simosPath) + ".FromOS(" + tmp + ")"
		}
		results = append(results, tmp)
	}
	r.count("native os.File")
	text := r.splice(call.Pos(), call.End(), children(call))
	return "func() (" + strings.Join(types_, ", ") + ") { " + strings.Join(temps, ", ") + " := " + text +
		"; return " + strings.Join(results, ", ") + " }()", true
}

func (r *fileRewriter) osAssert(ta *ast.TypeAssertExpr) (string, bool) {
	kind := r.osf.asserts[ta]
	if kind == 0 {
		return "", false
	}
	r.count("os.File assertion")
	sim := "*" + r.pkgName(simosPath) + ".File"
	real := "*" + r.pkgName("os") + ".File"
	from := r.pkgName(simosPath) + ".FromOS"
	x, f, ok := r.temp("x"), r.temp("f"), r.temp("ok")
	// Only the operand is kept: the asserted type is the literal's. The
	// type is still rewritten, so that an os import it was the last use of
	// is blanked.
	text := r.text(ta.X) + r.glue(ta.X.End(), ta.End())
	if ta.Type != nil {
		r.text(ta.Type)
	}
	switch kind {
	case assertOne:
		return "func(" + x + " interface{}) " + sim + " { if " + f + ", " + ok + " := " + x + ".(" + real + "); " + ok +
			" { return " + from + "(" + f + ") }; return " + x + ".(" + sim + ") }(" + text + ")", true
	case assertOK:
		return "func(" + x + " interface{}) (" + sim + ", bool) { if " + f + ", " + ok + " := " + x + ".(" + real + "); " + ok +
			" { return " + from + "(" + f + "), true }; " + f + ", " + ok + " := " + x + ".(" + sim + "); return " + f + ", " + ok + " }(" + text + ")", true
	}
	t := r.osf.switchType[ta]
	return "func(" + x + " " + t + ") " + t + " { if " + f + ", " + ok + " := " + x + ".(" + real + "); " + ok +
		" { return " + from + "(" + f + ") }; return " + x + " }(" + text + ").(type)", true
}
