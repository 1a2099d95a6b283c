package explore

import (
	"testing"
)

func TestBlockStart(t *testing.T) {
	t.Parallel()
	var off uint64
	for k := range 100 {
		if got := blockStart(k); got != off {
			t.Fatalf("blockStart(%d) = %d, want %d", k, got, off)
		}
		off += uint64(blockLen(k))
	}
}
