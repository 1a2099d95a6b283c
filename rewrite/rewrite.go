package rewrite

import (
	"cmp"
	"fmt"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
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
}

// Run loads cfg.Patterns and rewrites the files of the main module. When a
// package has syntax or type errors, Result.Diags holds them and Result.Files
// is empty. The error is for failures to run the go command or to read files.
func Run(cfg Config) (*Result, error) {
	res, _, err := run(cfg)
	return res, err
}

// run is Run, also returning, per output file, the line ranges that rules
// replaced (for tests).
func run(cfg Config) (*Result, map[string][][2]int, error) {
	patterns := cfg.Patterns
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	tags := append([]string{"sim"}, cfg.Tags...)
	pcfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes |
			packages.NeedTypesInfo | packages.NeedModule | packages.NeedImports,
		Dir:        cfg.Dir,
		Env:        cfg.Env,
		Tests:      true,
		BuildFlags: []string{"-tags=" + strings.Join(tags, ",")},
	}
	logf(cfg, "loading %s", strings.Join(patterns, " "))
	if err := checkWorkspace(cfg); err != nil {
		return nil, nil, err
	}
	pkgs, err := packages.Load(pcfg, patterns...)
	if err != nil {
		return nil, nil, err
	}
	res := &Result{Counts: map[string]int{}}
	if errs := loadErrors(pkgs); len(errs) > 0 {
		res.Diags = errs
		sortDiags(res.Diags)
		return res, nil, nil
	}

	r := &runner{cfg: cfg, rewritten: map[string]bool{}}
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
		return nil, nil, fmt.Errorf("no package of %s is in a main module (is there a go.mod?)", strings.Join(patterns, " "))
	}
	res.Module = r.module

	// Every other package of the build graph outside the standard library
	// is simulated too: packages of the main module the patterns did not
	// name, and the dependencies. They are loaded again as roots, so their
	// syntax and type information are at hand; all are marked rewritten
	// before any file is, since a rule asks whether a channel comes from
	// rewritten code.
	// So are the standard-library packages of StdPackages, in place, when
	// the go command lets them be overlaid (std.go).
	cache := openCache(cfg, tags)
	var more, native []string
	graph := map[string]*packages.Package{}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if isStd(p) && !cache.stdInPlace {
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
		res.Diags = append(res.Diags, stdNativeDiag(r.module, cache, native))
	}
	// Dependencies rewritten by an earlier run come from the cache, and are
	// not loaded again.
	cached := map[string]*cacheEntry{}
	var load []string
	for _, path := range more {
		if e, ok := cache.get(graph[path]); ok {
			cached[path] = e
		} else {
			load = append(load, path)
		}
	}
	if len(cached) > 0 {
		logf(cfg, "%d packages of dependencies from the cache", len(cached))
	}
	more = load
	if len(more) > 0 {
		slices.Sort(more)
		logf(cfg, "loading %d more packages of the build graph", len(more))
		dcfg := *pcfg
		dcfg.Tests = false
		deps, err := packages.Load(&dcfg, more...)
		if err != nil {
			return nil, nil, err
		}
		if errs := loadErrors(deps); len(errs) > 0 {
			res.Diags = errs
			sortDiags(res.Diags)
			return res, nil, nil
		}
		for _, p := range deps {
			if (p.Module != nil || isStd(p)) && r.rewritten[p.PkgPath] {
				mine = append(mine, p)
			}
		}
	}
	// A file appears in p and in p [p.test]; the test variant sees the
	// most (its _test.go files are type-checked with it), so it goes first.
	slices.SortStableFunc(mine, func(a, b *packages.Package) int {
		return cmp.Or(cmp.Compare(variantRank(a), variantRank(b)), cmp.Compare(a.ID, b.ID))
	})
	done := map[string]bool{}
	touched := map[string][][2]int{}
	modDir := r.module.Dir + string(filepath.Separator)
	deps := map[string]*DepModule{}
	depOf := func(m *packages.Module) *DepModule {
		dep := deps[m.Path]
		if dep == nil {
			dep = &DepModule{Path: m.Path, Version: m.Version, Dir: m.Dir, GoMod: m.GoMod, GoVersion: m.GoVersion}
			if m.Replace != nil {
				dep.Version = m.Replace.Version
				if m.Replace.Dir != "" {
					dep.Dir, dep.GoMod, dep.GoVersion = m.Replace.Dir, m.Replace.GoMod, m.Replace.GoVersion
				}
			}
			deps[m.Path] = dep
		}
		return dep
	}
	stds := map[string]*StdPackage{}
	stdOf := func(p *packages.Package) (*StdPackage, error) {
		std := stds[p.PkgPath]
		if std == nil {
			dir := stdDir(p)
			if dir == "" {
				return nil, fmt.Errorf("%s: the files of the standard-library package are not in GOROOT/src/%s", p.PkgPath, p.PkgPath)
			}
			std = &StdPackage{Path: p.PkgPath, Dir: dir, Counts: map[string]int{}}
			stds[p.PkgPath] = std
		}
		return std, nil
	}
	for path, e := range cached {
		if p := graph[path]; isStd(p) {
			std, err := stdOf(p)
			if err != nil {
				return nil, nil, err
			}
			for rel, content := range e.Files {
				std.Files = append(std.Files, File{Orig: filepath.Join(std.Dir, filepath.FromSlash(rel)), Content: content})
			}
			for k, v := range e.Counts {
				std.Counts[k] += v
			}
			continue
		}
		dep := depOf(graph[path].Module)
		for rel, content := range e.Files {
			dep.Files = append(dep.Files, File{Orig: filepath.Join(dep.Dir, filepath.FromSlash(rel)), Content: content})
		}
		for k, v := range e.Counts {
			res.Counts[k] += v
		}
	}
	toCache := map[*packages.Package]*cacheEntry{}
	for _, p := range mine {
		var dep *DepModule
		var std *StdPackage
		if isStd(p) {
			var err error
			if std, err = stdOf(p); err != nil {
				return nil, nil, err
			}
		} else if !p.Module.Main && len(p.GoFiles) > 0 && strings.HasPrefix(p.GoFiles[0], modDir) {
			// Vendor mode: the go command reads vendor/modules.txt without
			// the overlay, so the runtime cannot be wired in.
			return nil, nil, fmt.Errorf("%s is vendored (vendor/modules.txt): vendor mode is not supported yet; run simgen and go test with GOFLAGS=-mod=mod, which takes dependencies from the module cache", p.PkgPath)
		}
		var entry *cacheEntry
		if std != nil || !p.Module.Main {
			if std == nil {
				dep = depOf(p.Module)
			}
			entry = &cacheEntry{Files: map[string][]byte{}, Counts: map[string]int{}}
			toCache[p] = entry
		}
		for _, f := range p.Syntax {
			path := p.Fset.File(f.Pos()).Name()
			if done[path] {
				continue
			}
			switch {
			case std != nil:
				if filepath.Dir(path) != std.Dir {
					continue
				}
			case dep == nil && !strings.HasPrefix(path, modDir):
				continue
			case dep != nil && !strings.HasPrefix(path, dep.Dir+string(filepath.Separator)):
				continue // a cgo-generated or cached file
			}
			done[path] = true
			src, err := os.ReadFile(path)
			if err != nil {
				return nil, nil, err
			}
			fr := newFileRewriter(r, p, f, src)
			if std != nil {
				if p.TypesInfo.FileVersions[f] == "" {
					fr.goVersion = stdLangVersion(cache.goVersion)
				}
				fr.prepareStd()
			}
			out := fr.rewriteFile()
			for _, d := range fr.diags {
				// A dependency's boundary warnings are its own business
				// (and would drown the module's); its errors still stop
				// the run, since its output would be wrong. So for the
				// standard library.
				if (dep != nil || std != nil) && d.Severity == Warning {
					continue
				}
				res.Diags = append(res.Diags, d)
			}
			if out == nil {
				continue
			}
			logf(cfg, "rewrote %s", path)
			counts := res.Counts
			if std != nil {
				counts = std.Counts
			}
			for k, v := range fr.counts {
				counts[k] += v
			}
			switch {
			case std != nil:
				std.Files = append(std.Files, File{Orig: path, Content: out})
				entry.Files[filepath.Base(path)] = out
				for k, v := range fr.counts {
					entry.Counts[k] += v
				}
			case dep != nil:
				dep.Files = append(dep.Files, File{Orig: path, Content: out})
				if rel, err := filepath.Rel(dep.Dir, path); err == nil {
					entry.Files[filepath.ToSlash(rel)] = out
				}
				for k, v := range fr.counts {
					entry.Counts[k] += v
				}
			default:
				res.Files = append(res.Files, File{Orig: path, Content: out})
			}
			touched[path] = fr.touched
		}
		if std != nil {
			if err := addStdExtra(std, entry); err != nil {
				return nil, nil, err
			}
		}
	}
	for p, e := range toCache {
		if !hasError(res.Diags, p) {
			cache.put(p, e)
		}
	}
	slices.SortFunc(res.Files, func(a, b File) int { return strings.Compare(a.Orig, b.Orig) })
	for _, d := range deps {
		slices.SortFunc(d.Files, func(a, b File) int { return strings.Compare(a.Orig, b.Orig) })
		res.Deps = append(res.Deps, *d)
	}
	slices.SortFunc(res.Deps, func(a, b DepModule) int { return strings.Compare(a.Path, b.Path) })
	for _, std := range stds {
		slices.SortFunc(std.Files, func(a, b File) int { return strings.Compare(a.Orig, b.Orig) })
		res.Std = append(res.Std, *std)
	}
	slices.SortFunc(res.Std, func(a, b StdPackage) int { return strings.Compare(a.Path, b.Path) })
	sortDiags(res.Diags)
	return res, touched, nil
}

// checkWorkspace refuses go.work workspaces: the shadow tree overlays one
// main module's go.mod, and a workspace has several.
func checkWorkspace(cfg Config) error {
	cmd := exec.Command("go", "env", "GOWORK")
	cmd.Dir = cfg.Dir
	if cfg.Env != nil {
		cmd.Env = cfg.Env
	}
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go env GOWORK: %w", err)
	}
	if w := strings.TrimSpace(string(out)); w != "" && w != "off" {
		return fmt.Errorf("%s: go.work workspaces are not supported yet; run simgen and go test with GOWORK=off", w)
	}
	return nil
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
// dependencies, each once.
func loadErrors(pkgs []*packages.Package) []Diagnostic {
	var diags []Diagnostic
	seen := map[string]bool{}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			key := e.Pos + "\x00" + e.Msg
			if seen[key] {
				continue
			}
			seen[key] = true
			diags = append(diags, Diagnostic{Pos: parsePos(e.Pos), Severity: Error, Msg: e.Msg})
		}
	})
	return diags
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
