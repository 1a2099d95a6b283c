package rewrite

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRuleTable checks the construct table of the package doc (doc.go):
// every rule file, golden directory and simrt file it names exists, and
// every rule file of the package appears in it.
func TestRuleTable(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	cols := regexp.MustCompile(`\s{2,}`)
	listed := map[string]bool{}
	in := false
	rows := 0
	for _, line := range strings.Split(string(src), "\n") {
		body, ok := strings.CutPrefix(line, "//\t")
		if !ok {
			if in {
				break
			}
			continue
		}
		if strings.HasPrefix(body, "construct ") {
			in = true
			continue
		}
		if !in {
			continue
		}
		f := cols.Split(strings.TrimSpace(body), -1)
		if len(f) != 4 {
			t.Errorf("doc.go table row %q: want 4 columns, got %d", body, len(f))
			continue
		}
		rows++
		rule, golden, rt := f[1], f[2], f[3]
		listed[rule] = true
		if _, err := os.Stat(rule); err != nil {
			t.Errorf("doc.go table: rule file %s: %v", rule, err)
		}
		if _, err := os.Stat(filepath.Join("testdata", golden)); err != nil {
			t.Errorf("doc.go table: golden cases %s: %v", golden, err)
		}
		for _, r := range strings.Split(rt, ", ") {
			if _, err := os.Stat(filepath.Join("..", "simrt", r)); err != nil {
				t.Errorf("doc.go table: simrt file %s: %v", r, err)
			}
		}
	}
	if rows < 10 {
		t.Fatalf("doc.go table: found %d rows; the table's format changed", rows)
	}
	rules, _ := filepath.Glob("rule_*.go")
	for _, r := range rules {
		if !strings.HasSuffix(r, "_test.go") && !listed[r] {
			t.Errorf("%s is missing from doc.go's construct table", r)
		}
	}
}
