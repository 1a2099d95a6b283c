package rewrite

// Rule: the standard library's in-memory pipes, which block on channels of
// their own, onto simulated twins.
//
//	r, w := io.Pipe()          r, w := simrt.Pipe()
//	var pr *io.PipeReader  ->  var pr *simrt.PipeReader
//
// The twins have the same methods and errors. net.Pipe, whose deadlines run
// on the virtual clock, moves with the rest of net (rule_net.go). Other
// blocking calls of the standard library are diagnosed instead
// (blocking.go).

import "go/ast"

func (r *fileRewriter) rulePipe(n ast.Node) (string, bool) {
	return r.mappedRef(n, "io")
}
