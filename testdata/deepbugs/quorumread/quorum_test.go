//go:build sim

package quorumread

import (
	"sync"
	"testing"
)

// run applies 12 entries (configuration changes at 4, 8 and 12) while
// three clients each read the configuration once. A client accepts the
// configuration if any read is consistent (Members == 3+Epoch), as a
// quorum read that tolerates stale replies does; it fails only when all
// three reads are torn, each at a different change.
func run(t *testing.T, apply func(*Replica, int)) {
	r := &Replica{cfg: Config{Epoch: 0, Members: 3}}
	var wg sync.WaitGroup
	wg.Add(4)
	go func() {
		defer wg.Done()
		for i := 1; i <= 12; i++ {
			apply(r, i)
		}
	}()
	var reads [3]Config
	for k := range 3 {
		go func() {
			defer wg.Done()
			reads[k] = r.Read()
		}()
	}
	wg.Wait()
	epochs := map[int]bool{}
	for _, c := range reads {
		if c.Members == 3+c.Epoch {
			return
		}
		epochs[c.Epoch] = true
	}
	if len(epochs) == 3 {
		t.Fatalf("no consistent configuration among three reads: %+v", reads)
	}
}

// Bug: a configuration change in two critical sections, read by a quorum that tolerates up to two torn reads.
// Interleaving: the replica is preempted inside the changes at entries 4, 8 and 12, and one client reads inside each: three preemptions at exact steps of a 12-step loop.
func TestBug(t *testing.T) { run(t, (*Replica).Apply) }

func TestFixed(t *testing.T) { run(t, (*Replica).ApplyFixed) }
