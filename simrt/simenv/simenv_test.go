package simenv

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestVarsAreRead keeps the table honest both ways: every SIM_* variable
// that simrt, its subpackages, sim, cmd/simgen or internal/ reads is in
// Vars, and every entry is read somewhere. A new variable fails here until
// it has a row.
func TestVarsAreRead(t *testing.T) {
	t.Parallel()
	quoted := regexp.MustCompile(`"(SIM_[A-Z_]+)"`)
	read := map[string]string{}
	for _, root := range []string{"..", "../../sim", "../../cmd", "../../internal"} {
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") || strings.Contains(p, "simenv") {
				return nil
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, m := range quoted.FindAllStringSubmatch(string(src), -1) {
				read[m[1]] = p
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(read) < 5 {
		t.Fatalf("found %d variables read; the scan is broken", len(read))
	}
	for name, where := range read {
		if _, ok := Lookup(name); !ok {
			t.Errorf("%s reads %s, which Vars does not list", where, name)
		}
	}
	for _, v := range Vars {
		if _, ok := read[v.Name]; !ok {
			t.Errorf("Vars lists %s, which nothing reads", v.Name)
		}
		if v.Value == "" || v.Default == "" || v.Meaning == "" {
			t.Errorf("%s: every field of a row is filled", v.Name)
		}
	}
}
