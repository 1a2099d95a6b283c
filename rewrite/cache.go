package rewrite

// The dependency cache. A module version in the module cache never changes,
// so the rewrite of one of its packages depends only on simgen itself, the
// toolchain, the target platform and the build tags. Rewritten packages are
// kept in the user's cache directory under a key of exactly those, so a
// second run (of this module, or of another that shares the dependency)
// neither loads nor rewrites them again.
//
// The standard-library packages rewritten in place (std.go) are cached the
// same way, under a key that adds GOROOT and the name, size and
// modification time of each of the package's files, since a toolchain
// directory, unlike a module version, can change in place (a source tree
// of Go itself).
//
// SIMGEN_CACHE=off turns the cache off; SIMGEN_CACHE=DIR puts it in DIR.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"golang.org/x/tools/go/packages"
)

// cacheEntry is one rewritten package.
type cacheEntry struct {
	// Files maps a path relative to the module dir (for a standard-library
	// package, to the package dir) to its rewritten file.
	Files  map[string][]byte
	Counts map[string]int
}

// add records a rewritten file, at its slash path relative to its unit's
// directory, and its counts.
func (e *cacheEntry) add(rel string, content []byte, counts map[string]int) {
	e.Files[rel] = content
	for k, v := range counts {
		e.Counts[k] += v
	}
}

type depCache struct {
	dir string // "" when off
	env string // toolchain, platform and tags, part of every key

	// goVersion, goroot and gomodcache are the go command's GOVERSION,
	// GOROOT and GOMODCACHE, or "" when it could not say; they are known
	// with the cache off too.
	goVersion, goroot, gomodcache string
	// stdInPlace says whether StdPackages can be rewritten in place
	// (std.go): a rewritten dependency differs when they are not.
	stdInPlace bool
}

// openCache sets up the cache for a run, or an inactive one.
func openCache(cfg Config, tags []string) *depCache {
	c := &depCache{}
	cmd := exec.Command("go", "env", "GOVERSION", "GOOS", "GOARCH", "GOROOT", "GOMODCACHE")
	cmd.Dir = cfg.Dir
	if cfg.Env != nil {
		cmd.Env = cfg.Env
	}
	out, err := cmd.Output()
	if err != nil {
		return c
	}
	env := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(env) != 5 {
		return c
	}
	c.goVersion, c.goroot, c.gomodcache = env[0], env[3], env[4]
	c.stdInPlace = canOverlayGOROOT(c.goroot, c.gomodcache)
	dir := os.Getenv("SIMGEN_CACHE")
	for _, kv := range cfg.Env {
		if v, ok := strings.CutPrefix(kv, "SIMGEN_CACHE="); ok {
			dir = v
		}
	}
	switch dir {
	case "off":
		return c
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return c
		}
		dir = filepath.Join(base, "simgen", "rewrite")
	}
	c.dir = dir
	c.env = strings.Join(env[:3], " ") + " tags=" + strings.Join(tags, ",") + " simgen=" + selfID()
	if !c.stdInPlace {
		c.env += " std=native"
	}
	return c
}

// cacheable reports whether p's rewrite can be cached: a package of a
// module version from the module cache, or of the standard library.
func cacheable(p *packages.Package) bool {
	if isStd(p) {
		return true
	}
	m := p.Module
	return m != nil && !m.Main && m.Version != "" && m.Replace == nil
}

// key is the cache key of p, or "" when p cannot be cached now.
func (c *depCache) key(p *packages.Package) string {
	h := sha256.New()
	if isStd(p) {
		if c.goroot == "" {
			return ""
		}
		fmt.Fprintf(h, "%s\nstd %s\n%s\n", c.env, c.goroot, p.PkgPath)
		for _, f := range p.GoFiles {
			fi, err := os.Stat(f)
			if err != nil {
				return ""
			}
			fmt.Fprintf(h, "%s %d %d\n", filepath.Base(f), fi.Size(), fi.ModTime().UnixNano())
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	fmt.Fprintf(h, "%s\n%s@%s\n%s\n", c.env, p.Module.Path, p.Module.Version, p.PkgPath)
	for _, f := range p.GoFiles {
		fmt.Fprintf(h, "%s\n", filepath.Base(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (c *depCache) get(p *packages.Package) (*cacheEntry, bool) {
	if c.dir == "" || !cacheable(p) {
		return nil, false
	}
	k := c.key(p)
	if k == "" {
		return nil, false
	}
	data, err := os.ReadFile(filepath.Join(c.dir, k[:2], k))
	if err != nil {
		return nil, false
	}
	var e cacheEntry
	if json.Unmarshal(data, &e) != nil {
		return nil, false
	}
	return &e, true
}

// put stores e, atomically, ignoring failures: the cache is an optimization.
func (c *depCache) put(p *packages.Package, e *cacheEntry) {
	if c.dir == "" || !cacheable(p) {
		return
	}
	k := c.key(p)
	if k == "" {
		return
	}
	dir := filepath.Join(c.dir, k[:2])
	if os.MkdirAll(dir, 0o777) != nil {
		return
	}
	data, err := json.Marshal(e)
	if err != nil {
		return
	}
	tmp, err := os.CreateTemp(dir, k+".tmp*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), filepath.Join(dir, k)) != nil {
		os.Remove(tmp.Name())
	}
}

var (
	selfOnce sync.Once
	selfHash string
)

// selfID identifies this build of simgen: the hash of its executable, so a
// rebuilt simgen (a new rule) never reads an older one's output.
func selfID() string {
	selfOnce.Do(func() {
		h := sha256.New()
		if bi, ok := debug.ReadBuildInfo(); ok {
			fmt.Fprintln(h, bi.Main.Path, bi.Main.Version)
		}
		if exe, err := os.Executable(); err == nil {
			if f, err := os.Open(exe); err == nil {
				io.Copy(h, f)
				f.Close()
			}
		}
		selfHash = hex.EncodeToString(h.Sum(nil))[:16]
	})
	return selfHash
}
