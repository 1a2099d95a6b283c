package simrt_test

import (
	"fmt"
	"testing"

	"simgen.dev/simgen/simrt"
)

// TestMapKeyOrder: a map whose keys hold pointers ranges in an order that
// depends on the seed and on the order the keys went in, not on where the
// allocator put them: two runs that allocate the same keys in opposite
// orders, and store them in one order, range alike.
func TestMapKeyOrder(t *testing.T) {
	type node struct{ id int }
	order := func(seed uint64, reverseAlloc bool) string {
		var out string
		simrt.RunSeed(seed, "", func() {
			nodes := make([]*node, 40)
			chans := make([]*simrt.Chan[int], 40)
			for j := 0; j < 40; j++ {
				i := j
				if reverseAlloc {
					i = 39 - j
				}
				nodes[i] = &node{i}
				chans[i] = simrt.MakeChan[int](0)
			}
			m := map[*node]int{}
			ch := map[*simrt.Chan[int]]int{}
			keys := map[any]int{}
			type pair struct {
				n *node
				k int
			}
			structs := map[pair]int{}
			for i := 0; i < 40; i++ {
				m[simrt.MapKey(nodes[i])] = i
				ch[simrt.MapKey(chans[i])] = i
				keys[simrt.MapKey[any](nodes[i])] = i
				structs[simrt.MapKey(pair{nodes[i], 1})] = i
			}
			for it := simrt.MapRange(m); it.Next(); {
				out += fmt.Sprint(it.Value(), " ")
			}
			for it := simrt.MapRange(ch); it.Next(); {
				out += fmt.Sprint(it.Value(), " ")
			}
			for it := simrt.MapRange(keys); it.Next(); {
				out += fmt.Sprint(it.Value(), " ")
			}
			for it := simrt.MapRange(structs); it.Next(); {
				out += fmt.Sprint(it.Value(), " ")
			}
		})
		return out
	}
	if a, b := order(5, false), order(5, true); a != b {
		t.Errorf("seed 5 ranged in two orders:\n%s\n%s", a, b)
	}
	if order(5, false) == order(6, false) {
		t.Errorf("seeds 5 and 6 ranged in the same order")
	}
}
