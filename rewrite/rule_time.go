package rewrite

// Rule: package time, onto the virtual clock.
//
//	start := time.Now()                   start := simrt.Now()
//	time.Sleep(time.Second)               simrt.Sleep(time.Second)
//	case <-time.After(d):             ->  ... simrt.OnRecv(simrt.After(d)) ...
//	var tm *time.Timer = time.NewTimer(d) var tm *simrt.Timer = simrt.NewTimer(d)
//	<-tm.C                                simrt.Recv(tm.C)
//
// Only the objects in the mapping table move; time.Time, time.Duration and
// the rest stay, so values still cross into code that is not rewritten. The
// runtime's Timer and Ticker keep the field C and the methods Stop and
// Reset, so uses of a timer need no rewriting, and C is a simulated channel
// (never wrapped as a native one).

import "go/ast"

func (r *fileRewriter) ruleTime(n ast.Node) (string, bool) {
	return r.mappedRef(n, "time")
}
