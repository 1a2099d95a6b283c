package rewrite

// Rule: files and the file system, onto the simulated disk of simos.
//
//	f, err := os.Create(p)              f, err := simos.Create(p)
//	var f *os.File                      var f *simos.File
//	b, err := os.ReadFile(p)        ->  b, err := simos.ReadFile(p)
//	infos, err := ioutil.ReadDir(d)     infos, err := simos.IoutilReadDir(d)
//	err := filepath.WalkDir(d, fn)      err := simos.WalkDir(d, fn)
//
// The mapping table (mapping.go) says what moves: os.File and the calls
// that open, read, write, list, stat, rename and remove by name, their
// io/ioutil forms, and filepath's walks, which stat and list as they go.
// The errors, FileMode, FileInfo and DirEntry stay: they are plain values.
// *os.File values that cross to or from code that is not rewritten are
// converted where they cross (rule_osfile.go).

import "go/ast"

func (r *fileRewriter) ruleOS(n ast.Node) (string, bool) {
	return r.mappedRef(n, "os", "io/ioutil", "path/filepath")
}
