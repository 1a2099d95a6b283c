package rewrite

// The dependency cache. A module version in the module cache never changes,
// so the rewrite of one of its packages depends only on simgen itself, the
// toolchain, the target platform and the build tags. Rewritten packages are
// kept in the user's cache directory under a key of exactly those, so a
// second run (of this module, or of another that shares the dependency)
// neither loads nor rewrites them again.
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
	Files  map[string][]byte // path relative to the module dir -> rewritten file
	Counts map[string]int
}

type depCache struct {
	dir string // "" when off
	env string // toolchain, platform and tags, part of every key
}

// openCache sets up the cache for a run, or an inactive one.
func openCache(cfg Config, tags []string) *depCache {
	c := &depCache{}
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
	cmd := exec.Command("go", "env", "GOVERSION", "GOOS", "GOARCH")
	cmd.Dir = cfg.Dir
	if cfg.Env != nil {
		cmd.Env = cfg.Env
	}
	out, err := cmd.Output()
	if err != nil {
		return c
	}
	c.dir = dir
	c.env = strings.Join(strings.Fields(string(out)), " ") + " tags=" + strings.Join(tags, ",") + " simgen=" + selfID()
	return c
}

// cacheable reports whether p's rewrite can be cached: a package of a
// module version from the module cache.
func cacheable(p *packages.Package) bool {
	m := p.Module
	return m != nil && !m.Main && m.Version != "" && m.Replace == nil
}

func (c *depCache) key(p *packages.Package) string {
	h := sha256.New()
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
	data, err := os.ReadFile(filepath.Join(c.dir, c.key(p)[:2], c.key(p)))
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
