// Package e2e holds simgen's end-to-end behaviour tests: each case is a
// testscript (github.com/rogpeppe/go-internal/testscript, the language
// cmd/go's own tests and cmd/simgen's use) in testdata/*.txtar. Its files
// are a small module; before the script runs, the test rewrites it
// in-process (rewrite.Run, then shadow.Write into <module>/.simbuild), and
// the script's commands build and run it natively and under
// `-tags sim -overlay`.
//
// The cases use the standard library, package sim of this repository (a
// go.mod line `replace simgen.dev/simgen => $SIMGEN` names the
// repository's root), and, where a case's go.mod requires them, modules
// that setup downloads first with the caller's settings (`go mod
// download`). Then they run offline: the go command
// gets GOFLAGS=-mod=mod, GOWORK=off, GOPROXY=off and GOTOOLCHAIN=local, and
// the caller's HOME, GOCACHE, GOPATH and GOMODCACHE, so builds are shared
// with the caller's cache. No SIM_* variable of the caller leaks in.
//
// # Commands
//
// Besides testscript's own (stdout, ! stdout, env, ...), a case has:
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
//	capture LIST REGEXP
//	        append REGEXP's first group in the last output to LIST, and set
//	        $capture_LIST to it
//	distinct LIST OP N
//	        LIST holds ==, >= or <= N distinct values
//	diag REGEXP
//	        a diagnostic of the rewrite matches (! diag: none does). A case
//	        with error diagnostics writes no shadow tree; a case that never
//	        says diag fails if the rewrite reported any diagnostic
//
// native, sim, same and go write the command's standard output and
// standard error, together, as the script's stdout, so `stdout REGEXP`
// checks them; `! sim ...` expects a failure (an exit status other than 0;
// a command killed after its timeout fails either way). testscript
// matches stdout's regexps in multi-line mode; a pattern written (?-m)
// anchors ^ and $ at the ends of the whole output.
//
// # Positions
//
// Positions are never written as numbers. A comment `// mark:NAME` on a
// line of a .go file marks that line, and the case gets the variables
// $mark_NAME (file.go:LINE), $mark_NAME_line (LINE) and $mark_NAME_path
// (the absolute path with :LINE); a dot or dash in NAME becomes _. In a
// regexp, write ${mark_NAME@R}, which testscript quotes.
package e2e
