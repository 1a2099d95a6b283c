package rewrite

// Rule: the goroutine functions of package runtime.
//
//	runtime.Gosched()          simrt.Gosched()
//	n := runtime.NumGoroutine() ->  n := simrt.NumGoroutine()
//	runtime.Goexit()           simrt.Goexit()
//	runtime.LockOSThread()     simrt.LockOSThread()    (no-ops: goroutines
//	runtime.UnlockOSThread()   simrt.UnlockOSThread()   share threads by design)
//	runtime.Stack(buf, all)    simrt.Stack(buf, all)   (the dump of every goroutine
//	                                                     leaves the simulation's own out)
//
// Everything else in runtime (GC, Caller, GOMAXPROCS, ...) is about the real
// process and stays.

import "go/ast"

func (r *fileRewriter) ruleRuntime(n ast.Node) (string, bool) {
	return r.mappedRef(n, "runtime")
}
