package shadow

import (
	"encoding/json"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"simgen.dev/simgen/rewrite"
)

const tinyGoMod = "module example.com/tiny\n\ngo 1.22\n"

// fakeRuntime is the smallest runtime tree Write accepts, with the files it
// must leave out.
func fakeRuntime() fstest.MapFS {
	return fstest.MapFS{
		"simrt/simrt.go":         {Data: []byte("package simrt\n")},
		"simrt/simrt_test.go":    {Data: []byte("package simrt\n")},
		"simrt/sub/sub.go":       {Data: []byte("package sub\n")},
		"simrt/testdata/x.go":    {Data: []byte("package x\n")},
		"simrt/sub/sub_test.go":  {Data: []byte("package sub\n")},
		"simrt/internal/in/a.go": {Data: []byte("package in\n")},
	}
}

// module makes a target module in a fresh directory holding the given
// files, and returns its root (symlinks resolved, as go list reports it).
func module(t *testing.T, files map[string]string) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(dir, "mod")
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// result is a rewrite result for the module in dir with the given rewritten
// files (paths relative to dir).
func result(dir string, files map[string]string) *rewrite.Result {
	res := &rewrite.Result{Module: rewrite.Module{
		Path:  "example.com/tiny",
		Dir:   dir,
		GoMod: filepath.Join(dir, "go.mod"),
	}}
	main := rewrite.Unit{Kind: rewrite.MainUnit, Path: res.Module.Path, Dir: dir, GoMod: res.Module.GoMod}
	for name, data := range files {
		main.Files = append(main.Files, rewrite.File{Orig: filepath.Join(dir, filepath.FromSlash(name)), Content: []byte(data)})
	}
	res.Units = []rewrite.Unit{main}
	return res
}

// snapshot maps every file under dir to its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := make(map[string]string)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type()&fs.ModeSymlink != 0 {
			target, _ := os.Readlink(p)
			m[filepath.ToSlash(rel)] = "-> " + target
			return nil
		}
		data, err := os.ReadFile(p)
		m[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return m
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestWriteLayout(t *testing.T) {
	t.Parallel()
	dir := module(t, map[string]string{
		"go.mod":   tinyGoMod,
		"go.sum":   "example.com/x v1.0.0 h1:abc=\n",
		"a.go":     "package tiny\n",
		"sub/b.go": "package sub\n",
	})
	before := snapshot(t, dir)
	out := filepath.Join(dir, ".simbuild")
	res := result(dir, map[string]string{"a.go": "//go:build sim\n\npackage tiny // A\n", "sub/b.go": "package sub // B\n"})
	sum, err := Write(Config{Out: out, Runtime: fakeRuntime()}, res)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Dir != out {
		t.Errorf("Summary.Dir = %s, want %s", sum.Dir, out)
	}
	want := []string{
		"go.mod", "mod/go.mod", "mod/go.sum", "overlay.json",
		"simgen/go.mod", "simgen/simrt/internal/in/a.go", "simgen/simrt/simrt.go", "simgen/simrt/sub/sub.go", "simgen/simrt/zz_paths.go",
		"src/a.go", "src/sub/b.go",
	}
	if !reflect.DeepEqual(sum.Written, want) {
		t.Errorf("Written = %q, want %q", sum.Written, want)
	}
	got := snapshot(t, out)
	var names []string
	for name := range got {
		names = append(names, name)
	}
	if len(names) != len(want) {
		t.Errorf("tree holds %q, want %q", names, want)
	}
	if got["src/a.go"] != "//go:build sim\n\npackage tiny // A\n" || got["src/sub/b.go"] != "package sub // B\n" {
		t.Errorf("rewritten files: %q, %q", got["src/a.go"], got["src/sub/b.go"])
	}
	if got["mod/go.sum"] != "example.com/x v1.0.0 h1:abc=\n" {
		t.Errorf("mod/go.sum = %q", got["mod/go.sum"])
	}
	wantMod := tinyGoMod + "\nrequire simgen.dev/simgen v0.0.0-00010101000000-000000000000\n\nreplace simgen.dev/simgen => ./.simbuild/simgen\n"
	if got["mod/go.mod"] != wantMod {
		t.Errorf("mod/go.mod = %q, want %q", got["mod/go.mod"], wantMod)
	}
	if !strings.Contains(got["go.mod"], "\nmodule shadow.simgen.invalid\n") {
		t.Errorf("marker go.mod = %q", got["go.mod"])
	}
	if got["simgen/go.mod"] != runtimeGoMod {
		t.Errorf("simgen/go.mod = %q", got["simgen/go.mod"])
	}

	wantOverlay := "{\n\t\"Replace\": {\n" +
		"\t\t\"" + dir + "/a.go\": \"" + out + "/src/a.go\",\n" +
		"\t\t\"" + dir + "/go.mod\": \"" + out + "/mod/go.mod\",\n" +
		"\t\t\"" + dir + "/go.sum\": \"" + out + "/mod/go.sum\",\n" +
		"\t\t\"" + dir + "/sub/b.go\": \"" + out + "/src/sub/b.go\"\n" +
		"\t}\n}\n"
	if got["overlay.json"] != wantOverlay {
		t.Errorf("overlay.json =\n%s\nwant\n%s", got["overlay.json"], wantOverlay)
	}

	after := snapshot(t, dir)
	for name, data := range before {
		if after[name] != data {
			t.Errorf("source %s changed", name)
		}
	}
}

func TestSecondRunWritesNothing(t *testing.T) {
	t.Parallel()
	dir := module(t, map[string]string{"go.mod": tinyGoMod, "a.go": "package tiny\n"})
	out := filepath.Join(dir, ".simbuild")
	res := result(dir, map[string]string{"a.go": "package tiny // sim\n"})
	cfg := Config{Out: out, Runtime: fakeRuntime()}
	first, err := Write(cfg, res)
	if err != nil {
		t.Fatal(err)
	}
	// Back-date everything so that a rewrite, even of identical bytes,
	// would show in the modification times.
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			os.Chtimes(p, old, old)
		}
		return err
	})
	var logged []string
	cfg.Logf = func(format string, args ...any) { logged = append(logged, format) }
	second, err := Write(cfg, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Written) != 0 || len(second.Removed) != 0 || len(logged) != 0 {
		t.Errorf("second run wrote %q, removed %q, logged %q", second.Written, second.Removed, logged)
	}
	if !reflect.DeepEqual(second.Unchanged, first.Written) {
		t.Errorf("second run left %q unchanged, first wrote %q", second.Unchanged, first.Written)
	}
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if fi, err := os.Stat(p); err != nil || !fi.ModTime().Equal(old) {
			t.Errorf("%s was touched", p)
		}
		return nil
	})
}

func TestChangedAndStaleFiles(t *testing.T) {
	t.Parallel()
	dir := module(t, map[string]string{"go.mod": tinyGoMod, "a.go": "package tiny\n", "sub/b.go": "package sub\n"})
	out := filepath.Join(t.TempDir(), "shadow")
	rt := fakeRuntime()
	cfg := Config{Out: out, Runtime: rt}
	if _, err := Write(cfg, result(dir, map[string]string{"a.go": "package tiny // 1\n", "sub/b.go": "package sub // 1\n"})); err != nil {
		t.Fatal(err)
	}
	// Files of the user's own beside the generated ones: only src/ and
	// simgen/ are simgen's to prune.
	if err := os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	delete(rt, "simrt/sub/sub.go")
	sum, err := Write(cfg, result(dir, map[string]string{"a.go": "package tiny // 2\n"}))
	if err != nil {
		t.Fatal(err)
	}
	// zz_paths.go names the runtime's hash, which the removed file changed.
	if want := []string{"overlay.json", "simgen/simrt/zz_paths.go", "src/a.go"}; !reflect.DeepEqual(sum.Written, want) {
		t.Errorf("Written = %q, want %q", sum.Written, want)
	}
	if want := []string{"simgen/simrt/sub/sub.go", "src/sub/b.go"}; !reflect.DeepEqual(sum.Removed, want) {
		t.Errorf("Removed = %q, want %q", sum.Removed, want)
	}
	for _, gone := range []string{"src/sub", "simgen/simrt/sub"} {
		if _, err := os.Stat(filepath.Join(out, gone)); !os.IsNotExist(err) {
			t.Errorf("empty directory %s was left behind", gone)
		}
	}
	if got := readFile(t, filepath.Join(out, "notes.txt")); got != "mine" {
		t.Errorf("notes.txt = %q", got)
	}
	var ov struct{ Replace map[string]string }
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(out, "overlay.json"))), &ov); err != nil {
		t.Fatal(err)
	}
	if _, ok := ov.Replace[filepath.Join(dir, "sub/b.go")]; ok || len(ov.Replace) != 3 {
		t.Errorf("overlay = %v, want go.mod, go.sum and a.go only", ov.Replace)
	}
}

func TestOutsideModuleUsesAbsoluteReplace(t *testing.T) {
	t.Parallel()
	dir := module(t, map[string]string{"go.mod": tinyGoMod})
	out := filepath.Join(t.TempDir(), "shadow")
	if _, err := Write(Config{Out: out, Runtime: fakeRuntime()}, result(dir, nil)); err != nil {
		t.Fatal(err)
	}
	got := readFile(t, filepath.Join(out, "mod/go.mod"))
	if want := "replace simgen.dev/simgen => " + out + "/simgen\n"; !strings.HasSuffix(got, want) {
		t.Errorf("mod/go.mod = %q, want it to end in %q", got, want)
	}
	// No go.sum in the module: still overlaid, with an empty copy.
	if got := readFile(t, filepath.Join(out, "mod/go.sum")); got != "" {
		t.Errorf("mod/go.sum = %q, want empty", got)
	}
	if ov := readFile(t, filepath.Join(out, "overlay.json")); !strings.Contains(ov, `"`+dir+`/go.sum": "`+out+`/mod/go.sum"`) {
		t.Errorf("overlay.json does not map the missing go.sum:\n%s", ov)
	}
}

func TestShadowGoMod(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{
			name: "plain",
			in:   "module m\n\ngo 1.22\n",
			want: "module m\n\ngo 1.22\n\nrequire simgen.dev/simgen v0.0.0-00010101000000-000000000000\n\nreplace simgen.dev/simgen => ./R\n",
		},
		{
			name: "older than the runtime",
			in:   "module m\n\ngo 1.19\n",
			want: "module m\n\ngo 1.21\n\nrequire simgen.dev/simgen v0.0.0-00010101000000-000000000000\n\nreplace simgen.dev/simgen => ./R\n",
		},
		{
			name: "already required and replaced",
			in: "module m\n\ngo 1.22\n\nrequire (\n\texample.com/a v1.2.3\n\tsimgen.dev/simgen v1.0.0\n)\n\n" +
				"replace simgen.dev/simgen v1.0.0 => ../old\n\nreplace simgen.dev/simgen => ../older\n\nreplace example.com/a => ../a\n",
			want: "module m\n\ngo 1.22\n\nrequire (\n\texample.com/a v1.2.3\n\tsimgen.dev/simgen v0.0.0-00010101000000-000000000000\n)\n\n" +
				"replace example.com/a => ../a\n\nreplace simgen.dev/simgen => ./R\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := shadowGoMod("go.mod", []byte(tc.in), "./R")
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
	if _, err := shadowGoMod("go.mod", []byte("module simgen.dev/simgen\n"), "./R"); err == nil {
		t.Error("simgen's own module was accepted")
	}
	if _, err := shadowGoMod("go.mod", []byte("modul m\n"), "./R"); err == nil {
		t.Error("a broken go.mod was accepted")
	}
}

// refused runs Write expecting an error containing msg, and checks that
// nothing changed under root.
func refused(t *testing.T, root string, cfg Config, res *rewrite.Result, msg string) {
	t.Helper()
	before := snapshot(t, root)
	_, err := Write(cfg, res)
	if err == nil || !strings.Contains(err.Error(), msg) {
		t.Errorf("Write(%s) error = %v, want one containing %q", cfg.Out, err, msg)
	}
	if after := snapshot(t, root); !reflect.DeepEqual(before, after) {
		t.Errorf("refused Write changed files under %s:\nbefore %q\nafter  %q", root, before, after)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "mod")
	for name, data := range map[string]string{
		"mod/go.mod":           tinyGoMod,
		"mod/a.go":             "package tiny\n",
		"mod/pkg/p.go":         "package pkg\n",
		"mine/keep.txt":        "user data",
		"elsewhere/victim.txt": "do not touch",
	} {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o777)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(dir, filepath.Join(root, "modlink")); err != nil {
		t.Fatal(err)
	}
	rt := fakeRuntime()
	res := result(dir, map[string]string{"a.go": "package tiny // sim\n"})

	refused(t, root, Config{Out: dir, Runtime: rt}, res, "is or contains the module root")
	refused(t, root, Config{Out: root, Runtime: rt}, res, "is or contains the module root")
	refused(t, root, Config{Out: filepath.Join(root, "modlink"), Runtime: rt}, res, "is or contains the module root")
	refused(t, root, Config{Out: filepath.Join(root, "mine"), Runtime: rt}, res, "not empty and holds no overlay.json")
	refused(t, root, Config{Out: filepath.Join(dir, "pkg"), Runtime: rt}, res, "not empty and holds no overlay.json")
	refused(t, root, Config{Out: filepath.Join(root, "mine", "keep.txt"), Runtime: rt}, res, "not a directory")
	refused(t, root, Config{Out: filepath.Join(root, "out"), Runtime: fstest.MapFS{}}, res, "no simrt/*.go")
	refused(t, root, Config{Out: filepath.Join(root, "out")}, res, "no runtime")

	bad := result(dir, map[string]string{"a.go": "package tiny\n"})
	bad.Diags = []rewrite.Diagnostic{{Pos: tokenPos(dir+"/a.go", 3, 4), Severity: rewrite.Error, Msg: "reflect.Select cannot be simulated"}}
	refused(t, root, Config{Out: filepath.Join(root, "out"), Runtime: rt}, bad, "a.go:3:4: error: reflect.Select")

	outside := result(dir, map[string]string{"../elsewhere/victim.txt": "overwritten"})
	refused(t, root, Config{Out: filepath.Join(root, "out"), Runtime: rt}, outside, "outside the module root")

	// A rewritten file inside DIR would mean the loader walked into an
	// earlier shadow tree.
	inOut := result(dir, map[string]string{".simbuild/src/a.go": "package tiny\n"})
	refused(t, root, Config{Out: filepath.Join(dir, ".simbuild"), Runtime: rt}, inOut, "inside the output directory")

	// A symlink planted inside an earlier tree must not lead writes out.
	out := filepath.Join(root, "out")
	if _, err := Write(Config{Out: out, Runtime: rt}, res); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(out, "src", "a.go")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "elsewhere", "victim.txt"), filepath.Join(out, "src", "a.go")); err != nil {
		t.Fatal(err)
	}
	_, err = Write(Config{Out: out, Runtime: rt}, res)
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("write through a file symlink: error = %v", err)
	}
	os.RemoveAll(filepath.Join(out, "src"))
	if err := os.Symlink(filepath.Join(root, "elsewhere"), filepath.Join(out, "src")); err != nil {
		t.Fatal(err)
	}
	_, err = Write(Config{Out: out, Runtime: rt}, res)
	if err == nil || !strings.Contains(err.Error(), "through symlink") {
		t.Errorf("write through a directory symlink: error = %v", err)
	}
	if got := snapshot(t, filepath.Join(root, "elsewhere")); !reflect.DeepEqual(got, map[string]string{"victim.txt": "do not touch"}) {
		t.Errorf("files outside DIR changed: %q", got)
	}
}

func TestInterruptedRunIsAccepted(t *testing.T) {
	t.Parallel()
	dir := module(t, map[string]string{"go.mod": tinyGoMod})
	out := filepath.Join(dir, ".simbuild")
	os.MkdirAll(filepath.Join(out, "src"), 0o777)
	if err := os.WriteFile(filepath.Join(out, "go.mod"), []byte(markerGoMod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "src", "half.go"), []byte("pack"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := Write(Config{Out: out, Runtime: fakeRuntime()}, result(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"src/half.go"}; !reflect.DeepEqual(sum.Removed, want) {
		t.Errorf("Removed = %q, want %q", sum.Removed, want)
	}
}

// TestEndToEnd builds and tests a tiny module through the tree Write made,
// with a fake runtime module: go must take the rewritten file from the
// overlay, the go.mod from the overlay, and simrt (and its subpackage) from
// the copy in the tree, all without a network.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	t.Parallel()
	dir := module(t, map[string]string{
		"go.mod":       tinyGoMod,
		"mode.go":      "package tiny\n\nfunc Mode() string { return \"native\" }\n",
		"tiny_test.go": "package tiny\n\nimport \"testing\"\n\nfunc TestMode(t *testing.T) { t.Log(\"MODE\", Mode()) }\n",
	})
	rewritten := "//go:build sim\n\n// Code generated by simgen. DO NOT EDIT.\n\npackage tiny\n\n" +
		"import \"simgen.dev/simgen/simrt\"\n\n" +
		"func Mode() string {\n\tvar s string\n\tsimrt.Go(func() { s = \"sim \" + simrt.Name() })\n\tsimrt.Wait()\n\treturn s\n}\n"
	out := filepath.Join(dir, ".simbuild")
	res := result(dir, map[string]string{"mode.go": rewritten})
	if _, err := Write(Config{Out: out, Runtime: os.DirFS("testdata/fakert")}, res); err != nil {
		t.Fatal(err)
	}
	goTest := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", append([]string{"test", "-count=1", "-v"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GOPROXY=off", "GOTOOLCHAIN=local")
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go test %s: %v\n%s", strings.Join(args, " "), err, b)
		}
		return string(b)
	}
	if got := goTest("-tags", "sim", "-overlay", filepath.Join(out, "overlay.json"), "./..."); !strings.Contains(got, "MODE sim fakert") {
		t.Errorf("under the overlay the rewritten file did not run:\n%s", got)
	}
	// From a subdirectory too: the overlay's paths are absolute.
	if got := goTest("./..."); !strings.Contains(got, "MODE native") {
		t.Errorf("without the overlay the original file did not run:\n%s", got)
	}
	// ./... must not have walked into the shadow tree (it would find the
	// copy of simrt and the rewritten sources).
	if got := goTest("-tags", "sim", "-overlay", filepath.Join(out, "overlay.json"), "-list", ".", "./..."); strings.Contains(got, "simbuild") {
		t.Errorf("./... walked into the shadow tree:\n%s", got)
	}
	if got := readFile(t, filepath.Join(dir, "go.mod")); got != tinyGoMod {
		t.Errorf("the module's go.mod changed: %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.sum")); err == nil {
		t.Errorf("go wrote a go.sum into the module")
	}
}

func tokenPos(file string, line, col int) token.Position {
	return token.Position{Filename: file, Line: line, Column: col}
}

// A go line before 1.17 (an unpruned module graph) lists only direct
// requirements; raised to 1.21 the graph is pruned, and the go command
// refuses the build ("updates to go.mod needed") unless every module that
// provides a package is required. soheilhy/cmux (go 1.11, requiring
// golang.org/x/net only, whose http2 imports golang.org/x/text) did not
// build under simulation.
func TestShadowGoModUnprunedGraph(t *testing.T) {
	t.Parallel()
	deps := []depReplace{
		{"golang.org/x/net", "v0.0.1", "./D/net"},
		{"golang.org/x/text", "v0.3.3", "./D/text"},
		{"example.com/local", "", "./D/local"},
	}
	in := "module m\n\ngo 1.11\n\nrequire golang.org/x/net v0.0.1\n"
	want := "module m\n\ngo 1.21\n\n" +
		"require (\n\tgolang.org/x/net v0.0.1\n\tgolang.org/x/text v0.3.3 // indirect\n\texample.com/local v0.0.0-00010101000000-000000000000 // indirect\n\tsimgen.dev/simgen v0.0.0-00010101000000-000000000000\n)\n\n" +
		"replace golang.org/x/net => ./D/net\n\nreplace golang.org/x/text => ./D/text\n\nreplace example.com/local => ./D/local\n\nreplace simgen.dev/simgen => ./R\n"
	got, err := shadowGoMod("go.mod", []byte(in), "./R", deps...)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("go 1.11: got\n%s\nwant\n%s", got, want)
	}
	// From 1.17 on, go.mod lists what the build needs already.
	in = "module m\n\ngo 1.17\n\nrequire golang.org/x/net v0.0.1\n"
	got, err = shadowGoMod("go.mod", []byte(in), "./R", deps...)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(got), "golang.org/x/text v") {
		t.Errorf("go 1.17: a requirement was added:\n%s", got)
	}
}
