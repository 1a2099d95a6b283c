package rewrite

// The inventory of standard-library calls that block on, or start,
// goroutines of their own, and of constructs the simulation cannot carry
// faithfully. Calls simgen simulates (io.Pipe, time, sync, context, net's
// dials, listens and lookups, os's files) are in mapping.go; everything
// listed here stays as it is and is diagnosed at its position, so the
// boundary of the simulation is never silent. docs/limitations.md lists the
// same inventory.

import (
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// boundary is what a call outside the simulation does.
type boundary struct {
	sev Severity
	why string
}

var (
	bExec = boundary{Warning, "runs a process, with goroutines of its own, outside the simulation: the simulated world pauses until it returns (SIM_WATCHDOG ends a run that waits too long)"}
	bNet  = boundary{Warning, "does real network I/O outside the simulation: the simulated world pauses while it blocks, and its timeouts and deadlines follow the wall clock, not the virtual one"}
	bHTTP = boundary{Warning, "runs connections and handlers on goroutines outside the simulation: simulated code they call is not scheduled by the seed, and may race with the simulation"}
	bSig  = boundary{Warning, "waits for operating-system signals, which are never delivered in a simulation"}
	bDisk = boundary{Warning, "works on the host's real file system, never on a node's simulated disk (simos): on a node's goroutine it neither sees the node's files nor leaves its changes on the node's disk, and a crash does not touch them"}
)

// blocking is keyed by types.Func.FullName.
var blocking = map[string]boundary{
	"os/signal.Notify":        bSig,
	"os/signal.NotifyContext": bSig,

	// os: the file system is simulated (mapping.go, rule_os.go) but for
	// these.
	"os.Link":       bDisk,
	"os.CopyFS":     bDisk,
	"os.OpenRoot":   bDisk,
	"os.OpenInRoot": bDisk,

	"(*os/exec.Cmd).Run":            bExec,
	"(*os/exec.Cmd).Start":          bExec,
	"(*os/exec.Cmd).Wait":           bExec,
	"(*os/exec.Cmd).Output":         bExec,
	"(*os/exec.Cmd).CombinedOutput": bExec,

	// net: Dial, Listen, their TCP and UDP forms, Dialer, ListenConfig and
	// the lookups are simulated (mapping.go, rule_net.go). What stays real:
	// Unix sockets, IP sockets and connections made from files.
	"net.ListenUnix":     bNet,
	"net.ListenUnixgram": bNet,
	"net.DialUnix":       bNet,
	"net.ListenIP":       bNet,
	"net.DialIP":         bNet,
	"net.FileConn":       bNet,
	"net.FileListener":   bNet,
	"net.FilePacketConn": bNet,

	"net/http.ListenAndServe":              bHTTP,
	"net/http.ListenAndServeTLS":           bHTTP,
	"net/http.Serve":                       bHTTP,
	"net/http.ServeTLS":                    bHTTP,
	"(*net/http.Server).ListenAndServe":    bHTTP,
	"(*net/http.Server).ListenAndServeTLS": bHTTP,
	"(*net/http.Server).Serve":             bHTTP,
	"(*net/http.Server).ServeTLS":          bHTTP,
	"(*net/http.Server).Shutdown":          bHTTP,
	"net/http.Get":                         bHTTP,
	"net/http.Head":                        bHTTP,
	"net/http.Post":                        bHTTP,
	"net/http.PostForm":                    bHTTP,
	"(*net/http.Client).Do":                bHTTP,
	"(*net/http.Client).Get":               bHTTP,
	"(*net/http.Client).Head":              bHTTP,
	"(*net/http.Client).Post":              bHTTP,
	"(*net/http.Client).PostForm":          bHTTP,
	"net/http/httptest.NewServer":          bHTTP,
	"net/http/httptest.NewTLSServer":       bHTTP,
	"(*net/http/httptest.Server).Start":    bHTTP,
	"(*net/http/httptest.Server).StartTLS": bHTTP,
}

// checkBlocking diagnoses a call of the inventory.
func (r *fileRewriter) checkBlocking(call *ast.CallExpr) {
	fn, ok := typeutil.Callee(r.info, call).(*types.Func)
	if !ok || fn.Pkg() == nil || r.rewritten(fn.Pkg()) {
		return
	}
	name := fn.FullName()
	if fn.Origin() != fn {
		name = fn.Origin().FullName()
	}
	b, ok := blocking[name]
	if !ok {
		return
	}
	short := strings.ReplaceAll(strings.ReplaceAll(name, "net/http/httptest.", "httptest."), "net/http.", "http.")
	short = strings.ReplaceAll(strings.ReplaceAll(short, "os/exec.", "exec."), "os/signal.", "signal.")
	r.diag(call.Lparen, b.sev, "%s blocks outside the simulation: it %s", short, b.why)
}

// checkUnsafe diagnoses unsafe.Pointer conversions of values whose layout
// the rewrite changes (channels, sync and timer types).
func (r *fileRewriter) checkUnsafe(call *ast.CallExpr) {
	if len(call.Args) != 1 {
		return
	}
	tv, ok := r.info.Types[call.Fun]
	if !ok || !tv.IsType() {
		return
	}
	if b, ok := tv.Type.(*types.Basic); !ok || b.Kind() != types.UnsafePointer {
		return
	}
	at := r.typeOf(call.Args[0])
	if at == nil {
		return
	}
	if p, ok := at.Underlying().(*types.Pointer); ok {
		at = p.Elem()
	}
	if containsChan(at) {
		r.diag(call.Pos(), Error, "unsafe.Pointer conversion of a value holding a channel: simulated channels are *simrt.Chan values with another layout; go through the typed value instead")
		return
	}
	if name, ok := mappedIn(at); ok {
		r.diag(call.Pos(), Error, "unsafe.Pointer conversion of a %s: the simulation replaces it with a type of another layout; go through the typed value instead", name)
	}
}

// checkCgo diagnoses calls into C.
func (r *fileRewriter) checkCgo(call *ast.CallExpr) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok || x.Name != "C" {
		return
	}
	if pn, ok := r.info.Uses[x].(*types.PkgName); ok && pn.Imported().Path() == "C" {
		r.diag(call.Pos(), Warning, "C.%s is a cgo call: it runs outside the simulation, and the simulated world pauses while it blocks", sel.Sel.Name)
	}
}

// checkLinkname diagnoses go:linkname directives that reach into the
// runtime, whose scheduler the simulation replaces.
func (r *fileRewriter) checkLinkname() {
	for _, cg := range r.file.Comments {
		for _, c := range cg.List {
			f := strings.Fields(c.Text)
			if len(f) == 3 && f[0] == "//go:linkname" && (strings.HasPrefix(f[2], "runtime.") || strings.HasPrefix(f[2], "sync.") || strings.HasPrefix(f[2], "time.")) {
				r.diag(c.Pos(), Warning, "go:linkname to %s reaches the real runtime, which the simulation does not drive: what it does happens outside the simulation", f[2])
			}
		}
	}
}
