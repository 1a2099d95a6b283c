// Package shadow writes simgen's shadow build tree: the directory whose
// overlay.json `go test -tags sim -overlay DIR/overlay.json` reads, so that
// the target module builds with its rewritten files and the simrt runtime
// without a single change to its sources.
//
// The layout (docs/design.md, "The shadow tree"):
//
//	DIR/overlay.json      {"Replace": {original path: shadow path}}
//	DIR/go.mod            marker module, so ./... never walks into DIR
//	DIR/mod/go.mod        the target's go.mod + require/replace simgen.dev/simgen
//	DIR/mod/go.sum        the target's go.sum, or empty
//	DIR/simgen/go.mod     module simgen.dev/simgen, go 1.21
//	DIR/simgen/simrt/...  the runtime sources, without tests
//	DIR/src/<rel path>    each rewritten file, at its path in the module
//	DIR/deps/<mod>@<v>/   a copy of each dependency module, rewritten
//	DIR/std/<pkg>/<file>  each rewritten file of a standard-library package
//	                      simulated in place, overlaid at its GOROOT path
//
// Write is built to be run again and again (go:generate, simgen test): it
// writes only files whose bytes changed, so the go build cache stays warm,
// and removes files an earlier run wrote that the result no longer has. It
// is also built to be safe in a user's tree: everything is computed and
// checked before the first byte is written, every path it creates or
// removes is checked to stay inside DIR after resolving symlinks, and it
// will not write into a non-empty directory that an earlier run did not
// write.
package shadow

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"simgen.dev/simgen/rewrite"
)

// Config says where to write the shadow tree and what runtime to put in it.
type Config struct {
	// Out is the shadow tree's directory (DIR). A relative path is taken
	// relative to the current directory.
	Out string
	// Runtime holds the simgen module's runtime sources as they lie under
	// that module's root: simrt/*.go and simrt/*/*.go (simgen.Runtime).
	// Files named *_test.go and testdata directories are not copied.
	Runtime fs.FS
	// Logf, when not nil, receives one line per file written or removed.
	Logf func(format string, args ...any)
	// Tags are the build tags beyond sim the target is built with; replay
	// lines name them.
	Tags []string
	// Version is simgen's version (simgen.Version); failure reports name
	// it with a hash of the runtime's sources, since a seed replays the
	// same run only under the same runtime.
	Version string
}

// Summary says what Write did. Paths are slash-separated and relative to
// DIR, each list sorted.
type Summary struct {
	Dir       string   // absolute path of DIR
	Written   []string // files created or whose content changed
	Unchanged []string // files that already held the right bytes
	Removed   []string // stale files of an earlier run, now deleted
}

// Write writes the shadow tree for res into cfg.Out. It writes nothing and
// returns an error if res has a diagnostic of severity Error, if DIR is or
// contains the module root, if DIR is a non-empty directory that simgen did
// not write, or if any path would end up outside DIR.
func Write(cfg Config, res *rewrite.Result) (*Summary, error) {
	p, err := plan(cfg, res)
	if err != nil {
		return nil, err
	}
	return p.apply(cfg.Logf)
}

// tree is a checked plan: the complete content of DIR's generated files.
type tree struct {
	dir   string            // DIR, absolute, symlinks resolved
	files map[string][]byte // slash path relative to dir -> content
}

// plan computes the shadow tree of res, in memory: every file under DIR
// and the overlay entries. Write compares it with the disk.
func plan(cfg Config, res *rewrite.Result) (*tree, error) {
	if res == nil {
		return nil, errors.New("shadow: no rewrite result")
	}
	if cfg.Out == "" {
		return nil, errors.New("shadow: no output directory")
	}
	if cfg.Runtime == nil {
		return nil, errors.New("shadow: no runtime sources")
	}
	for _, d := range res.Diags {
		if d.Severity == rewrite.Error {
			return nil, fmt.Errorf("shadow: not writing %s: the rewrite reported errors, first %s", cfg.Out, d)
		}
	}
	mod := res.Module
	if !filepath.IsAbs(mod.Dir) {
		return nil, fmt.Errorf("shadow: module directory %q is not absolute", mod.Dir)
	}
	out, err := filepath.Abs(cfg.Out)
	if err != nil {
		return nil, fmt.Errorf("shadow: %w", err)
	}
	dir, err := resolve(out)
	if err != nil {
		return nil, fmt.Errorf("shadow: %w", err)
	}
	modReal, err := filepath.EvalSymlinks(mod.Dir)
	if err != nil {
		return nil, fmt.Errorf("shadow: module directory: %w", err)
	}
	if inside(dir, modReal) {
		return nil, fmt.Errorf("shadow: refusing to write into %s: it is or contains the module root %s", out, mod.Dir)
	}
	if err := checkOurs(dir); err != nil {
		return nil, err
	}

	t := &tree{dir: dir, files: make(map[string][]byte)}
	overlay := make(map[string]string)

	// One loop serves every unit: the main module's files are overlaid
	// under src/, a dependency module is copied under deps/ and replaced,
	// a standard-library package's files are overlaid under std/.
	var depReplaces []depReplace
	for _, u := range res.Units {
		var err error
		switch u.Kind {
		case rewrite.MainUnit:
			err = t.addMain(u, mod, out, overlay)
		case rewrite.DepUnit:
			var rep depReplace
			if rep, err = t.addDep(u, modReal); err == nil {
				depReplaces = append(depReplaces, rep)
			}
		case rewrite.StdUnit:
			err = t.addStd(u, out, overlay)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := t.addGoMod(mod, modReal, out, depReplaces, overlay); err != nil {
		return nil, err
	}
	if err := t.addRuntime(cfg.Runtime); err != nil {
		return nil, err
	}
	// simrt names the overlay and the module in its replay lines.
	t.files["simgen/simrt/zz_paths.go"] = []byte(fmt.Sprintf(pathsFile,
		strconv.Quote(filepath.Join(out, "overlay.json")), strconv.Quote(mod.Dir),
		strconv.Quote(strings.Join(append([]string{"sim"}, cfg.Tags...), ",")),
		strconv.Quote(cmp.Or(cfg.Version, "devel")+", runtime "+t.runtimeHash())))

	ov, err := json.MarshalIndent(struct{ Replace map[string]string }{overlay}, "", "\t")
	if err != nil {
		return nil, fmt.Errorf("shadow: %w", err)
	}
	t.files["overlay.json"] = append(ov, '\n')
	return t, nil
}

// addGoMod adds the marker go.mod, the runtime's go.mod, and the overlays
// of the target's go.mod and go.sum: its own text plus the requirement of
// simgen's runtime and the replace directives of the runtime copy and of
// each rewritten dependency.
func (t *tree) addGoMod(mod rewrite.Module, modReal, out string, depReplaces []depReplace, overlay map[string]string) error {
	goMod := mod.GoMod
	if goMod == "" {
		goMod = filepath.Join(mod.Dir, "go.mod")
	}
	goSum := filepath.Join(mod.Dir, "go.sum")
	// Replace paths relative to the module root keep the shadow tree
	// movable with the module (and out of go.mod diffs in CI logs); the
	// leading ./ is what makes cmd/go read it as a directory.
	replace := filepath.Join(t.dir, "simgen")
	if inside(modReal, t.dir) {
		rel, err := filepath.Rel(modReal, replace)
		if err != nil {
			return fmt.Errorf("shadow: %w", err)
		}
		replace = "./" + filepath.ToSlash(rel)
	}
	modData, err := os.ReadFile(goMod)
	if err != nil {
		return fmt.Errorf("shadow: %w", err)
	}
	shadowMod, err := shadowGoMod(goMod, modData, replace, depReplaces...)
	if err != nil {
		return fmt.Errorf("shadow: %w", err)
	}
	// A missing go.sum is still overlaid, with an empty copy, so the two
	// files cmd/go reads for the main module both come from one run.
	sumData, err := os.ReadFile(goSum)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("shadow: %w", err)
	}
	t.files["go.mod"] = []byte(markerGoMod)
	t.files["mod/go.mod"] = shadowMod
	t.files["mod/go.sum"] = sumData
	t.files["simgen/go.mod"] = []byte(runtimeGoMod)
	overlay[goMod] = filepath.Join(out, "mod", "go.mod")
	overlay[goSum] = filepath.Join(out, "mod", "go.sum")
	return nil
}

// pathsFile tells simrt where the overlay and the module root are, for the
// replay lines it prints, and which simgen and runtime wrote them.
const pathsFile = `// Code generated by simgen. DO NOT EDIT.

package simrt

func init() {
	overlayPath = %s
	moduleDir = %s
	buildTags = %s
	simgenVersion = %s
}
`

// runtimeHash is a short hash of the runtime sources in the tree: the seed
// stream is a function of them, so two shadow trees with the same hash
// replay a seed alike.
func (t *tree) runtimeHash() string {
	var names []string
	for name := range t.files {
		if strings.HasPrefix(name, "simgen/") && name != "simgen/simrt/zz_paths.go" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(t.files[name]))
		h.Write(t.files[name])
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// addMain adds the main module's rewritten files under src/, at their
// paths relative to the module root, and their overlay entries.
func (t *tree) addMain(u rewrite.Unit, mod rewrite.Module, out string, overlay map[string]string) error {
	for _, f := range u.Files {
		if !filepath.IsAbs(f.Orig) {
			return fmt.Errorf("shadow: rewritten file %q has no absolute path", f.Orig)
		}
		rel, err := filepath.Rel(mod.Dir, f.Orig)
		if err != nil || !filepath.IsLocal(rel) {
			return fmt.Errorf("shadow: rewritten file %s is outside the module root %s", f.Orig, mod.Dir)
		}
		if origReal, err := resolve(f.Orig); err != nil {
			return fmt.Errorf("shadow: %w", err)
		} else if inside(t.dir, origReal) {
			return fmt.Errorf("shadow: rewritten file %s lies inside the output directory %s", f.Orig, out)
		}
		key := path.Join("src", filepath.ToSlash(rel))
		if _, dup := t.files[key]; dup {
			return fmt.Errorf("shadow: file %s is in the result twice", f.Orig)
		}
		t.files[key] = f.Content
		overlay[f.Orig] = filepath.Join(out, "src", rel)
	}
	return nil
}

// addRuntime adds the runtime sources under simgen/.
func (t *tree) addRuntime(rt fs.FS) error {
	n := 0
	err := fs.WalkDir(rt, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		data, err := fs.ReadFile(rt, name)
		if err != nil {
			return err
		}
		t.files[path.Join("simgen", name)] = data
		if strings.HasPrefix(name, "simrt/") && strings.HasSuffix(name, ".go") {
			n++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("shadow: runtime sources: %w", err)
	}
	if n == 0 {
		return errors.New("shadow: runtime sources hold no simrt/*.go file")
	}
	return nil
}

// checkOurs refuses a directory that exists, is not empty, and shows no
// sign of an earlier run: it may be the user's.
func checkOurs(dir string) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("shadow: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("shadow: refusing to write into %s: it is not a directory", dir)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("shadow: %w", err)
	}
	if len(ents) == 0 {
		return nil
	}
	if fi, err := os.Lstat(filepath.Join(dir, "overlay.json")); err == nil && fi.Mode().IsRegular() {
		return nil
	}
	// An interrupted first run writes the marker go.mod before anything
	// else and overlay.json last; without this it could never be rerun.
	if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && isMarker(data) {
		return nil
	}
	return fmt.Errorf("shadow: refusing to write into %s: it is not empty and holds no overlay.json from an earlier simgen run", dir)
}

func isMarker(gomod []byte) bool {
	for _, line := range strings.Split(string(gomod), "\n") {
		if strings.TrimSpace(line) == "module "+markerModule {
			return true
		}
	}
	return false
}

// apply writes the plan. The marker go.mod goes first and overlay.json
// last, so an interrupted run leaves a directory a rerun accepts and never
// an overlay.json that names files not yet written.
func (t *tree) apply(logf func(string, ...any)) (*Summary, error) {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	sum := &Summary{Dir: t.dir}
	if err := os.MkdirAll(t.dir, 0o777); err != nil {
		return nil, fmt.Errorf("shadow: %w", err)
	}
	names := make([]string, 0, len(t.files))
	for name := range t.files {
		if name != "go.mod" && name != "overlay.json" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	names = append([]string{"go.mod"}, append(names, "overlay.json")...)
	for _, name := range names {
		changed, err := writeInside(t.dir, name, t.files[name])
		if err != nil {
			return nil, fmt.Errorf("shadow: %w", err)
		}
		if changed {
			logf("wrote %s", name)
			sum.Written = append(sum.Written, name)
		} else {
			sum.Unchanged = append(sum.Unchanged, name)
		}
	}
	for _, sub := range []string{"src", "simgen", "deps", "std"} {
		removed, err := t.prune(sub)
		if err != nil {
			return nil, fmt.Errorf("shadow: %w", err)
		}
		for _, name := range removed {
			logf("removed %s", name)
		}
		sum.Removed = append(sum.Removed, removed...)
	}
	sort.Strings(sum.Written)
	sort.Strings(sum.Unchanged)
	sort.Strings(sum.Removed)
	return sum, nil
}

// prune removes the files under dir/sub that the plan does not hold, then
// the directories that leaves empty. WalkDir does not follow symlinks, so
// a symlink is removed as itself and nothing outside dir is reached.
func (t *tree) prune(sub string) ([]string, error) {
	root := filepath.Join(t.dir, sub)
	var removed, dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return fs.SkipDir
			}
			return err
		}
		rel, err := filepath.Rel(t.dir, p)
		if err != nil || !filepath.IsLocal(rel) {
			return fmt.Errorf("%s is outside %s", p, t.dir)
		}
		if d.IsDir() {
			dirs = append(dirs, p)
			return nil
		}
		name := filepath.ToSlash(rel)
		if _, keep := t.files[name]; keep {
			return nil
		}
		if err := os.Remove(p); err != nil {
			return err
		}
		removed = append(removed, name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Deepest first; a directory that still holds files stays.
	for i := len(dirs) - 1; i >= 0; i-- {
		if ents, err := os.ReadDir(dirs[i]); err == nil && len(ents) == 0 {
			if err := os.Remove(dirs[i]); err != nil {
				return nil, err
			}
		}
	}
	return removed, nil
}

// writeInside writes data to dir/name unless the file already holds
// exactly data, and reports whether it wrote. Each directory on the way is
// created or checked one step at a time, refusing symlinks, so no path can
// lead out of dir; the file itself is replaced by rename so that a reader
// never sees it half written.
func writeInside(dir, name string, data []byte) (bool, error) {
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return false, fmt.Errorf("%s is not a path inside %s", name, dir)
	}
	parts := strings.Split(name, "/")
	p := dir
	for _, part := range parts[:len(parts)-1] {
		p = filepath.Join(p, part)
		fi, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if err := os.Mkdir(p, 0o777); err != nil {
				return false, err
			}
		case err != nil:
			return false, err
		case fi.Mode()&fs.ModeSymlink != 0:
			return false, fmt.Errorf("refusing to write through symlink %s", p)
		case !fi.IsDir():
			return false, fmt.Errorf("%s is not a directory", p)
		}
	}
	target := filepath.Join(p, parts[len(parts)-1])
	fi, err := os.Lstat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return false, err
	case !fi.Mode().IsRegular():
		return false, fmt.Errorf("refusing to replace %s: it is not a regular file", target)
	default:
		old, err := os.ReadFile(target)
		if err != nil {
			return false, err
		}
		if bytes.Equal(old, data) {
			return false, nil
		}
	}
	tmp, err := os.CreateTemp(p, ".simgen-*.tmp")
	if err != nil {
		return false, err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return false, err
	}
	// CreateTemp makes the file 0600; generated sources are as readable as
	// the originals.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return false, err
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		os.Remove(tmp.Name())
		return false, err
	}
	return true, nil
}

// resolve is filepath.EvalSymlinks for a path that may not exist yet: the
// longest existing prefix is resolved and the rest appended.
func resolve(p string) (string, error) {
	p = filepath.Clean(p)
	r, err := filepath.EvalSymlinks(p)
	if err == nil {
		return r, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	parent := filepath.Dir(p)
	if parent == p {
		return p, nil
	}
	r, err = resolve(parent)
	if err != nil {
		return "", err
	}
	return filepath.Join(r, filepath.Base(p)), nil
}

// inside reports whether p is root or lies under it. Both must be clean
// absolute paths.
func inside(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && filepath.IsLocal(rel)
}
