package shadow

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"simgen.dev/simgen/rewrite"
)

// fakeGOROOT makes a GOROOT/src/net/http holding server.go and client.go,
// and returns that package directory.
func fakeGOROOT(t *testing.T) string {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pkg := filepath.Join(root, "go", "src", "net", "http")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"server.go", "client.go"} {
		if err := os.WriteFile(filepath.Join(pkg, name), []byte("package http\n"), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	return pkg
}

// TestStdOverlay: a standard-library package rewritten in place has its
// rewritten files under DIR/std/<path>, overlaid at their GOROOT paths;
// GOROOT is not written; a later run without it removes them.
func TestStdOverlay(t *testing.T) {
	t.Parallel()
	dir := module(t, map[string]string{"go.mod": tinyGoMod, "a.go": "package tiny\n"})
	pkg := fakeGOROOT(t)
	before := snapshot(t, filepath.Dir(filepath.Dir(pkg)))
	out := filepath.Join(dir, ".simbuild")
	res := result(dir, map[string]string{"a.go": "package tiny // A\n"})
	res.Units = append(res.Units, rewrite.Unit{Kind: rewrite.StdUnit,
		Path:  "net/http",
		Dir:   pkg,
		Files: []rewrite.File{{Orig: filepath.Join(pkg, "server.go"), Content: []byte("//go:build sim\npackage http // S\n")}},
	})
	sum, err := Write(Config{Out: out, Runtime: fakeRuntime()}, res)
	if err != nil {
		t.Fatal(err)
	}
	got := snapshot(t, out)
	if got["std/net/http/server.go"] != "//go:build sim\npackage http // S\n" {
		t.Errorf("std/net/http/server.go = %q", got["std/net/http/server.go"])
	}
	if _, ok := got["std/net/http/client.go"]; ok {
		t.Error("a file that was not rewritten is in the tree")
	}
	var ov struct{ Replace map[string]string }
	if err := json.Unmarshal([]byte(got["overlay.json"]), &ov); err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(out, "std", "net", "http", "server.go"); ov.Replace[filepath.Join(pkg, "server.go")] != want {
		t.Errorf("overlay maps server.go to %q, want %q", ov.Replace[filepath.Join(pkg, "server.go")], want)
	}
	if _, ok := ov.Replace[filepath.Join(pkg, "client.go")]; ok {
		t.Error("client.go is overlaid")
	}
	if after := snapshot(t, filepath.Dir(filepath.Dir(pkg))); !reflect.DeepEqual(before, after) {
		t.Errorf("GOROOT changed:\n%v\n%v", before, after)
	}
	if !strings.Contains(strings.Join(sum.Written, " "), "std/net/http/server.go") {
		t.Errorf("Written = %v", sum.Written)
	}

	res.Units = res.Of(rewrite.MainUnit)
	sum, err = Write(Config{Out: out, Runtime: fakeRuntime()}, res)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sum.Removed, []string{"std/net/http/server.go"}) {
		t.Errorf("Removed = %v", sum.Removed)
	}
	if _, err := os.Stat(filepath.Join(out, "std")); !os.IsNotExist(err) {
		t.Errorf("std/ is still there: %v", err)
	}
}

// TestStdRefusals: a standard-library package whose directory or files do
// not say GOROOT/src/<path> is refused, with nothing written.
func TestStdRefusals(t *testing.T) {
	t.Parallel()
	pkg := fakeGOROOT(t)
	server := filepath.Join(pkg, "server.go")
	for _, c := range []struct {
		name string
		std  rewrite.Unit
		msg  string
	}{
		{"wrong dir", rewrite.Unit{Kind: rewrite.StdUnit, Path: "net/rpc", Dir: pkg, Files: []rewrite.File{{Orig: server}}}, "not in GOROOT/src/net/rpc"},
		{"relative dir", rewrite.Unit{Kind: rewrite.StdUnit, Path: "net/http", Dir: "go/src/net/http"}, "not in GOROOT/src/net/http"},
		{"dotdot path", rewrite.Unit{Kind: rewrite.StdUnit, Path: "../net/http", Dir: pkg}, "no clean import path"},
		{"file elsewhere", rewrite.Unit{Kind: rewrite.StdUnit, Path: "net/http", Dir: pkg, Files: []rewrite.File{{Orig: filepath.Join(filepath.Dir(pkg), "x.go")}}}, "not in its package directory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := module(t, map[string]string{"go.mod": tinyGoMod})
			res := result(dir, nil)
			res.Units = append(res.Units, c.std)
			out := filepath.Join(dir, ".simbuild")
			_, err := Write(Config{Out: out, Runtime: fakeRuntime()}, res)
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("Write: %v, want an error containing %q", err, c.msg)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s was created", out)
			}
		})
	}
}
