package simatomic_test

// Every function and method of simatomic runs the same script as its
// sync/atomic twin, inside a simulation and outside one, and must give the
// same results; the API, the panics of Value and the type layouts must match
// sync/atomic's; and each operation must be a scheduling point, so that spin
// loops end.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"unsafe"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simatomic"
)

// both runs check outside any simulation, then as a simulated test.
func both(t *testing.T, check func(t *testing.T)) {
	t.Helper()
	t.Run("outside", check)
	t.Run("sim", func(t *testing.T) { simrt.Test(t, check) })
}

type integer interface {
	~int32 | ~int64 | ~uint32 | ~uint64 | ~uintptr
}

// funcs is the set of package-level functions for one integer type.
type funcs[T integer] struct {
	add, and, or, swap func(*T, T) T
	cas                func(*T, T, T) bool
	load               func(*T) T
	store              func(*T, T)
}

func funcScript[T integer](f funcs[T]) []string {
	var x T
	var out []string
	rec := func(v ...any) { out = append(out, fmt.Sprint(v...)) }
	rec("add ", f.add(&x, 5), " ", f.add(&x, 3), " ", x)
	rec("load ", f.load(&x))
	f.store(&x, 12)
	rec("store ", x)
	rec("and ", f.and(&x, 10), " ", x)
	rec("or ", f.or(&x, 5), " ", x)
	rec("swap ", f.swap(&x, 7), " ", x)
	rec("cas ", f.cas(&x, 6, 1), " ", x, " ", f.cas(&x, 7, 1), " ", x)
	rec("dec ", f.add(&x, ^T(0)), " ", f.add(&x, ^T(0)), " ", x)
	return out
}

func compareFuncs[T integer](t *testing.T, name string, native, sim funcs[T]) {
	t.Helper()
	want, got := funcScript(native), funcScript(sim)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: simatomic %q, sync/atomic %q", name, got, want)
	}
}

func TestFuncs(t *testing.T) {
	both(t, func(t *testing.T) {
		compareFuncs(t, "int32",
			funcs[int32]{atomic.AddInt32, atomic.AndInt32, atomic.OrInt32, atomic.SwapInt32, atomic.CompareAndSwapInt32, atomic.LoadInt32, atomic.StoreInt32},
			funcs[int32]{simatomic.AddInt32, simatomic.AndInt32, simatomic.OrInt32, simatomic.SwapInt32, simatomic.CompareAndSwapInt32, simatomic.LoadInt32, simatomic.StoreInt32})
		compareFuncs(t, "int64",
			funcs[int64]{atomic.AddInt64, atomic.AndInt64, atomic.OrInt64, atomic.SwapInt64, atomic.CompareAndSwapInt64, atomic.LoadInt64, atomic.StoreInt64},
			funcs[int64]{simatomic.AddInt64, simatomic.AndInt64, simatomic.OrInt64, simatomic.SwapInt64, simatomic.CompareAndSwapInt64, simatomic.LoadInt64, simatomic.StoreInt64})
		compareFuncs(t, "uint32",
			funcs[uint32]{atomic.AddUint32, atomic.AndUint32, atomic.OrUint32, atomic.SwapUint32, atomic.CompareAndSwapUint32, atomic.LoadUint32, atomic.StoreUint32},
			funcs[uint32]{simatomic.AddUint32, simatomic.AndUint32, simatomic.OrUint32, simatomic.SwapUint32, simatomic.CompareAndSwapUint32, simatomic.LoadUint32, simatomic.StoreUint32})
		compareFuncs(t, "uint64",
			funcs[uint64]{atomic.AddUint64, atomic.AndUint64, atomic.OrUint64, atomic.SwapUint64, atomic.CompareAndSwapUint64, atomic.LoadUint64, atomic.StoreUint64},
			funcs[uint64]{simatomic.AddUint64, simatomic.AndUint64, simatomic.OrUint64, simatomic.SwapUint64, simatomic.CompareAndSwapUint64, simatomic.LoadUint64, simatomic.StoreUint64})
		compareFuncs(t, "uintptr",
			funcs[uintptr]{atomic.AddUintptr, atomic.AndUintptr, atomic.OrUintptr, atomic.SwapUintptr, atomic.CompareAndSwapUintptr, atomic.LoadUintptr, atomic.StoreUintptr},
			funcs[uintptr]{simatomic.AddUintptr, simatomic.AndUintptr, simatomic.OrUintptr, simatomic.SwapUintptr, simatomic.CompareAndSwapUintptr, simatomic.LoadUintptr, simatomic.StoreUintptr})
	})
}

type pointerFuncs struct {
	load  func(*unsafe.Pointer) unsafe.Pointer
	store func(*unsafe.Pointer, unsafe.Pointer)
	swap  func(*unsafe.Pointer, unsafe.Pointer) unsafe.Pointer
	cas   func(*unsafe.Pointer, unsafe.Pointer, unsafe.Pointer) bool
}

func TestPointerFuncs(t *testing.T) {
	a, b := new(int), new(int)
	pa, pb := unsafe.Pointer(a), unsafe.Pointer(b)
	script := func(f pointerFuncs) []any {
		var p unsafe.Pointer
		var out []any
		out = append(out, f.load(&p) == nil)
		f.store(&p, pa)
		out = append(out, p == pa, f.load(&p) == pa)
		out = append(out, f.swap(&p, pb) == pa, p == pb)
		out = append(out, f.cas(&p, pa, nil), p == pb, f.cas(&p, pb, nil), p == nil)
		return out
	}
	both(t, func(t *testing.T) {
		want := script(pointerFuncs{atomic.LoadPointer, atomic.StorePointer, atomic.SwapPointer, atomic.CompareAndSwapPointer})
		got := script(pointerFuncs{simatomic.LoadPointer, simatomic.StorePointer, simatomic.SwapPointer, simatomic.CompareAndSwapPointer})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("simatomic %v, sync/atomic %v", got, want)
		}
	})
}

// intType is the method set of the integer types.
type intType[T integer] interface {
	Add(T) T
	And(T) T
	Or(T) T
	Swap(T) T
	CompareAndSwap(old, new T) bool
	Load() T
	Store(T)
}

func typeScript[T integer](x intType[T]) []string {
	var out []string
	rec := func(v ...any) { out = append(out, fmt.Sprint(v...)) }
	rec("zero ", x.Load())
	rec("add ", x.Add(5), " ", x.Add(3), " ", x.Load())
	x.Store(12)
	rec("store ", x.Load())
	rec("and ", x.And(10), " ", x.Load())
	rec("or ", x.Or(5), " ", x.Load())
	rec("swap ", x.Swap(7), " ", x.Load())
	rec("cas ", x.CompareAndSwap(6, 1), " ", x.Load(), " ", x.CompareAndSwap(7, 1), " ", x.Load())
	rec("dec ", x.Add(^T(0)), " ", x.Load())
	return out
}

func compareType[T integer](t *testing.T, name string, native, sim intType[T]) {
	t.Helper()
	want, got := typeScript(native), typeScript(sim)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: simatomic %q, sync/atomic %q", name, got, want)
	}
}

func TestIntTypes(t *testing.T) {
	both(t, func(t *testing.T) {
		compareType[int32](t, "Int32", new(atomic.Int32), new(simatomic.Int32))
		compareType[int64](t, "Int64", new(atomic.Int64), new(simatomic.Int64))
		compareType[uint32](t, "Uint32", new(atomic.Uint32), new(simatomic.Uint32))
		compareType[uint64](t, "Uint64", new(atomic.Uint64), new(simatomic.Uint64))
		compareType[uintptr](t, "Uintptr", new(atomic.Uintptr), new(simatomic.Uintptr))
	})
}

func TestBool(t *testing.T) {
	type boolType interface {
		Load() bool
		Store(bool)
		Swap(bool) bool
		CompareAndSwap(old, new bool) bool
	}
	script := func(x boolType) []bool {
		out := []bool{x.Load(), x.Swap(true), x.Load(), x.CompareAndSwap(false, false), x.CompareAndSwap(true, false), x.Load()}
		x.Store(true)
		return append(out, x.Load())
	}
	both(t, func(t *testing.T) {
		if got, want := script(new(simatomic.Bool)), script(new(atomic.Bool)); !reflect.DeepEqual(got, want) {
			t.Errorf("simatomic %v, sync/atomic %v", got, want)
		}
	})
}

func TestPointerType(t *testing.T) {
	both(t, func(t *testing.T) {
		type node struct{ v int }
		a, b := &node{1}, &node{2}
		var p simatomic.Pointer[node]
		if p.Load() != nil {
			t.Fatal("zero Pointer not nil")
		}
		p.Store(a)
		if p.Load() != a {
			t.Fatal("Store/Load")
		}
		if old := p.Swap(b); old != a || p.Load() != b {
			t.Fatal("Swap")
		}
		if p.CompareAndSwap(a, nil) || !p.CompareAndSwap(b, a) || p.Load() != a {
			t.Fatal("CompareAndSwap")
		}
	})
}

func TestValue(t *testing.T) {
	type valueType interface {
		Load() any
		Store(any)
		Swap(any) any
		CompareAndSwap(old, new any) bool
	}
	catch := func(f func()) (s string) {
		defer func() { s = fmt.Sprint(recover()) }()
		f()
		return "no panic"
	}
	script := func(v valueType) []string {
		return []string{
			fmt.Sprint(v.Load()),
			catch(func() { v.Store(nil) }),
			catch(func() { v.Swap(nil) }),
			catch(func() { v.CompareAndSwap(nil, nil) }),
			fmt.Sprint(v.CompareAndSwap(nil, 1), v.Load()),
			catch(func() { v.Store("text") }),
			catch(func() { v.Swap("text") }),
			catch(func() { v.CompareAndSwap("text", 2) }),
			catch(func() { v.CompareAndSwap(1, "text") }),
			fmt.Sprint(v.Swap(3), v.Load()),
			fmt.Sprint(v.CompareAndSwap(4, 5), v.CompareAndSwap(3, 6), v.Load()),
			catch(func() { v.Store(7) }),
			fmt.Sprint(v.Load()),
		}
	}
	both(t, func(t *testing.T) {
		want, got := script(new(atomic.Value)), script(new(simatomic.Value))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("simatomic:\n\t%q\nsync/atomic:\n\t%q", got, want)
		}
		for _, text := range []string{
			"sync/atomic: store of nil value into Value",
			"sync/atomic: store of inconsistently typed value into Value",
		} {
			if !strings.Contains(strings.Join(got, "\n"), text) {
				t.Errorf("no panic %q in %q", text, got)
			}
		}
	})
}

// A goroutine that spins on an atomic lets the writer run: each load is a
// scheduling point.
func TestSpinTerminates(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var flag simatomic.Bool
		simrt.Go(func() { flag.Store(true) })
		for !flag.Load() {
		}

		var word int32
		simrt.Go(func() { simatomic.StoreInt32(&word, 1) })
		for simatomic.LoadInt32(&word) == 0 {
		}

		// A CAS spin lock around a plain counter.
		var lock simatomic.Uint32
		var wg simrt.WaitGroup
		counter := 0
		for i := 0; i < 4; i++ {
			wg.Go(func() {
				for j := 0; j < 50; j++ {
					for !lock.CompareAndSwap(0, 1) {
					}
					c := counter
					simrt.Gosched()
					counter = c + 1
					lock.Store(0)
				}
			})
		}
		wg.Wait()
		if counter != 200 {
			t.Errorf("counter %d, want 200", counter)
		}
	})
}

// Each operation is a scheduling point: two goroutines doing nothing but
// atomic operations interleave. (Under PCT a point switches only at a
// change point, so the check needs the random strategy.)
func TestOperationsAreSchedulingPoints(t *testing.T) {
	if s := os.Getenv("SIM_STRATEGY"); s != "random" {
		// The default portfolio runs PCT on odd seeds: check in a child
		// under the random strategy.
		cmd := exec.Command(os.Args[0], "-test.run=^TestOperationsAreSchedulingPoints$", "-test.count=1")
		cmd.Env = append(os.Environ(), "SIM_STRATEGY=random")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("under SIM_STRATEGY=random: %v\n%s", err, out)
		}
		return
	}
	simrt.Test(t, func(t *testing.T) {
		var n simatomic.Int64
		var log []byte
		var wg simrt.WaitGroup
		for _, who := range []byte("ab") {
			wg.Go(func() {
				for i := 0; i < 100; i++ {
					log = append(log, who)
					n.Add(1)
				}
			})
		}
		wg.Wait()
		if s := string(log); !strings.Contains(s, "ab") && !strings.Contains(s, "ba") ||
			strings.Count(s, "ab")+strings.Count(s, "ba") < 2 {
			t.Errorf("no interleaving: %s", s)
		}
		if n.Load() != 200 {
			t.Errorf("n = %d", n.Load())
		}
	})
}

func TestLayout(t *testing.T) {
	cases := []struct {
		name        string
		sim, native any
	}{
		{name: "Bool", sim: simatomic.Bool{}, native: atomic.Bool{}},
		{name: "Int32", sim: simatomic.Int32{}, native: atomic.Int32{}},
		{name: "Int64", sim: simatomic.Int64{}, native: atomic.Int64{}},
		{name: "Uint32", sim: simatomic.Uint32{}, native: atomic.Uint32{}},
		{name: "Uint64", sim: simatomic.Uint64{}, native: atomic.Uint64{}},
		{name: "Uintptr", sim: simatomic.Uintptr{}, native: atomic.Uintptr{}},
		{name: "Pointer", sim: simatomic.Pointer[int]{}, native: atomic.Pointer[int]{}},
		{name: "Value", sim: simatomic.Value{}, native: atomic.Value{}},
	}
	for _, c := range cases {
		st, nt := reflect.TypeOf(c.sim), reflect.TypeOf(c.native)
		if st.Size() != nt.Size() || st.Align() != nt.Align() {
			t.Errorf("%s: size %d align %d, sync/atomic's %d and %d", c.name, st.Size(), st.Align(), nt.Size(), nt.Align())
		}
	}
	// 64-bit values are 8-byte aligned in structs on every platform.
	var s struct {
		b byte
		i simatomic.Int64
		c byte
		u simatomic.Uint64
	}
	if off := unsafe.Offsetof(s.i); off != 8 {
		t.Errorf("Int64 after a byte at offset %d, want 8", off)
	}
	if off := unsafe.Offsetof(s.u); off != 24 {
		t.Errorf("Uint64 after a byte at offset %d, want 24", off)
	}
}

// exported returns "Recv.Name sig" for every exported function and method,
// and "type Name" for every exported type, in the non-test files of dir.
func exported(t *testing.T, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var api []string
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				name := d.Name.Name
				if d.Recv != nil {
					recv := recvName(d.Recv.List[0].Type)
					if !ast.IsExported(recv) {
						continue // noCopy's markers
					}
					name = recv + "." + name
				}
				api = append(api, name+" "+sigString(fset, d.Type))
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok && ts.Name.IsExported() {
						api = append(api, "type "+ts.Name.Name+" "+sigString(fset, &ast.FuncType{TypeParams: ts.TypeParams}))
					}
				}
			}
		}
	}
	sort.Strings(api)
	return api
}

func recvName(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return "?"
		}
	}
}

// sigString prints a signature's types, without parameter names.
func sigString(fset *token.FileSet, ft *ast.FuncType) string {
	list := func(fl *ast.FieldList) string {
		if fl == nil {
			return ""
		}
		var parts []string
		for _, f := range fl.List {
			var b strings.Builder
			printer.Fprint(&b, fset, f.Type)
			n := len(f.Names)
			if n == 0 {
				n = 1
			}
			for i := 0; i < n; i++ {
				parts = append(parts, b.String())
			}
		}
		return strings.Join(parts, ", ")
	}
	return "[" + list(ft.TypeParams) + "](" + list(ft.Params) + ") (" + list(ft.Results) + ")"
}

func TestAPIParity(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("go env GOROOT: %v", err)
	}
	want := exported(t, filepath.Join(strings.TrimSpace(string(out)), "src", "sync", "atomic"))
	got := exported(t, ".")
	if len(want) < 80 {
		t.Fatalf("found only %d declarations in sync/atomic", len(want))
	}
	for _, d := range diff(want, got) {
		t.Errorf("simatomic lacks %s", d)
	}
	for _, d := range diff(got, want) {
		t.Errorf("simatomic has %s, which sync/atomic has not", d)
	}
}

// diff returns the elements of a that are not in b.
func diff(a, b []string) []string {
	in := map[string]bool{}
	for _, s := range b {
		in[s] = true
	}
	var out []string
	for _, s := range a {
		if !in[s] {
			out = append(out, s)
		}
	}
	return out
}
