package rewrite

// Rule: package context's deadlines and cancellation, onto the virtual
// clock and the simulated scheduler.
//
//	ctx, cancel := context.WithTimeout(ctx, time.Second)   ctx, cancel := simrt.WithTimeout(ctx, time.Second)
//	stop := context.AfterFunc(ctx, f)                  ->  stop := simrt.ContextAfterFunc(ctx, f)
//	err := context.Cause(ctx)                              err := simrt.Cause(ctx)
//
// The contexts the runtime returns are context.Context values, so they
// cross freely into code that is not rewritten; a standard-library child of
// one is canceled synchronously through its AfterFunc method.

import "go/ast"

func (r *fileRewriter) ruleContext(n ast.Node) (string, bool) {
	return r.mappedRef(n, "context")
}
