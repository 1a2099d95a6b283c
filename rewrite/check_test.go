package rewrite

import (
	"go/types"
	"testing"
)

// TestMappedIn: the standard library has no exported function that takes a
// sync or timer type today, so the crossing check is tested on types.
func TestMappedIn(t *testing.T) {
	syncPkg := types.NewPackage("sync", "sync")
	mutex := types.NewNamed(types.NewTypeName(0, syncPkg, "Mutex", nil), types.NewStruct(nil, nil), nil)
	locker := types.NewNamed(types.NewTypeName(0, syncPkg, "Locker", nil), types.NewInterfaceType(nil, nil), nil)
	timePkg := types.NewPackage("time", "time")
	timer := types.NewNamed(types.NewTypeName(0, timePkg, "Timer", nil), types.NewStruct(nil, nil), nil)
	dur := types.NewNamed(types.NewTypeName(0, timePkg, "Duration", nil), types.Typ[types.Int64], nil)
	for _, c := range []struct {
		t    types.Type
		want string
	}{
		{types.NewPointer(mutex), "sync.Mutex"},
		{types.NewSlice(types.NewPointer(timer)), "time.Timer"},
		{types.NewMap(types.Typ[types.String], mutex), "sync.Mutex"},
		{locker, ""},
		{dur, ""},
		{types.Typ[types.Int], ""},
	} {
		got, ok := mappedIn(c.t)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("mappedIn(%s) = %q, %v; want %q", c.t, got, ok, c.want)
		}
	}
}
