package rewrite

import (
	"fmt"
	"go/token"
)

// Config says what to load and how.
type Config struct {
	// Dir is the directory the patterns are relative to. It must be inside
	// the target module. Empty means the current directory.
	Dir string
	// Patterns are go package patterns, such as "./...".
	Patterns []string
	// Tags are extra build tags. "sim" is always added.
	Tags []string
	// Env, when not nil, is the environment for the go command (go list).
	Env []string
	// Logf, when not nil, receives progress messages (for -v).
	Logf func(format string, args ...any)
}

// Result is what a rewrite produced: the files to overlay and what it found.
type Result struct {
	// Module is the target module (the main module of the loaded packages).
	Module Module
	// Units hold the rewritten files by where they go in the shadow tree:
	// the main module's unit first (when it has files), then the
	// dependency modules by path, then the standard-library packages by
	// path. Each unit's files are sorted by Orig.
	Units []Unit
	// Diags are the diagnostics, sorted by position. A diagnostic with
	// Severity Error means the output must not be written.
	Diags []Diagnostic
	// Counts counts rewritten constructs by name ("go", "chan send",
	// "select", "time.Sleep", ...) in the main module and the dependency
	// modules; a standard-library unit's constructs are in its own Counts.
	Counts map[string]int
}

// Files returns the rewritten files of the main module, sorted by Orig.
func (r *Result) Files() []File {
	if us := r.Of(MainUnit); len(us) > 0 {
		return us[0].Files
	}
	return nil
}

// Of returns the units of one kind, in their order.
func (r *Result) Of(kind UnitKind) []Unit {
	var us []Unit
	for _, u := range r.Units {
		if u.Kind == kind {
			us = append(us, u)
		}
	}
	return us
}

// Module describes the target module.
type Module struct {
	Path      string // module path
	Dir       string // absolute directory holding go.mod
	GoMod     string // absolute path of go.mod
	GoVersion string // the go line of go.mod, such as "1.22"
}

// UnitKind says how a unit's files reach the build.
type UnitKind int

// The kinds of units.
const (
	// MainUnit is the main module: its files are overlaid in place.
	MainUnit UnitKind = iota
	// DepUnit is a dependency module outside the main module. The go
	// command cannot overlay files in the module cache, so the shadow tree
	// holds a copy of the module, wired in with a replace directive.
	DepUnit
	// StdUnit is a standard-library package of StdPackages. The go command
	// lets an overlay replace files under GOROOT, so its files are
	// overlaid in place.
	StdUnit
)

func (k UnitKind) String() string {
	return [...]string{"main module", "dependency", "standard library"}[k]
}

// Unit is one place of the shadow tree that rewritten files go to: a
// module, or a standard-library package.
type Unit struct {
	Kind UnitKind
	// Path is the module path, or for a StdUnit the package's import path.
	Path string
	// Version is a DepUnit's version; "" for a directory replacement and
	// for the other kinds.
	Version string
	// Dir is the absolute directory of the unit's files: the module root,
	// or for a StdUnit GOROOT/src/<Path>. Every File's Orig is under it.
	Dir string
	// GoMod is the absolute path of a module's go.mod ("" for a module
	// without one, and for a StdUnit); GoVersion is its go line, such as
	// "1.20".
	GoMod, GoVersion string
	// Files are the rewritten files, sorted by Orig.
	Files []File
	// Counts counts the unit's rewritten constructs, as Result.Counts does.
	Counts map[string]int
}

// add appends a rewritten file and its counts to the unit.
func (u *Unit) add(f File, counts map[string]int) {
	u.Files = append(u.Files, f)
	for k, v := range counts {
		u.Counts[k] += v
	}
}

// File is one rewritten source file.
type File struct {
	// Orig is the absolute path of the original file.
	Orig string
	// Content is the rewritten file, starting with a //go:build line that
	// requires sim and a "// Code generated ... DO NOT EDIT." line.
	Content []byte
}

// Severity says whether a diagnostic stops generation.
type Severity int

// Severities.
const (
	Warning Severity = iota // the construct runs outside the simulation
	Error                   // nothing may be written
)

// Diagnostic is a finding tied to a position in the original source.
type Diagnostic struct {
	Pos      token.Position
	Severity Severity
	Msg      string
}

func (d Diagnostic) String() string {
	kind := "warning"
	if d.Severity == Error {
		kind = "error"
	}
	if !d.Pos.IsValid() && d.Pos.Filename == "" {
		// No position to name: no made-up "-:" either.
		return fmt.Sprintf("%s: %s", kind, d.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", d.Pos, kind, d.Msg)
}
