package shadow

// Standard-library packages rewritten in place (rewrite.StdPackages). The
// go command lets an overlay replace files under GOROOT/src, so, unlike a
// dependency, such a package is not copied: each rewritten file goes to
// DIR/std/<import path>/<file name>, and overlay.json maps the file's
// GOROOT path to it. GOROOT itself is only read, never written.

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"simgen.dev/simgen/rewrite"
)

// addStd adds the rewritten files of one standard-library package to the
// plan and their overlay entries to overlay. out is DIR as the user named
// it, the form overlay.json uses for every other entry.
func (t *tree) addStd(s rewrite.Unit, out string, overlay map[string]string) error {
	if s.Path == "" || path.Clean(s.Path) != s.Path || !filepath.IsLocal(filepath.FromSlash(s.Path)) {
		return fmt.Errorf("shadow: standard-library package %q has no clean import path", s.Path)
	}
	if !filepath.IsAbs(s.Dir) || !strings.HasSuffix(filepath.ToSlash(filepath.Clean(s.Dir)), "/src/"+s.Path) {
		return fmt.Errorf("shadow: standard-library package %s is in %q, not in GOROOT/src/%s", s.Path, s.Dir, s.Path)
	}
	for _, f := range s.Files {
		if filepath.Dir(f.Orig) != filepath.Clean(s.Dir) {
			return fmt.Errorf("shadow: rewritten file %s is not in its package directory %s", f.Orig, s.Dir)
		}
		if real, err := resolve(f.Orig); err != nil {
			return fmt.Errorf("shadow: %w", err)
		} else if inside(t.dir, real) {
			return fmt.Errorf("shadow: rewritten file %s lies inside the output directory %s", f.Orig, out)
		}
		base := filepath.Base(f.Orig)
		key := path.Join("std", s.Path, base)
		if _, dup := t.files[key]; dup {
			return fmt.Errorf("shadow: file %s is in the result twice", f.Orig)
		}
		t.files[key] = f.Content
		overlay[f.Orig] = filepath.Join(out, "std", filepath.FromSlash(s.Path), base)
	}
	return nil
}
