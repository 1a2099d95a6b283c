package simgen

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// TestRuntimeHasEverySource checks the embed against the directory: every
// Go source of simrt and its subpackages, tests aside, must be carried, or
// shadow trees would fail to build with a missing symbol.
func TestRuntimeHasEverySource(t *testing.T) {
	t.Parallel()
	n := 0
	err := filepath.WalkDir("simrt", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
			return fs.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		n++
		want, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		got, err := fs.ReadFile(Runtime, filepath.ToSlash(p))
		if err != nil {
			t.Errorf("Runtime lacks %s: %v", p, err)
		} else if string(got) != string(want) {
			t.Errorf("Runtime's %s differs from the file", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no simrt sources found")
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{nil, false, "devel"},
		{&debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "v1.2.3"}}, true, "v1.2.3"},
		{&debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "(devel)"}}, true, "devel"},
		{&debug.BuildInfo{Main: debug.Module{Path: "example.com/tool", Version: "v9.0.0"},
			Deps: []*debug.Module{{Path: "example.com/other", Version: "v2.0.0"}, {Path: modulePath, Version: "v0.4.0"}}}, true, "v0.4.0"},
		{&debug.BuildInfo{Main: debug.Module{Path: "example.com/tool", Version: "v9.0.0"}}, true, "devel"},
	} {
		if got := version(tc.bi, tc.ok); got != tc.want {
			t.Errorf("version(%+v) = %q, want %q", tc.bi, got, tc.want)
		}
	}
	if Version == "" {
		t.Error("Version is empty")
	}
}
