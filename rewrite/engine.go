package rewrite

// The splicing engine. text(n) is the original source of n with the rules
// applied to n and everything inside it. A rule that matches a node returns
// its replacement, built from text(child) of the children it keeps; bytes no
// rule touches are copied from the original. Invariant: a replacement has
// exactly as many newlines as the range it replaces, so line N of the output
// is line N of the input and one //line directive maps every position back.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// fileRewriter holds the working state of one file. It is used by one
// goroutine and thrown away after the file is done.
type fileRewriter struct {
	run       *runner
	pkg       *packages.Package
	info      *types.Info
	file      *ast.File
	tf        *token.File
	src       []byte
	path      string
	goVersion string // the file's language version, such as "go1.22"

	names   map[string]bool   // every identifier spelled in the file
	temps   map[string]string // temporary base name -> name chosen for this file
	imports map[string]string // runtime import path -> local name, for added imports

	memo map[ast.Node]string // text(n), once computed or preset by a rule
	wrap map[ast.Node][2]string
	// mapKeys are the keys stored into maps that MapKey wraps, outermost,
	// each with the type to spell before it when it is a composite literal
	// whose type was elided (rule_mapkey.go).
	mapKeys map[ast.Node]string
	// valSpec holds the chan types that declare defined channel types with
	// methods (rule_chanval.go).
	valSpec map[*ast.ChanType]bool
	// keepChan holds the chan types that stay real: results of methods
	// whose signature the standard library dictates (rule_nativemethod.go).
	keepChan map[*ast.ChanType]bool
	recv2    map[*ast.UnaryExpr]bool // receives in comma-ok position
	sels     map[*ast.Ident]bool     // identifiers in the Sel position of a selector
	// passthrough marks native channel values handed straight back to code
	// that is not rewritten: they stay native.
	passthrough map[ast.Expr]bool
	// nativeSize marks the unsafe.Sizeof, Alignof and Offsetof calls that
	// take the native value (rule_unsafesize.go).
	nativeSize map[*ast.CallExpr]bool
	// osf marks where *os.File values cross (rule_osfile.go).
	osf osFileState

	dropped    map[*ast.Ident]bool // package qualifiers removed by a rule
	droppedDot map[string]int      // per package path, dot-imported references removed

	changed bool
	touched [][2]int // line ranges (1-based, inclusive) of rule replacements
	counts  map[string]int
	diags   []Diagnostic
}

func newFileRewriter(r *runner, pkg *packages.Package, f *ast.File, src []byte) *fileRewriter {
	tf := pkg.Fset.File(f.Pos())
	fr := &fileRewriter{
		run:         r,
		pkg:         pkg,
		info:        pkg.TypesInfo,
		file:        f,
		tf:          tf,
		src:         src,
		path:        tf.Name(),
		names:       map[string]bool{},
		temps:       map[string]string{},
		imports:     map[string]string{},
		memo:        map[ast.Node]string{},
		wrap:        map[ast.Node][2]string{},
		mapKeys:     map[ast.Node]string{},
		valSpec:     map[*ast.ChanType]bool{},
		keepChan:    map[*ast.ChanType]bool{},
		recv2:       map[*ast.UnaryExpr]bool{},
		sels:        map[*ast.Ident]bool{},
		passthrough: map[ast.Expr]bool{},
		nativeSize:  map[*ast.CallExpr]bool{},
		dropped:     map[*ast.Ident]bool{},
		droppedDot:  map[string]int{},
		counts:      map[string]int{},
	}
	fr.goVersion = pkg.TypesInfo.FileVersions[f]
	if fr.goVersion == "" && pkg.Module != nil && pkg.Module.GoVersion != "" {
		fr.goVersion = "go" + pkg.Module.GoVersion
	}
	if fr.goVersion == "" && r.module.GoVersion != "" {
		fr.goVersion = "go" + r.module.GoVersion
	}
	return fr
}

func (r *fileRewriter) off(p token.Pos) int { return r.tf.Offset(p) }

func (r *fileRewriter) orig(from, to token.Pos) string {
	return string(r.src[r.off(from):r.off(to)])
}

func (r *fileRewriter) line(p token.Pos) int { return r.tf.Line(p) }

func (r *fileRewriter) position(p token.Pos) token.Position { return r.pkg.Fset.Position(p) }

func (r *fileRewriter) diag(p token.Pos, sev Severity, format string, args ...any) {
	r.diags = append(r.diags, Diagnostic{Pos: r.position(p), Severity: sev, Msg: fmt.Sprintf(format, args...)})
}

func (r *fileRewriter) count(what string) { r.counts[what]++ }

// temp returns the name of a temporary. The name occurs nowhere in the file,
// so it can neither collide with nor shadow anything the user refers to.
// Temporaries of nested constructs may shadow each other; each is only
// referred to inside its own construct, before any nested one starts.
func (r *fileRewriter) temp(base string) string {
	if n, ok := r.temps[base]; ok {
		return n
	}
	n := "_sim" + base
	for i := 1; r.names[n]; i++ {
		n = fmt.Sprintf("_sim%s_%d", base, i)
	}
	r.temps[base] = n
	return n
}

// pkgName returns the local name of an added runtime import.
func (r *fileRewriter) pkgName(path string) string {
	if n, ok := r.imports[path]; ok {
		return n
	}
	base := path[strings.LastIndex(path, "/")+1:]
	n := base
	for i := 1; r.names[n]; i++ {
		n = fmt.Sprintf("%s_%d", base, i)
	}
	r.imports[path] = n
	return n
}

// rt qualifies a name of package simrt.
func (r *fileRewriter) rt(name string) string { return r.pkgName(simrtPath) + "." + name }

// text returns the rewritten source of n.
func (r *fileRewriter) text(n ast.Node) string {
	if s, ok := r.memo[n]; ok {
		return s
	}
	s, ok := r.apply(n)
	if ok {
		r.changed = true
		if want := strings.Count(r.orig(n.Pos(), n.End()), "\n"); strings.Count(s, "\n") != want {
			r.diag(n.Pos(), Error, "internal error: rewriting this %T changed its line count (%d -> %d); please report it", n, want, strings.Count(s, "\n"))
		}
		r.touched = append(r.touched, [2]int{r.line(n.Pos()), r.line(n.End())})
	} else {
		s = r.splice(n.Pos(), n.End(), children(n))
	}
	if w, ok := r.wrap[n]; ok {
		r.changed = true
		s = w[0] + s + w[1]
		r.touched = append(r.touched, [2]int{r.line(n.Pos()), r.line(n.End())})
	}
	if kind := r.nativeWrap(n); kind != "" {
		r.changed = true
		s = r.rt(kind) + "(" + s + ")"
		r.touched = append(r.touched, [2]int{r.line(n.Pos()), r.line(n.End())})
	}
	if pre, post := r.osFileWrap(n); pre != "" || post != "" {
		r.changed = true
		s = pre + s + post
		r.touched = append(r.touched, [2]int{r.line(n.Pos()), r.line(n.End())})
	}
	if typ, ok := r.mapKeys[n]; ok {
		r.changed = true
		s = r.rt("MapKey") + "(" + typ + s + ")"
		r.touched = append(r.touched, [2]int{r.line(n.Pos()), r.line(n.End())})
	}
	r.memo[n] = s
	return s
}

// splice copies the original bytes of [from, to) with each kid replaced by
// its text. Kids outside the range (doc comments before a declaration's
// position) are left to the original bytes.
func (r *fileRewriter) splice(from, to token.Pos, kids []ast.Node) string {
	var b strings.Builder
	at := from
	for _, k := range kids {
		if k.Pos() < at || k.End() > to {
			continue
		}
		b.Write(r.src[r.off(at):r.off(k.Pos())])
		b.WriteString(r.text(k))
		at = k.End()
	}
	b.Write(r.src[r.off(at):r.off(to)])
	return b.String()
}

// glue returns the newlines of [from, to) that are not inside one of the
// kids. A rule that drops original tokens puts these back after an opening
// bracket of its replacement, where a newline never inserts a semicolon.
func (r *fileRewriter) glue(from, to token.Pos, kids ...ast.Node) string {
	n := strings.Count(r.orig(from, to), "\n")
	for _, k := range kids {
		if k != nil && k.Pos() >= from && k.End() <= to {
			n -= strings.Count(r.orig(k.Pos(), k.End()), "\n")
		}
	}
	return strings.Repeat("\n", max(n, 0))
}

// children returns the direct children of n in source order. A FuncDecl's
// FuncType starts at the func keyword, before the receiver, so its parts
// are taken as children of the declaration instead.
func children(n ast.Node) []ast.Node {
	var kids []ast.Node
	ast.Inspect(n, func(c ast.Node) bool {
		if c == nil {
			return false
		}
		if c == n {
			return true
		}
		if fd, ok := n.(*ast.FuncDecl); ok && c == fd.Type {
			if fd.Type.TypeParams != nil {
				kids = append(kids, fd.Type.TypeParams)
			}
			kids = append(kids, fd.Type.Params)
			if fd.Type.Results != nil {
				kids = append(kids, fd.Type.Results)
			}
			return false
		}
		kids = append(kids, c)
		return false
	})
	sort.SliceStable(kids, func(i, j int) bool { return kids[i].Pos() < kids[j].Pos() })
	return kids
}

// apply runs the rules on n. The first that matches wins; rules recurse into
// children through text.
func (r *fileRewriter) apply(n ast.Node) (string, bool) {
	for _, rule := range []func(ast.Node) (string, bool){
		r.ruleEntry,
		r.ruleTestLog,
		r.ruleGo,
		r.ruleSelect,
		r.ruleMapRange,
		r.ruleChanRange,
		r.ruleChanOps,
		r.ruleChanType,
		r.ruleTime,
		r.ruleSync,
		r.ruleRuntime,
		r.ruleContext,
		r.ruleRand,
		r.rulePipe,
		r.ruleNet,
		r.ruleOS,
		r.ruleOSFile,
		r.ruleSignal,
		r.ruleUnsafeSize,
	} {
		if s, ok := rule(n); ok {
			return s, true
		}
	}
	return "", false
}

func unparen(e ast.Expr) ast.Expr { return ast.Unparen(e) }

// typeOf returns the type recorded for e, or nil.
func (r *fileRewriter) typeOf(e ast.Expr) types.Type { return r.info.TypeOf(e) }

// chanOf returns the channel type of t: its underlying type, or the core
// type of a type parameter whose type set holds only channels.
func chanOf(t types.Type) *types.Chan {
	if t == nil {
		return nil
	}
	if tp, ok := types.Unalias(t).(*types.TypeParam); ok {
		iface, _ := tp.Constraint().Underlying().(*types.Interface)
		if iface == nil {
			return nil
		}
		var core *types.Chan
		for i := 0; i < iface.NumEmbeddeds(); i++ {
			for _, term := range terms(iface.EmbeddedType(i)) {
				c := chanOf(term)
				if c == nil {
					return nil
				}
				core = c
			}
		}
		return core
	}
	c, _ := t.Underlying().(*types.Chan)
	return c
}

// terms lists the types of a constraint element.
func terms(t types.Type) []types.Type {
	switch t := types.Unalias(t).(type) {
	case *types.Union:
		var ts []types.Type
		for i := 0; i < t.Len(); i++ {
			ts = append(ts, t.Term(i).Type())
		}
		return ts
	case *types.Interface:
		var ts []types.Type
		for i := 0; i < t.NumEmbeddeds(); i++ {
			ts = append(ts, terms(t.EmbeddedType(i))...)
		}
		return ts
	}
	return []types.Type{t}
}

// isUntyped reports whether t is an untyped basic type.
func isUntyped(t types.Type) bool {
	b, ok := t.(*types.Basic)
	return ok && b.Info()&types.IsUntyped != 0
}

// rewritten reports whether objects of pkg are rewritten in this run.
func (r *fileRewriter) rewritten(pkg *types.Package) bool {
	return pkg != nil && r.run.rewritten[pkg.Path()]
}

// typeText spells t as Go source valid in this file after rewriting: channel
// types become *simrt.Chan[T], mapped types their runtime twins. It fails
// for types the file cannot name (unexported, or from a package the file
// does not import).
func (r *fileRewriter) typeText(t types.Type) (string, bool) {
	var b strings.Builder
	ok := r.writeType(&b, t)
	return b.String(), ok
}

func (r *fileRewriter) writeType(b *strings.Builder, t types.Type) bool {
	switch t := t.(type) {
	case *types.Basic:
		if isUntyped(t) {
			return false
		}
		b.WriteString(t.Name())
		return true
	case *types.Alias:
		if t.TypeArgs().Len() > 0 {
			return r.writeType(b, types.Unalias(t))
		}
		var ab strings.Builder
		if r.writeObj(&ab, t.Obj(), nil) {
			b.WriteString(ab.String())
			return true
		}
		return r.writeType(b, types.Unalias(t))
	case *types.Named:
		return r.writeObj(b, t.Obj(), t.TypeArgs())
	case *types.TypeParam:
		b.WriteString(t.Obj().Name())
		return true
	case *types.Pointer:
		b.WriteString("*")
		return r.writeType(b, t.Elem())
	case *types.Slice:
		b.WriteString("[]")
		return r.writeType(b, t.Elem())
	case *types.Array:
		fmt.Fprintf(b, "[%d]", t.Len())
		return r.writeType(b, t.Elem())
	case *types.Map:
		b.WriteString("map[")
		if !r.writeType(b, t.Key()) {
			return false
		}
		b.WriteString("]")
		return r.writeType(b, t.Elem())
	case *types.Chan:
		b.WriteString("*" + r.rt("Chan") + "[")
		if !r.writeType(b, t.Elem()) {
			return false
		}
		b.WriteString("]")
		return true
	case *types.Interface:
		if t.Empty() {
			b.WriteString("interface{}")
			return true
		}
	}
	// Signatures, structs and non-empty interfaces are spelled by go/types
	// when nothing in them needs rewriting or qualifying.
	if containsChan(t) || hasNamed(t) {
		return false
	}
	b.WriteString(types.TypeString(t, nil))
	return true
}

func (r *fileRewriter) writeObj(b *strings.Builder, obj *types.TypeName, args *types.TypeList) bool {
	pkg := obj.Pkg()
	switch {
	case pkg == nil: // error, comparable
		b.WriteString(obj.Name())
	case pkg == r.pkg.Types:
		b.WriteString(obj.Name())
	default:
		if tg, ok := lookup(pkg.Path(), obj.Name()); ok {
			b.WriteString(r.pkgName(tg.path) + "." + tg.name)
			break
		}
		if !obj.Exported() {
			return false
		}
		name, ok := r.importName(pkg.Path())
		if !ok {
			return false
		}
		if name != "" {
			b.WriteString(name + ".")
		}
		b.WriteString(obj.Name())
	}
	if args != nil && args.Len() > 0 {
		b.WriteString("[")
		for i := 0; i < args.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			if !r.writeType(b, args.At(i)) {
				return false
			}
		}
		b.WriteString("]")
	}
	return true
}

// importName returns the name under which the file imports path ("" for a
// dot import).
func (r *fileRewriter) importName(path string) (string, bool) {
	for _, spec := range r.file.Imports {
		p, _ := strconv.Unquote(spec.Path.Value)
		if p != path {
			continue
		}
		pn := r.info.PkgNameOf(spec)
		if pn == nil || pn.Name() == "_" {
			continue
		}
		if pn.Name() == "." {
			return "", true
		}
		return pn.Name(), true
	}
	return "", false
}

// containsChan reports whether a value of type t holds channels without a
// named type in between.
func containsChan(t types.Type) bool {
	return containsChanSeen(t, map[types.Type]bool{})
}

func containsChanSeen(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t := types.Unalias(t).(type) {
	case *types.Chan:
		return true
	case *types.Pointer:
		return containsChanSeen(t.Elem(), seen)
	case *types.Slice:
		return containsChanSeen(t.Elem(), seen)
	case *types.Array:
		return containsChanSeen(t.Elem(), seen)
	case *types.Map:
		return containsChanSeen(t.Key(), seen) || containsChanSeen(t.Elem(), seen)
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if containsChanSeen(t.Field(i).Type(), seen) {
				return true
			}
		}
	case *types.Signature:
		for _, tup := range []*types.Tuple{t.Params(), t.Results()} {
			for i := 0; i < tup.Len(); i++ {
				if containsChanSeen(tup.At(i).Type(), seen) {
					return true
				}
			}
		}
	case *types.Named:
		if _, ok := t.Underlying().(*types.Chan); ok {
			return true
		}
	}
	return false
}

// hasNamed reports whether spelling t needs a type name.
func hasNamed(t types.Type) bool {
	found := false
	var walk func(types.Type)
	walk = func(t types.Type) {
		if found {
			return
		}
		switch t := t.(type) {
		case *types.Named, *types.Alias, *types.TypeParam:
			found = true
		case *types.Pointer:
			walk(t.Elem())
		case *types.Slice:
			walk(t.Elem())
		case *types.Array:
			walk(t.Elem())
		case *types.Map:
			walk(t.Key())
			walk(t.Elem())
		case *types.Struct:
			for i := 0; i < t.NumFields(); i++ {
				walk(t.Field(i).Type())
			}
		case *types.Signature:
			for _, tup := range []*types.Tuple{t.Params(), t.Results()} {
				for i := 0; i < tup.Len(); i++ {
					walk(tup.At(i).Type())
				}
			}
		case *types.Interface:
			if !t.Empty() {
				found = true
			}
		}
	}
	walk(t)
	return found
}
