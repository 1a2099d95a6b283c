package rewrite

import (
	"cmp"
	"fmt"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// runner is the state of one Run shared by its files.
type runner struct {
	cfg       Config
	module    Module
	rewritten map[string]bool // package paths whose code is rewritten
	pcfg      *packages.Config
	cache     *depCache
	res       *Result
	units     map[unitKey]*Unit
	done      map[string]bool                   // files rewritten already (a file is in p and p [p.test])
	touched   map[string][][2]int               // per output file, the line ranges rules replaced
	toCache   map[*packages.Package]*cacheEntry // what a dependency's rewrite leaves for the next run
}

// unitKey names a unit: its kind and path.
type unitKey struct {
	kind UnitKind
	path string
}

// Run loads cfg.Patterns and rewrites the files of the main module. When a
// package has syntax or type errors, Result.Diags holds them and
// Result.Units is empty. The error is for failures to run the go command or
// to read files.
func Run(cfg Config) (*Result, error) {
	res, _, err := run(cfg)
	return res, err
}

// run is Run, also returning, per output file, the line ranges that rules
// replaced (for tests). Its steps: load the named packages; collect the
// rest of the build graph (from the cache where it can); rewrite each
// package into its unit; assemble the result.
func run(cfg Config) (*Result, map[string][][2]int, error) {
	r := &runner{
		cfg:       cfg,
		rewritten: map[string]bool{},
		res:       &Result{Counts: map[string]int{}},
		units:     map[unitKey]*Unit{},
		done:      map[string]bool{},
		touched:   map[string][][2]int{},
		toCache:   map[*packages.Package]*cacheEntry{},
	}
	pkgs, err := r.load()
	if err != nil || len(r.res.Diags) > 0 {
		return r.res, nil, err
	}
	mine, err := r.mainPackages(pkgs)
	if err != nil {
		return nil, nil, err
	}
	more, err := r.collectGraph(pkgs)
	if err != nil || hasErrors(r.res.Diags) {
		return r.res, nil, err
	}
	mine = append(mine, more...)
	// A file appears in p and in p [p.test]; the test variant sees the
	// most (its _test.go files are type-checked with it), so it goes first.
	slices.SortStableFunc(mine, func(a, b *packages.Package) int {
		return cmp.Or(cmp.Compare(variantRank(a), variantRank(b)), cmp.Compare(a.ID, b.ID))
	})
	for _, p := range mine {
		if err := r.rewritePackage(p); err != nil {
			return nil, nil, err
		}
	}
	r.assemble()
	return r.res, r.touched, nil
}

// load loads the named packages, with their tests, under the sim tag. A
// package's syntax or type errors end up in r.res.Diags.
func (r *runner) load() ([]*packages.Package, error) {
	patterns := r.cfg.Patterns
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	tags := append([]string{"sim"}, r.cfg.Tags...)
	r.pcfg = &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes |
			packages.NeedTypesInfo | packages.NeedModule | packages.NeedImports,
		Dir:        r.cfg.Dir,
		Env:        r.cfg.Env,
		Tests:      true,
		BuildFlags: []string{"-tags=" + strings.Join(tags, ",")},
	}
	logf(r.cfg, "loading %s", strings.Join(patterns, " "))
	if err := checkWorkspace(r.cfg); err != nil {
		return nil, err
	}
	pkgs, err := packages.Load(r.pcfg, patterns...)
	if err != nil {
		return nil, err
	}
	if errs := loadErrors(pkgs); len(errs) > 0 {
		r.res.Diags = errs
		sortDiags(r.res.Diags)
		return nil, nil
	}
	r.cache = openCache(r.cfg, tags)
	return pkgs, nil
}

// mainPackages returns the loaded packages of the main module, marks them
// rewritten, and sets the target module.
func (r *runner) mainPackages(pkgs []*packages.Package) ([]*packages.Package, error) {
	var mine []*packages.Package
	for _, p := range pkgs {
		if p.Module == nil || !p.Module.Main || strings.HasSuffix(p.PkgPath, ".test") {
			continue
		}
		if r.module.Path == "" {
			r.module = Module{Path: p.Module.Path, Dir: p.Module.Dir, GoMod: p.Module.GoMod, GoVersion: p.Module.GoVersion}
		}
		r.rewritten[p.PkgPath] = true
		mine = append(mine, p)
	}
	if r.module.Path == "" {
		patterns := r.cfg.Patterns
		if len(patterns) == 0 {
			patterns = []string{"."}
		}
		return nil, fmt.Errorf("no package of %s is in a main module (is there a go.mod?)", strings.Join(patterns, " "))
	}
	r.res.Module = r.module
	return mine, nil
}

// collectGraph finds every other package of the build graph that is
// simulated too: packages of the main module the patterns did not name,
// the dependencies outside the standard library, and the packages of
// StdPackages, in place, when the go command lets them be overlaid
// (std.go). All are marked rewritten before any file is, since a rule asks
// whether a channel comes from rewritten code. Packages rewritten by an
// earlier run come from the cache into their units; the others are loaded
// again as roots, so their syntax and type information are at hand, and
// returned.
func (r *runner) collectGraph(pkgs []*packages.Package) ([]*packages.Package, error) {
	var more, native []string
	graph := map[string]*packages.Package{}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if isStd(p) && !r.cache.stdInPlace {
			native = append(native, p.PkgPath)
			return
		}
		if isStd(p) && !r.rewritten[p.PkgPath] {
			r.rewritten[p.PkgPath] = true
			graph[p.PkgPath] = p
			more = append(more, p.PkgPath)
			return
		}
		if p.Module == nil || r.rewritten[p.PkgPath] || strings.HasSuffix(p.PkgPath, ".test") || p.PkgPath == "C" {
			return
		}
		if strings.HasPrefix(p.PkgPath, "simgen.dev/simgen/") {
			return // the runtime itself (a module that imports simgen's API)
		}
		r.rewritten[p.PkgPath] = true
		graph[p.PkgPath] = p
		more = append(more, p.PkgPath)
	})
	if len(native) > 0 {
		r.res.Diags = append(r.res.Diags, stdNativeDiag(r.module, r.cache, native))
	}
	var load []string
	cached := 0
	for _, path := range more {
		e, ok := r.cache.get(graph[path])
		if !ok {
			load = append(load, path)
			continue
		}
		cached++
		u, err := r.unitOf(graph[path])
		if err != nil {
			return nil, err
		}
		for rel, content := range e.Files {
			u.add(File{Orig: filepath.Join(u.Dir, filepath.FromSlash(rel)), Content: content}, nil)
		}
		for k, v := range e.Counts {
			u.Counts[k] += v
		}
	}
	if cached > 0 {
		logf(r.cfg, "%d packages of dependencies from the cache", cached)
	}
	if len(load) == 0 {
		return nil, nil
	}
	slices.Sort(load)
	logf(r.cfg, "loading %d more packages of the build graph", len(load))
	dcfg := *r.pcfg
	dcfg.Tests = false
	deps, err := packages.Load(&dcfg, load...)
	if err != nil {
		return nil, err
	}
	if errs := loadErrors(deps); len(errs) > 0 {
		r.res.Diags = errs
		sortDiags(r.res.Diags)
		return nil, nil
	}
	var out []*packages.Package
	for _, p := range deps {
		if (p.Module != nil || isStd(p)) && r.rewritten[p.PkgPath] {
			out = append(out, p)
		}
	}
	return out, nil
}

// unitOf returns the unit a package's files go to, made on first use.
func (r *runner) unitOf(p *packages.Package) (*Unit, error) {
	var k unitKey
	switch {
	case isStd(p):
		k = unitKey{StdUnit, p.PkgPath}
	case p.Module.Main:
		k = unitKey{MainUnit, p.Module.Path}
	default:
		k = unitKey{DepUnit, p.Module.Path}
	}
	if u := r.units[k]; u != nil {
		return u, nil
	}
	u := &Unit{Kind: k.kind, Path: k.path, Counts: map[string]int{}}
	switch k.kind {
	case StdUnit:
		if u.Dir = stdDir(p); u.Dir == "" {
			return nil, fmt.Errorf("%s: the files of the standard-library package are not in GOROOT/src/%s", p.PkgPath, p.PkgPath)
		}
	case MainUnit:
		u.Dir, u.GoMod, u.GoVersion = r.module.Dir, r.module.GoMod, r.module.GoVersion
	case DepUnit:
		m := p.Module
		u.Version, u.Dir, u.GoMod, u.GoVersion = m.Version, m.Dir, m.GoMod, m.GoVersion
		if m.Replace != nil {
			u.Version = m.Replace.Version
			if m.Replace.Dir != "" {
				u.Dir, u.GoMod, u.GoVersion = m.Replace.Dir, m.Replace.GoMod, m.Replace.GoVersion
			}
		}
	}
	r.units[k] = u
	return u, nil
}

// owns reports whether a file of a package belongs to its unit: a
// standard-library package's own directory, a module's tree (not a
// cgo-generated or cached file).
func (u *Unit) owns(path string) bool {
	if u.Kind == StdUnit {
		return filepath.Dir(path) == u.Dir
	}
	return strings.HasPrefix(path, u.Dir+string(filepath.Separator))
}

// rewritePackage rewrites each file of p not rewritten yet into p's unit,
// and, for a dependency or a standard-library package, into the cache
// entry the next run reads.
func (r *runner) rewritePackage(p *packages.Package) error {
	u, err := r.unitOf(p)
	if err != nil {
		return err
	}
	if u.Kind == DepUnit && len(p.GoFiles) > 0 && strings.HasPrefix(p.GoFiles[0], r.module.Dir+string(filepath.Separator)) {
		// Vendor mode: the go command reads vendor/modules.txt without
		// the overlay, so the runtime cannot be wired in.
		return fmt.Errorf("%s is vendored (vendor/modules.txt): vendor mode is not supported yet; run simgen and go test with GOFLAGS=-mod=mod, which takes dependencies from the module cache", p.PkgPath)
	}
	var entry *cacheEntry
	if u.Kind != MainUnit {
		entry = &cacheEntry{Files: map[string][]byte{}, Counts: map[string]int{}}
		r.toCache[p] = entry
	}
	for _, f := range p.Syntax {
		path := p.Fset.File(f.Pos()).Name()
		if r.done[path] || !u.owns(path) {
			continue
		}
		r.done[path] = true
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fr := newFileRewriter(r, p, f, src)
		if u.Kind == StdUnit {
			if p.TypesInfo.FileVersions[f] == "" {
				fr.goVersion = stdLangVersion(r.cache.goVersion)
			}
			fr.prepareStd()
		}
		out := fr.rewriteFile()
		for _, d := range fr.diags {
			// A dependency's boundary warnings are its own business (and
			// would drown the module's); its errors still stop the run,
			// since its output would be wrong. So for the standard library.
			if u.Kind != MainUnit && d.Severity == Warning {
				continue
			}
			r.res.Diags = append(r.res.Diags, d)
		}
		if out == nil {
			continue
		}
		logf(r.cfg, "rewrote %s", path)
		u.add(File{Orig: path, Content: out}, fr.counts)
		if entry != nil {
			if rel, err := filepath.Rel(u.Dir, path); err == nil {
				entry.add(filepath.ToSlash(rel), out, fr.counts)
			}
		}
		r.touched[path] = fr.touched
	}
	if u.Kind == StdUnit {
		return addStdExtra(u, entry)
	}
	return nil
}

// assemble caches what the dependencies' rewrites produced, and puts the
// units into the result in their order.
func (r *runner) assemble() {
	for p, e := range r.toCache {
		if !hasError(r.res.Diags, p) {
			r.cache.put(p, e)
		}
	}
	for _, u := range r.units {
		if len(u.Files) == 0 && u.Kind == MainUnit {
			continue
		}
		slices.SortFunc(u.Files, func(a, b File) int { return strings.Compare(a.Orig, b.Orig) })
		if u.Kind != StdUnit {
			for k, v := range u.Counts {
				r.res.Counts[k] += v
			}
		}
		r.res.Units = append(r.res.Units, *u)
	}
	slices.SortFunc(r.res.Units, func(a, b Unit) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), strings.Compare(a.Path, b.Path))
	})
	sortDiags(r.res.Diags)
}

// checkWorkspace refuses go.work workspaces (the shadow tree overlays one
// main module's go.mod, and a workspace has several) and a directory
// outside any module.
func checkWorkspace(cfg Config) error {
	cmd := exec.Command("go", "env", "GOWORK", "GOMOD")
	cmd.Dir = cfg.Dir
	if cfg.Env != nil {
		cmd.Env = cfg.Env
	}
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go env GOWORK GOMOD: %w", err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if w := strings.TrimSpace(lines[0]); w != "" && w != "off" {
		return fmt.Errorf("%s: go.work workspaces are not supported yet; run simgen and go test with GOWORK=off", w)
	}
	if len(lines) > 1 {
		if m := strings.TrimSpace(lines[1]); m == "" || m == os.DevNull {
			dir := cfg.Dir
			if dir == "" {
				dir = "."
			}
			return fmt.Errorf("no go.mod in %s or any directory above it: simgen rewrites the packages of a module; run it in the module (or with -C dir), or create one with go mod init <module path>", dir)
		}
	}
	return nil
}

// hasErrors reports whether a diagnostic has severity Error.
func hasErrors(ds []Diagnostic) bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// hasError reports whether a diagnostic of severity Error names a file of
// p: such a package must be rewritten again next time, to report it again.
func hasError(ds []Diagnostic, p *packages.Package) bool {
	for _, d := range ds {
		if d.Severity == Error && slices.Contains(p.GoFiles, d.Pos.Filename) {
			return true
		}
	}
	return false
}

func variantRank(p *packages.Package) int {
	if strings.Contains(p.ID, " [") {
		return 0
	}
	return 1
}

func logf(cfg Config, format string, args ...any) {
	if cfg.Logf != nil {
		cfg.Logf(format, args...)
	}
}

// loadErrors collects the errors of the loaded packages and their
// dependencies, each once, and each mistake once. The go command's own
// report of a package that does not compile (a ListError "# pkg" followed by
// the compiler's lines) repeats what go/parser and go/types say. For a type
// error go/types' report is kept and the go command's dropped; for a syntax
// error the compiler's lines are kept (they read as go build's), split into
// positioned diagnostics, and go/parser's and go/types' follow-on errors of
// that package are dropped. Without a compiler report, only the first
// syntax error of a file is kept.
func loadErrors(pkgs []*packages.Package) []Diagnostic {
	var diags []Diagnostic
	seen := map[string]bool{}
	add := func(pos token.Position, msg string) {
		key := pos.String() + "\x00" + msg
		if seen[key] {
			return
		}
		seen[key] = true
		diags = append(diags, Diagnostic{Pos: pos, Severity: Error, Msg: msg})
	}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		var hasParse, hasType, hasCompiler bool
		for _, e := range p.Errors {
			hasParse = hasParse || e.Kind == packages.ParseError
			hasType = hasType || e.Kind == packages.TypeError
			hasCompiler = hasCompiler || e.Kind == packages.ListError && strings.HasPrefix(e.Msg, "# ")
		}
		syntaxSeen := map[string]bool{}
		for _, e := range p.Errors {
			pos := parsePos(e.Pos)
			switch {
			case e.Kind == packages.ParseError && hasCompiler:
				continue // the compiler's "syntax error: ..." says it as go build does
			case e.Kind == packages.ListError && strings.HasPrefix(e.Msg, "# "):
				if hasType && !hasParse {
					continue
				}
				for _, d := range compilerLines(e.Msg, p) {
					add(d.Pos, d.Msg)
				}
				continue
			case e.Kind == packages.TypeError && hasParse:
				continue
			case e.Kind == packages.ParseError:
				if syntaxSeen[pos.Filename] {
					continue
				}
				syntaxSeen[pos.Filename] = true
			}
			if pos.Filename == "-" {
				pos.Filename = ""
			}
			add(pos, e.Msg)
		}
	})
	return diags
}

// compilerLine is a line of the compiler's output: file:line:col: message.
var compilerLine = regexp.MustCompile(`^(\S+?\.go):(\d+)(?::(\d+))?: (.*)$`)

// compilerLines turns the go command's report of a package that does not
// compile ("# pkg" and the compiler's lines) into diagnostics at their
// positions; lines without one are kept as they are.
func compilerLines(msg string, p *packages.Package) []Diagnostic {
	var ds []Diagnostic
	for _, line := range strings.Split(msg, "\n")[1:] {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		m := compilerLine.FindStringSubmatch(line)
		if m == nil {
			ds = append(ds, Diagnostic{Severity: Error, Msg: line})
			continue
		}
		pos := token.Position{Filename: m[1]}
		pos.Line, _ = strconv.Atoi(m[2])
		pos.Column, _ = strconv.Atoi(m[3])
		if !filepath.IsAbs(pos.Filename) {
			// The go command names files relative to its directory; find
			// the package's file of that name.
			for _, f := range append(p.CompiledGoFiles, p.GoFiles...) {
				if filepath.Base(f) == filepath.Base(pos.Filename) {
					pos.Filename = f
					break
				}
			}
		}
		ds = append(ds, Diagnostic{Pos: pos, Severity: Error, Msg: m[4]})
	}
	return ds
}

// parsePos parses "file:line:col" (or "file:line", or "file").
func parsePos(s string) token.Position {
	var pos token.Position
	rest := s
	nums := []*int{&pos.Column, &pos.Line}
	if strings.Count(s, ":") == 1 {
		nums = nums[1:]
	}
	for _, n := range nums {
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			break
		}
		v, err := strconv.Atoi(rest[i+1:])
		if err != nil {
			break
		}
		*n = v
		rest = rest[:i]
	}
	pos.Filename = rest
	return pos
}

func sortDiags(ds []Diagnostic) {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			strings.Compare(a.Pos.Filename, b.Pos.Filename),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column),
			strings.Compare(a.Msg, b.Msg))
	})
}
