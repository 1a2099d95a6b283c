package main

import (
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"simgen.dev/simgen"
	"simgen.dev/simgen/rewrite"
	"simgen.dev/simgen/shadow"
)

// generate rewrites the packages and writes the shadow tree, returning the
// absolute path of its overlay.json. Diagnostics go to stderr, the summary
// to stdout. Nothing is written if the rewrite failed, reported an error,
// or (with -strict) a warning.
func generate(o options, patterns []string, stdout, stderr io.Writer) (string, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	cfg := rewrite.Config{Dir: cwd, Patterns: patterns, Tags: splitTags(o.tags)}
	if o.verbose {
		cfg.Logf = func(format string, args ...any) {
			fmt.Fprintf(stderr, "simgen: "+format+"\n", args...)
		}
	}
	res, err := rewrite.Run(cfg)
	if err != nil {
		return "", err
	}
	var nerr, nwarn int
	for _, d := range res.Diags {
		d.Pos.Filename = relTo(cwd, d.Pos.Filename)
		fmt.Fprintln(stderr, d)
		if d.Severity == rewrite.Error {
			nerr++
		} else {
			nwarn++
		}
	}
	switch {
	case nerr > 0:
		return "", fmt.Errorf("%s; nothing written", plural(nerr, "error"))
	case o.strict && nwarn > 0:
		return "", fmt.Errorf("%s with -strict; nothing written", plural(nwarn, "warning"))
	}
	scfg := shadow.Config{Out: o.out, Runtime: simgen.Runtime, Tags: splitTags(o.tags), Version: simgen.Version}
	if o.verbose {
		scfg.Logf = cfg.Logf
	}
	sum, err := shadow.Write(scfg, res)
	if err != nil {
		return "", err
	}
	printSummary(stdout, o, res, sum, cwd)
	return filepath.Join(sum.Dir, "overlay.json"), nil
}

// printSummary prints one line, or with -v the construct counts and files
// as well.
func printSummary(w io.Writer, o options, res *rewrite.Result, sum *shadow.Summary, cwd string) {
	pkgs := make(map[string]bool)
	for _, f := range res.Files() {
		pkgs[filepath.Dir(f.Orig)] = true
	}
	type count struct {
		name string
		n    int
	}
	var counts []count
	for name, n := range res.Counts {
		if n > 0 {
			counts = append(counts, count{name, n})
		}
	}
	// Most frequent first: the line is read for what the module mostly does.
	sort.Slice(counts, func(i, j int) bool {
		if counts[i].n != counts[j].n {
			return counts[i].n > counts[j].n
		}
		return counts[i].name < counts[j].name
	})
	var b strings.Builder
	fmt.Fprintf(&b, "simgen: rewrote %s in %s", plural(len(res.Files()), "file"), plural(len(pkgs), "package"))
	if stds := res.Of(rewrite.StdUnit); len(stds) > 0 {
		std := make([]string, len(stds))
		for i, s := range stds {
			std[i] = s.Path
		}
		fmt.Fprintf(&b, ", and %s in place", strings.Join(std, ", "))
	}
	if len(counts) > 0 && !o.verbose {
		parts := make([]string, len(counts))
		for i, c := range counts {
			parts[i] = fmt.Sprintf("%d %s", c.n, c.name)
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, "; %s: %d written, %d unchanged", o.out, len(sum.Written), len(sum.Unchanged))
	if len(sum.Removed) > 0 {
		fmt.Fprintf(&b, ", %d removed", len(sum.Removed))
	}
	fmt.Fprintln(w, b.String())
	if !o.verbose {
		return
	}
	for _, c := range counts {
		fmt.Fprintf(w, "\t%6d  %s\n", c.n, c.name)
	}
	written := make(map[string]bool, len(sum.Written))
	for _, name := range sum.Written {
		written[name] = true
	}
	for _, f := range res.Files() {
		state := "unchanged"
		if rel, err := filepath.Rel(res.Module.Dir, f.Orig); err == nil && written[path.Join("src", filepath.ToSlash(rel))] {
			state = "written"
		}
		fmt.Fprintf(w, "\t%-9s %s\n", state, relTo(cwd, f.Orig))
	}
}

// relTo shortens p to a path relative to dir when it lies below dir, as the
// go command prints positions.
func relTo(dir, p string) string {
	if rel, err := filepath.Rel(dir, p); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return p
}

// splitTags splits a -tags list as the go command does: on commas, and on
// spaces for the older form.
func splitTags(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
