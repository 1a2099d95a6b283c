package rewrite

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestCompile builds and vets the output of every golden case without
// error diagnostics against the real runtime, written out as the shadow tree
// writes it (simrt's sources under a go 1.21 module), and against the
// standard-library packages rewritten in place: the output must compile at
// the module's go version and be vet clean.
func TestCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet per case")
	}
	stubDir := runtimeModule(t)
	forEachCase(t, func(t *testing.T, _ string, _ *txtar.Archive, dir string) {
		res, err := Run(Config{Dir: dir, Patterns: []string{"./..."}, Env: testEnv()})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range res.Diags {
			if d.Severity == Error {
				t.Skipf("case has error diagnostics: %v", d)
			}
		}
		out := t.TempDir()
		replace := map[string]string{}
		for i, f := range res.Files() {
			p := filepath.Join(out, filepath.Base(filepath.Dir(f.Orig))+"_"+strings.Repeat("x", i)+filepath.Base(f.Orig))
			if err := os.WriteFile(p, f.Content, 0o644); err != nil {
				t.Fatal(err)
			}
			replace[f.Orig] = p
		}
		// The standard-library packages rewritten in place overlay GOROOT,
		// as in the shadow tree: the module's code compiles against them.
		for _, u := range res.Of(StdUnit) {
			for _, f := range u.Files {
				p := filepath.Join(out, "std_"+strings.ReplaceAll(u.Path, "/", "_")+"_"+filepath.Base(f.Orig))
				if err := os.WriteFile(p, f.Content, 0o644); err != nil {
					t.Fatal(err)
				}
				replace[f.Orig] = p
			}
		}
		mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err != nil {
			t.Fatal(err)
		}
		mod = append(mod, []byte("\nrequire simgen.dev/simgen v0.0.0\nreplace simgen.dev/simgen => "+stubDir+"\n")...)
		modPath := filepath.Join(out, "go.mod")
		if err := os.WriteFile(modPath, mod, 0o644); err != nil {
			t.Fatal(err)
		}
		replace[filepath.Join(dir, "go.mod")] = modPath
		js, _ := json.Marshal(map[string]any{"Replace": replace})
		overlay := filepath.Join(out, "overlay.json")
		if err := os.WriteFile(overlay, js, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("go", "vet", "-tags", "sim", "-overlay", overlay, "./...")
		cmd.Dir = dir
		cmd.Env = append(testEnv(), "GOSUMDB=off")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go vet -tags sim: %v\n%s", err, strings.ReplaceAll(string(b), dir, "$WORK"))
		}
	})
}

// runtimeModule writes simrt's sources (no tests) into a module
// simgen.dev/simgen of language version go1.21, as the shadow tree does.
func runtimeModule(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module simgen.dev/simgen\n\ngo 1.21\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir("../simrt", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel("..", p)
		dst := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}
