package rewrite

import (
	"reflect"
	"testing"

	"golang.org/x/tools/go/packages"
)

func TestDepCacheRoundTrip(t *testing.T) {
	dir := t.TempDir()
	c := &depCache{dir: dir, env: "go1.26 linux amd64 tags=sim simgen=x"}
	p := &packages.Package{
		PkgPath: "example.com/dep/pool",
		GoFiles: []string{"/mod/example.com/dep@v1.2.0/pool/pool.go"},
		Module:  &packages.Module{Path: "example.com/dep", Version: "v1.2.0"},
	}
	if _, ok := c.get(p); ok {
		t.Fatal("hit in an empty cache")
	}
	e := &cacheEntry{Files: map[string][]byte{"pool/pool.go": []byte("package pool\n")}, Counts: map[string]int{"go": 2}}
	c.put(p, e)
	got, ok := c.get(p)
	if !ok || !reflect.DeepEqual(got, e) {
		t.Fatalf("get after put = %+v, %v", got, ok)
	}

	// Another version, other tags, or a directory replacement miss.
	other := *p
	other.Module = &packages.Module{Path: "example.com/dep", Version: "v1.3.0"}
	if _, ok := c.get(&other); ok {
		t.Error("hit for another version")
	}
	tagged := &depCache{dir: dir, env: "go1.26 linux amd64 tags=sim,integration simgen=x"}
	if _, ok := tagged.get(p); ok {
		t.Error("hit under other tags")
	}
	replaced := *p
	replaced.Module = &packages.Module{Path: "example.com/dep", Version: "v1.2.0", Replace: &packages.Module{Path: "../dep"}}
	c.put(&replaced, e)
	if _, ok := c.get(&replaced); ok {
		t.Error("a replaced module was cached")
	}
	off := &depCache{}
	off.put(p, e)
	if _, ok := off.get(p); ok {
		t.Error("hit with the cache off")
	}
}
