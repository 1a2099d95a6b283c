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
//     crypto/tls's only exported field that changes type is
//     Dialer.NetDialer, which net/smtp and net/http/cgi do not touch.
//   - The go command refuses an overlay of a file beneath GOMODCACHE, and a
//     toolchain it downloads (GOTOOLCHAIN=go1.N.M, a toolchain line) lives
//     there. Under such a toolchain StdPackages stay native, as they were
//     before this file, and a warning at go.mod says why and what to do.
//   - The rules are those of any dependency, with the exceptions listed
//     here (stdHooks, stdExtra), each with its reason.
//   - Package simtls (crypto/tls's dials over simnet, for the case above)
//     is the one package of the runtime that imports a package of
//     StdPackages; rewritten code imports it only where crypto/tls stays
//     native (rule_net.go), and nothing of the runtime imports it.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
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
//   - crypto/tls: a Conn's handshake, input and output locks, held across
//     reads and writes of the connection under it (a simulated one); its
//     handshake's context watcher; Close's write deadline. Left native, a
//     goroutine waiting for a lock another holds across a simulated read
//     blocks the whole simulation for real (a multiplexer's send and
//     receive loops starting the handshake at once). Its tls.Dialer's
//     NetDialer becomes a *simnet.Dialer, which nothing of the standard
//     library that is not rewritten sets (net/http's HTTP/2 dial is
//     rewritten with it).
var StdPackages = []string{
	"crypto/tls",
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

// stdHook inserts a call at the start of a method of a package of
// StdPackages, on the line of its first statement, so no line moves.
type stdHook struct {
	recv, method string // the method, of *recv
	call         string // the function called with the receiver
}

// stdHooks are the calls inserted, per package.
//
// net/http: DefaultTransport is one object for the whole process. Its
// idle connections, their goroutines, and the HTTP/2 set-up its
// nextProtoOnce runs on first use would otherwise carry from one simulated
// run to the next: a second run (another seed, SIM_SEEDS, SIM_CHECK_
// DETERMINISM's replay) would take another path than the same seed in a
// fresh process, and could pick an idle connection whose goroutines died
// with the run before. simFreshTransport (stdExtra) gives it, at its first
// use in each run, the state it had before its first use in the process.
// The hooks are the Transport methods other packages reach its state by.
var stdHooks = map[string][]stdHook{
	"net/http": {
		{"Transport", "roundTrip", "simFreshTransport"},
		{"Transport", "Clone", "simFreshTransport"},
		{"Transport", "RegisterProtocol", "simFreshTransport"},
		{"Transport", "CloseIdleConnections", "simFreshTransport"},
		{"Transport", "CancelRequest", "simFreshTransport"},
	},
}

// stdCertTime names the packages whose certificate verifications
// (calls of (*x509.Certificate).Verify) get their VerifyOptions through
// simCertTime (stdExtra). A certificate's validity is checked against
// Config.Time, time.Now by default, which under simulation is the virtual
// clock: it starts at simrt.Epoch (2000) and, within SIM_TIMELIMIT, stays
// there. A certificate made in the test with time.Now() is valid then; one
// read from the module's testdata, issued years later in the real world,
// would be "not yet valid", where natively it verifies. So a certificate
// issued more than ten years after the epoch, checked at an instant of the
// virtual clock's frame, is checked at the wall clock, as natively; one
// issued on the virtual clock (a test of a not-yet-valid or expired
// certificate made with time.Now()) keeps the virtual instant.
//
// crypto/tls: the client's check of the server's chain and the server's
// of the client's. anyValidVerifiedChain, which decides whether a cached
// session's chain still holds, compares the times itself before its
// Verify, so a session whose certificate was issued in the real world is
// not resumed (a full handshake instead).
var stdCertTime = []string{"crypto/tls"}

// prepareStdCertTime wraps the options of the certificate verifications
// of stdCertTime's packages.
func (r *fileRewriter) prepareStdCertTime() {
	if !slices.Contains(stdCertTime, r.pkg.PkgPath) {
		return
	}
	ast.Inspect(r.file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		fn, ok := r.info.Uses[sel.Sel].(*types.Func)
		if !ok || fn.Name() != "Verify" || fn.Pkg() == nil || fn.Pkg().Path() != "crypto/x509" {
			return true
		}
		if recv := fn.Signature().Recv(); recv == nil || types.TypeString(recv.Type(), nil) != "*crypto/x509.Certificate" {
			return true
		}
		r.wrap[call.Args[0]] = [2]string{"simCertTime(" + r.text(sel.X) + ", ", ")"}
		r.count("std certificate time")
		return true
	})
}

// stdExtraName is the name of the file stdExtra adds to a package.
const stdExtraName = "zz_simgen.go"

// stdExtra are files added to packages of StdPackages (overlaid at a path
// where GOROOT has no file), named stdExtraName. They are not rewritten:
// time.Now in them is the wall clock.
var stdExtra = map[string]string{
	"crypto/tls": `//go:build sim

// Code generated by simgen. DO NOT EDIT.

package tls

import (
	"crypto/x509"
	"time"

	simrt "simgen.dev/simgen/simrt"
)

// simOutside is the instant after which a certificate was issued outside
// the simulation: the virtual clock starts at simrt.Epoch and stays near
// it (simgen's rewrite/std.go, stdCertTime).
var simOutside = simrt.Epoch.AddDate(10, 0, 0)

// simCertTime is opts for verifying cert: a certificate issued in the
// real world, checked at an instant of the virtual clock's frame, is
// checked at the wall clock instead, as natively.
func simCertTime(cert *x509.Certificate, opts x509.VerifyOptions) x509.VerifyOptions {
	if cert != nil && cert.NotBefore.After(simOutside) && !opts.CurrentTime.IsZero() && opts.CurrentTime.Before(simOutside) {
		opts.CurrentTime = time.Now()
	}
	return opts
}
`,
	"net/http": `//go:build sim

// Code generated by simgen. DO NOT EDIT.

package http

import (
	"unsafe"

	simrt "simgen.dev/simgen/simrt"
)

// DefaultTransport starts every simulated run as it was before its first
// use in the process (simgen's rewrite/std.go, stdHooks).
var (
	simDefaultTransport, _ = DefaultTransport.(*Transport)
	simPristine            Transport // DefaultTransport before its first use
	simSnapped             bool
	simRun                 any // the run whose state DefaultTransport holds
)

type simRunKey struct{}

// simFreshTransport resets t's state at its first use in a run, when t is
// the original DefaultTransport.
func simFreshTransport(t *Transport) {
	if t == nil || t != simDefaultTransport {
		return
	}
	// Under -race, the reset happens before every use of t in the run:
	// it is simgen's, not the program's.
	simrt.RaceAcquire(unsafe.Pointer(&simRun))
	if !simSnapped {
		simSnapped = true
		simPristine = *t
	}
	if !simrt.Simulated() {
		return
	}
	run := simrt.WorldLocal(simRunKey{}, func() any { return new(int) })
	if run == simRun {
		return
	}
	simRun = run
	*t = simPristine
	simrt.RaceRelease(unsafe.Pointer(&simRun))
}
`,
}

// stdReached names the functions, per package, whose checks
// `time.Now().After(deadline)` ask whether a deadline has been reached.
// Natively the clock has always moved past a deadline by the time code
// that a timer woke checks it; on the virtual clock it stands at the
// deadline exactly, and After is false. So these checks become
// `(Now().After(d) || Now().Equal(d))`: reached at the deadline.
//
// net/http: setRequestCancel's didTimeout, which decides whether a
// Client.Timeout error says "(Client.Timeout exceeded while awaiting
// headers)".
var stdReached = map[string][]string{
	"net/http": {"setRequestCancel"},
}

// prepareStd marks the hooks of stdHooks in the file (the call goes in
// front of the first statement of the method's body) and the deadline
// checks of stdReached.
func (r *fileRewriter) prepareStd() {
	r.prepareStdReached()
	r.prepareStdCertTime()
	hooks := stdHooks[r.pkg.PkgPath]
	if len(hooks) == 0 {
		return
	}
	for _, d := range r.file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 || len(fd.Recv.List[0].Names) != 1 || fd.Body == nil || len(fd.Body.List) == 0 {
			continue
		}
		recv := fd.Recv.List[0]
		star, ok := recv.Type.(*ast.StarExpr)
		if !ok {
			continue
		}
		id, ok := star.X.(*ast.Ident)
		if !ok {
			continue
		}
		for _, h := range hooks {
			if h.recv == id.Name && h.method == fd.Name.Name {
				r.wrap[fd.Body.List[0]] = [2]string{h.call + "(" + recv.Names[0].Name + "); ", ""}
				r.count("std hook")
			}
		}
	}
}

// prepareStdReached wraps the deadline checks of stdReached's functions.
func (r *fileRewriter) prepareStdReached() {
	funcs := stdReached[r.pkg.PkgPath]
	for _, d := range r.file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil || !slices.Contains(funcs, fd.Name.Name) {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "After" {
				return true
			}
			now, ok := sel.X.(*ast.CallExpr)
			if !ok || len(now.Args) != 0 {
				return true
			}
			nowSel, ok := now.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if fn, ok := r.info.Uses[nowSel.Sel].(*types.Func); !ok || fn.Pkg() == nil || fn.Pkg().Path() != "time" || fn.Name() != "Now" {
				return true
			}
			r.wrap[call] = [2]string{"(", " || " + r.rt("Now") + "().Equal(" + r.text(call.Args[0]) + "))"}
			r.count("std deadline check")
			return true
		})
	}
}

// addStdExtra adds the file stdExtra has for std, if any, to std and to
// its cache entry.
func addStdExtra(std *Unit, entry *cacheEntry) error {
	content, ok := stdExtra[std.Path]
	if !ok {
		return nil
	}
	path := filepath.Join(std.Dir, stdExtraName)
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s: simgen adds a file of this name to %s under simulation, and GOROOT has one already", path, std.Path)
	}
	std.add(File{Orig: path, Content: []byte(content)}, nil)
	entry.add(stdExtraName, []byte(content), nil)
	return nil
}
