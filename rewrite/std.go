package rewrite

// The standard library simulated in place.
//
// The standard library is not rewritten, with the exceptions listed in
// StdPackages: packages whose goroutines, channels, locks and timers are
// the point of a test that uses them (an HTTP server and client, with
// their connection goroutines, keep-alive timers and timeouts). The go
// command lets an overlay replace files under GOROOT/src, so such a package
// is rewritten with the same rules as any dependency and its changed files
// are overlaid at their own paths; the package keeps its import path,
// internal/... imports and //go:linkname directives work as before, and
// every other package of the build (the rest of the standard library
// included) compiles against the rewritten one.
//
// Invariants:
//   - simrt and its subpackages never import a package of StdPackages,
//     directly or not, or the build cycles (TestRuntimeImportsNoStdPackage).
//   - A package of StdPackages is rewritten only when it is in the build
//     graph, and then whole: it is in runner.rewritten before any file of
//     the run is rewritten, so calls into it, its channels and its types
//     are simulated everywhere.
//   - Only packages whose exported API survives the rewrite for the
//     standard library that imports them and is not rewritten (expvar,
//     net/http/pprof, net/rpc, ...) can be listed: net/http's only
//     exported channel that changes type is Request.Cancel, which none of
//     those touches; CloseNotify keeps its real channel (rule_nativemethod.go).
//   - The go command refuses an overlay of a file beneath GOMODCACHE, and a
//     toolchain it downloads (GOTOOLCHAIN=go1.N.M, a toolchain line) lives
//     there. Under such a toolchain StdPackages stay native, as they were
//     before this file, and a warning at go.mod says why and what to do.
//   - crypto/tls stays native: https under simulation is a limitation
//     (docs/limitations.md).

import (
	"fmt"
	"go/token"
	"go/version"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// StdPackages are the standard-library packages rewritten in place when
// they are in the build graph. Keep the list as small as works: each one
// costs a load and a rewrite on a cold cache, and a recompile of itself and
// everything above it in the go build cache.
//   - net/http: the server's connection goroutines, the transport's
//     persistConn read and write loops, HTTP/2, timeouts.
//   - net/http/httptest: Server, its listener goroutine and its Close,
//     which waits for the handlers.
//   - net/http/httputil: ReverseProxy's copy goroutines and flush timers,
//     and the CloseNotify watcher.
var StdPackages = []string{
	"net/http",
	"net/http/httptest",
	"net/http/httputil",
}

// isStdRewritten reports whether path is a standard-library package that
// is rewritten in place.
func isStdRewritten(path string) bool { return slices.Contains(StdPackages, path) }

// isStd reports whether p is a package of the standard library.
func isStd(p *packages.Package) bool { return p.Module == nil && isStdRewritten(p.PkgPath) }

// stdDir is the directory of a standard-library package, GOROOT/src/<path>,
// or "" when its files are not where that says.
func stdDir(p *packages.Package) string {
	if len(p.GoFiles) == 0 {
		return ""
	}
	dir := filepath.Dir(p.GoFiles[0])
	if !strings.HasSuffix(filepath.ToSlash(dir), "/src/"+p.PkgPath) {
		return ""
	}
	return dir
}

// stdLangVersion is the language version of a standard-library file that
// names none in a //go:build line: that of the toolchain it ships with,
// from GOVERSION ("go1.26.8" -> "go1.26"). The rules only ask whether it
// is at least go1.22 (per-iteration loop variables), which every toolchain
// simrt builds with is.
func stdLangVersion(goVersion string) string {
	if v := version.Lang(goVersion); v != "" {
		return v
	}
	return "go1.22"
}

// canOverlayGOROOT reports whether the go command accepts overlays of
// files in goroot: it refuses any beneath gomodcache.
func canOverlayGOROOT(goroot, gomodcache string) bool {
	if goroot == "" || !filepath.IsAbs(goroot) {
		return false
	}
	if gomodcache == "" {
		return true
	}
	rel, err := filepath.Rel(filepath.Clean(gomodcache), filepath.Clean(goroot))
	return err != nil || !filepath.IsLocal(rel)
}

// stdNativeDiag is the warning for packages of StdPackages left native
// because GOROOT cannot be overlaid. It stands at the toolchain (or go)
// line of go.mod, which chose the toolchain.
func stdNativeDiag(m Module, c *depCache, pkgs []string) Diagnostic {
	slices.Sort(pkgs)
	pos := token.Position{Filename: m.GoMod, Line: 1, Column: 1}
	if data, err := os.ReadFile(m.GoMod); err == nil {
		for i, line := range strings.Split(string(data), "\n") {
			f := strings.Fields(line)
			if len(f) > 0 && (f[0] == "toolchain" || f[0] == "go" && pos.Line == 1) {
				pos.Line = i + 1
			}
		}
	}
	why := fmt.Sprintf("the toolchain's GOROOT %s is in the module cache (a toolchain the go command downloaded), where the go command refuses overlays", c.goroot)
	if c.goroot == "" {
		why = "go env did not say where GOROOT is"
	}
	verb := "stays"
	if len(pkgs) > 1 {
		verb = "stay"
	}
	return Diagnostic{Pos: pos, Severity: Warning, Msg: fmt.Sprintf(
		"%s %s outside the simulation: %s; a toolchain installed outside GOMODCACHE (go on PATH with GOTOOLCHAIN=local, or golang.org/dl) lifts this",
		strings.Join(pkgs, ", "), verb, why)}
}
