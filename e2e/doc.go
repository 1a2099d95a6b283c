// Package e2e holds simgen's end-to-end behaviour tests: each case is a
// small module in testdata/*.txtar that the test rewrites in-process
// (rewrite.Run, then shadow.Write into <module>/.simbuild), builds and runs
// with the go command natively and under `-tags sim -overlay`, and checks
// against the expectations in the archive's file named want.
//
// The cases use the standard library only, and package sim of this
// repository (a go.mod line `replace simgen.dev/simgen => $SIMGEN` names
// the repository's root), and run offline: the go command
// gets GOFLAGS=-mod=mod, GOWORK=off, GOPROXY=off and GOTOOLCHAIN=local, and
// the caller's HOME, GOCACHE, GOPATH and GOMODCACHE, so builds are shared
// with the caller's cache. No SIM_* variable of the caller leaks in.
//
// # The want file
//
// One directive per line; blank lines and lines starting with # are
// ignored. Arguments are split at spaces; single quotes group, as in a
// shell, with no escapes. Commands run in the module root, in order, and
// each assertion applies to the output (standard output and standard error
// together) and exit status of the command before it.
//
// Commands:
//
//	native [VAR=value...] [go test flags]
//	        run the package's test binary, built natively once per case;
//	        flags are go test's (-run X, -v, -bench .), passed on as -test.*
//	sim [VAR=value...] [go test flags]
//	        the same with the test binary built with -tags sim -overlay
//	same [VAR=value...] [go test flags]
//	        native, then sim; both must succeed with the same output, test
//	        durations such as (0.01s) aside
//	go [VAR=value...] args...
//	        any go command; $OVERLAY is the overlay.json's path
//
// Assertions:
//
//	ok | fails              the exit status is zero | not zero
//	output REGEXP           the output matches (! output: does not)
//	contains TEXT           the output contains TEXT (! contains: does not)
//	capture LIST REGEXP     append REGEXP's first group in the output to LIST
//	distinct LIST OP N      LIST holds ==, >= or <= N distinct values
//	diag REGEXP             a diagnostic of the rewrite matches; a case
//	                        with error diagnostics writes no shadow tree
//
// Positions are never written as numbers. A comment `// mark:NAME` on a
// line of a .go file marks that line, and in any argument {NAME} becomes
// file.go:LINE, {NAME.line} the line number and {NAME.path} the absolute
// path with :LINE; {@LIST} is the value last captured in LIST. In a
// REGEXP the substitution is quoted.
package e2e
