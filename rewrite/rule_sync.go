package rewrite

// Rule: packages sync and sync/atomic.
//
//	var mu sync.Mutex                  var mu simrt.Mutex
//	cond := sync.NewCond(&mu)          cond := simrt.NewCond(&mu)
//	v := sync.OnceValue(f)         ->  v := simrt.OnceValue(f)
//	var n atomic.Int64                 var n simatomic.Int64
//	atomic.AddInt32(&x, 1)             simatomic.AddInt32(&x, 1)
//
// Every object of sync except the Locker interface, and every exported
// object of sync/atomic, has a twin of the same name; methods keep their
// names, so only the references to the package change. Atomics are
// scheduling points in the runtime, so a spin loop on one lets the writer
// run.

import "go/ast"

func (r *fileRewriter) ruleSync(n ast.Node) (string, bool) {
	return r.mappedRef(n, "sync", "sync/atomic")
}
