package rewrite

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/txtar"
)

// TestRuntimeImportsNoStdPackage: a package of StdPackages imports simrt
// once rewritten, so simrt, its subpackages and package sim must never
// import one, or the build cycles. The one exception is package simtls,
// which rewritten code imports only where crypto/tls stays native
// (rule_net.go); no other package of the runtime may import it.
func TestRuntimeImportsNoStdPackage(t *testing.T) {
	t.Parallel()
	goList := func(args ...string) []string {
		t.Helper()
		cmd := exec.Command("go", append([]string{"list"}, args...)...)
		cmd.Env = testEnv()
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list %v: %v\n%s", args, err, stderr.String())
		}
		return strings.Fields(string(out))
	}
	var runtime []string
	for _, p := range goList("simgen.dev/simgen/simrt/...", "simgen.dev/simgen/sim") {
		if p != simtlsPath {
			runtime = append(runtime, p)
		}
	}
	if len(runtime) < 3 {
		t.Fatalf("runtime packages %v", runtime)
	}
	for _, tags := range []string{"", "sim"} {
		for _, p := range goList(append([]string{"-deps", "-tags", tags}, runtime...)...) {
			if isStdRewritten(p) {
				t.Errorf("the runtime imports %s (tags %q), which is rewritten in place: the build would cycle", p, tags)
			}
			if p == simtlsPath {
				t.Errorf("the runtime imports %s (tags %q), which imports crypto/tls", p, tags)
			}
		}
	}
}

// TestStdRewritten: a module that imports net/http/httptest gets net/http,
// net/http/httptest and crypto/tls (which net/http imports) rewritten in
// place, and nothing else of the standard library; a second run takes them from the cache, byte for byte.
func TestStdRewritten(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and rewrites net/http")
	}
	t.Parallel()
	dir := materialize(t, txtar.Parse([]byte(`
-- go.mod --
module example.com/web

go 1.22
-- web.go --
package web

import (
	"net/http"
	"net/http/httptest"
)

func Hello(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Cancel:
	default:
	}
	w.Write([]byte("hello"))
}

func Record() *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	Hello(rec, httptest.NewRequest("GET", "/", nil))
	return rec
}
`)))
	env := append(testEnv(), "SIMGEN_CACHE="+t.TempDir())
	cold, err := Run(Config{Dir: dir, Patterns: []string{"./..."}, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range cold.Diags {
		t.Errorf("diagnostic: %v", d)
	}
	var paths []string
	for _, s := range cold.Of(StdUnit) {
		paths = append(paths, s.Path)
		if !strings.HasSuffix(filepath.ToSlash(s.Dir), "/src/"+s.Path) {
			t.Errorf("%s: Dir %s is not GOROOT/src/%s", s.Path, s.Dir, s.Path)
		}
		if len(s.Files) == 0 {
			t.Errorf("%s: no file rewritten", s.Path)
		}
		for _, f := range s.Files {
			if filepath.Dir(f.Orig) != s.Dir {
				t.Errorf("%s: file %s is not in %s", s.Path, f.Orig, s.Dir)
			}
			added := filepath.Base(f.Orig) == stdExtraName
			if !bytes.HasPrefix(f.Content, []byte("//go:build sim")) || !added && !bytes.Contains(f.Content, []byte("//line "+f.Orig+":1:1\n")) {
				t.Errorf("%s: no build line or //line directive:\n%.300s", f.Orig, f.Content)
			}
		}
	}
	if want := []string{"crypto/tls", "net/http", "net/http/httptest"}; !slices.Equal(paths, want) {
		t.Fatalf("Std = %v, want %v", paths, want)
	}
	tls, http := cold.Of(StdUnit)[0], cold.Of(StdUnit)[1]
	if tls.Counts["sync.Mutex"] == 0 {
		t.Errorf("crypto/tls: no sync.Mutex rewritten; counts %v", tls.Counts)
	}
	// The client's and the server's verifications of the peer's chain, and
	// the client's of a resumed session's, at least.
	if got := tls.Counts["std certificate time"]; got < 3 {
		t.Errorf("crypto/tls: %d certificate verifications given simCertTime, want 3 or more (has (*x509.Certificate).Verify's use changed?)", got)
	}
	if !slices.ContainsFunc(tls.Files, func(f File) bool { return f.Orig == filepath.Join(tls.Dir, stdExtraName) }) {
		t.Errorf("crypto/tls: no %s added", stdExtraName)
	}
	if http.Counts["go"] == 0 {
		t.Errorf("net/http: no go statement rewritten; counts %v", http.Counts)
	}
	if got, want := http.Counts["std hook"], len(stdHooks["net/http"]); got != want {
		t.Errorf("net/http: %d hooks inserted, want %d (has a method of stdHooks changed?)", got, want)
	}
	if got := http.Counts["std deadline check"]; got != 1 {
		t.Errorf("net/http: %d deadline checks made inclusive, want 1 (setRequestCancel's didTimeout)", got)
	}
	extra := filepath.Join(http.Dir, stdExtraName)
	if !slices.ContainsFunc(http.Files, func(f File) bool { return f.Orig == extra }) {
		t.Errorf("net/http: no %s added", stdExtraName)
	}
	if cold.Counts["go"] != 0 {
		t.Errorf("the standard library's counts leak into the module's: %v", cold.Counts)
	}
	// r.Cancel is a simulated channel now: received from as one.
	if len(cold.Files()) != 1 || !bytes.Contains(cold.Files()[0].Content, []byte("simrt.OnRecv(r.Cancel)")) {
		t.Errorf("Request.Cancel is not a simulated channel in the module:\n%s", cold.Files()[0].Content)
	}

	warm, err := Run(Config{Dir: dir, Patterns: []string{"./..."}, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(warm.Of(StdUnit), cold.Of(StdUnit)) {
		t.Errorf("the cached run's Std differs from the first's")
	}
}

// TestNoStdWithoutNetHTTP: a module that does not import net/http rewrites
// nothing of the standard library.
func TestNoStdWithoutNetHTTP(t *testing.T) {
	t.Parallel()
	dir := materialize(t, txtar.Parse([]byte(`
-- go.mod --
module example.com/plain

go 1.22
-- p.go --
package p

import "net/url"

func Parse(s string) (*url.URL, error) { go func() {}(); return url.Parse(s) }
`)))
	res, err := Run(Config{Dir: dir, Patterns: []string{"./..."}, Env: append(testEnv(), "SIMGEN_CACHE=off")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Of(StdUnit)) != 0 {
		t.Errorf("Std = %+v, want none", res.Of(StdUnit))
	}
}

// TestStdCacheKey: a standard-library package's entry is keyed by GOROOT
// and the stats of its files as well as the toolchain, platform and tags.
func TestStdCacheKey(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	src := filepath.Join(root, "src", "net", "http")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(src, "server.go")
	if err := os.WriteFile(file, []byte("package http\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &packages.Package{PkgPath: "net/http", GoFiles: []string{file}}
	dir := t.TempDir()
	c := &depCache{dir: dir, env: "go1.26.1 linux amd64 tags=sim simgen=x", goVersion: "go1.26.1", goroot: root}
	e := &cacheEntry{Files: map[string][]byte{"server.go": []byte("//go:build sim\npackage http\n")}, Counts: map[string]int{"go": 1}}
	c.put(p, e)
	if got, ok := c.get(p); !ok || !reflect.DeepEqual(got, e) {
		t.Fatalf("get after put = %+v, %v", got, ok)
	}
	other := *c
	other.goroot = t.TempDir()
	if _, ok := other.get(p); ok {
		t.Error("hit under another GOROOT")
	}
	unknown := *c
	unknown.goroot = ""
	if _, ok := unknown.get(p); ok {
		t.Error("hit with GOROOT unknown")
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(file, later, later); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.get(p); ok {
		t.Error("hit after the file changed")
	}
	// A package of the standard library that is not rewritten in place is
	// never cached.
	fmtPkg := &packages.Package{PkgPath: "fmt", GoFiles: []string{file}}
	c.put(fmtPkg, e)
	if _, ok := c.get(fmtPkg); ok {
		t.Error("a package outside StdPackages was cached")
	}
}

func TestStdLangVersion(t *testing.T) {
	for in, want := range map[string]string{"go1.26.8": "go1.26", "go1.26.0": "go1.26", "go1.27rc1": "go1.27", "devel +abc": "go1.22", "": "go1.22"} {
		if got := stdLangVersion(in); got != want {
			t.Errorf("stdLangVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanOverlayGOROOT(t *testing.T) {
	for _, c := range []struct {
		goroot, modcache string
		want             bool
	}{
		{"/usr/local/go", "/root/go/pkg/mod", true},
		{"/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.26.0.linux-amd64", "/root/go/pkg/mod", false},
		{"/root/go/pkg/mod", "/root/go/pkg/mod", false},
		{"/root/go/pkg/modx/go", "/root/go/pkg/mod", true},
		{"/usr/local/go", "", true},
		{"", "/root/go/pkg/mod", false},
		{"go", "/root/go/pkg/mod", false},
	} {
		if got := canOverlayGOROOT(c.goroot, c.modcache); got != c.want {
			t.Errorf("canOverlayGOROOT(%q, %q) = %v, want %v", c.goroot, c.modcache, got, c.want)
		}
	}
}

// TestStdNativeDiag: the warning for a toolchain in the module cache
// stands at go.mod's toolchain line, or else its go line.
func TestStdNativeDiag(t *testing.T) {
	dir := t.TempDir()
	c := &depCache{goroot: "/m/golang.org/toolchain@v0.0.1-go1.26.0.linux-amd64"}
	for gomod, line := range map[string]int{
		"module m\n\ngo 1.26\n\ntoolchain go1.26.0\n": 5,
		"// c\nmodule m\n\ngo 1.26\n":                 4,
	} {
		p := filepath.Join(dir, "go.mod")
		if err := os.WriteFile(p, []byte(gomod), 0o644); err != nil {
			t.Fatal(err)
		}
		d := stdNativeDiag(Module{GoMod: p}, c, []string{"net/http/httptest", "net/http"})
		if d.Pos.Filename != p || d.Pos.Line != line || d.Pos.Column != 1 || d.Severity != Warning {
			t.Errorf("%q: diagnostic at %v (severity %v), want line %d", gomod, d.Pos, d.Severity, line)
		}
		if !strings.HasPrefix(d.Msg, "net/http, net/http/httptest stay outside the simulation: the toolchain's GOROOT "+c.goroot+" is in the module cache") {
			t.Errorf("message %q", d.Msg)
		}
	}
}

// TestTLSWhereStdIsNative: under a toolchain whose GOROOT cannot be
// overlaid (here, a GOMODCACHE that holds GOROOT), crypto/tls stays
// native, and its dials and listens move to simtls, which opens the
// connection under TLS on the simulated network.
func TestTLSWhereStdIsNative(t *testing.T) {
	t.Parallel()
	ar, err := txtar.ParseFile("testdata/net/tls.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := materialize(t, ar)
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	goroot := strings.TrimSpace(string(out))
	env := append(testEnv(), "SIMGEN_CACHE=off", "GOMODCACHE="+filepath.Dir(goroot))
	res, err := Run(Config{Dir: dir, Patterns: []string{"./..."}, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Of(StdUnit)) != 0 {
		t.Errorf("Std = %+v, want none", res.Of(StdUnit))
	}
	if len(res.Diags) != 1 || !strings.HasPrefix(res.Diags[0].Msg, "crypto/tls stays outside the simulation") {
		t.Errorf("diagnostics %v, want crypto/tls's warning", res.Diags)
	}
	if len(res.Files()) != 1 {
		t.Fatalf("%d files rewritten, want 1", len(res.Files()))
	}
	got := string(res.Files()[0].Content)
	for _, want := range []string{
		`tlsDialer := &simtls.Dialer{`,
		`var d simtls.Dialer`,
		`simtls.DialWithDialer(&simnet.Dialer{}, "tcp", "srv:443", cfg)`,
		`return simtls.Dial("tcp", "srv:443", cfg)`,
		`_ = tls.NewListener(l, cfg)`,
		`return simtls.Listen("tcp", ":443", cfg)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
}
