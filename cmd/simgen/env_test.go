package main

import (
	"bytes"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"simgen.dev/simgen/simrt/simenv"
)

// TestEnvDocumented checks every place that lists the SIM_* variables
// against simenv's table: simgen -h, this package's doc, simrt's harness
// doc, and the table of docs/usage.md, which must also mark the internal
// ones as such. Each must name every variable and none that the table
// does not have.
func TestEnvDocumented(t *testing.T) {
	t.Parallel()
	var h bytes.Buffer
	printHelp(&h, newFlags(new(options)))
	mainDoc, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	harness, err := os.ReadFile("../../simrt/harness.go")
	if err != nil {
		t.Fatal(err)
	}
	usage, err := os.ReadFile("../../docs/usage.md")
	if err != nil {
		t.Fatal(err)
	}
	docComment := func(src []byte) string {
		s := string(src)
		if i := strings.Index(s, "\nimport"); i >= 0 {
			s = s[:i]
		}
		return s
	}
	rowRE := regexp.MustCompile("(?m)^\\| `(SIM_[A-Z_]+)=[^`]*` \\|(.*)$")
	rows := map[string]string{}
	for _, m := range rowRE.FindAllStringSubmatch(string(usage), -1) {
		rows[m[1]] = m[2]
	}
	places := map[string]string{
		"simgen -h":           h.String(),
		"cmd/simgen's doc":    docComment(mainDoc),
		"simrt's harness doc": docComment(harness),
	}
	nameRE := regexp.MustCompile(`\bSIM_[A-Z_]+\b`)
	for _, v := range simenv.Vars {
		row, ok := rows[v.Name]
		switch {
		case !ok:
			t.Errorf("docs/usage.md's table has no row for %s", v.Name)
		case v.Internal && !strings.Contains(row, "Internal"):
			t.Errorf("docs/usage.md's row for %s does not mark it internal", v.Name)
		}
		if v.Internal {
			continue
		}
		for place, text := range places {
			if !regexp.MustCompile(`\b` + v.Name + `\b`).MatchString(text) {
				t.Errorf("%s does not name %s", place, v.Name)
			}
		}
	}
	places["docs/usage.md's table"] = strings.Join(slices.Collect(maps.Keys(rows)), " ")
	for place, text := range places {
		for _, n := range nameRE.FindAllString(text, -1) {
			if _, ok := simenv.Lookup(n); !ok {
				t.Errorf("%s names %s, which simenv's table does not have", place, n)
			}
		}
	}
}
