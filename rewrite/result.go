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
	// Files are the rewritten files, sorted by Orig.
	Files []File
	// Diags are the diagnostics, sorted by position. A diagnostic with
	// Severity Error means the output must not be written.
	Diags []Diagnostic
	// Deps are the modules outside the main module whose packages are in the
	// build graph, with their rewritten files. The go command cannot overlay
	// files in the module cache, so the shadow tree holds a copy of each
	// such module, wired in with a replace directive.
	Deps []DepModule
	// Std are the packages of StdPackages in the build graph, with their
	// rewritten files, sorted by Path. The go command lets an overlay
	// replace files under GOROOT, so these are overlaid in place.
	Std []StdPackage
	// Counts counts rewritten constructs by name ("go", "chan send",
	// "select", "time.Sleep", ...).
	Counts map[string]int
}

// Module describes the target module.
type Module struct {
	Path      string // module path
	Dir       string // absolute directory holding go.mod
	GoMod     string // absolute path of go.mod
	GoVersion string // the go line of go.mod, such as "1.22"
}

// DepModule is a dependency module whose packages were rewritten.
type DepModule struct {
	Path      string // module path
	Version   string // version, "" for a directory replacement
	Dir       string // absolute directory holding its files
	GoMod     string // absolute path of its go.mod, "" when it has none
	GoVersion string // its go line, such as "1.20"
	Files     []File // rewritten files, Orig under Dir, sorted
}

// StdPackage is a standard-library package rewritten in place (StdPackages).
type StdPackage struct {
	Path  string // import path, such as "net/http"
	Dir   string // absolute directory of its files, GOROOT/src/<Path>
	Files []File // rewritten files, Orig in Dir, sorted
	// Counts counts rewritten constructs as Result.Counts does, which
	// leaves the standard library's out.
	Counts map[string]int
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
