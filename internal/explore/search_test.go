package explore

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// TestBlocks checks the block layout: contiguous from the first seed,
// growing, truncated at the last seed, and the same whatever runs them.
func TestBlocks(t *testing.T) {
	t.Parallel()
	s := newSearch(5, 2000)
	var lens []int
	next := uint64(5)
	for {
		start, ok := s.peek()
		if !ok {
			break
		}
		if start != next {
			t.Fatalf("block %d starts at %d, want %d", len(lens), start, next)
		}
		b := s.take()
		if b.start != start {
			t.Fatalf("take started at %d, peek said %d", b.start, start)
		}
		lens = append(lens, b.n)
		next += uint64(b.n)
	}
	want := []int{16, 16, 32, 32, 64, 64, 128, 128, 256, 256, 512, 496}
	if !reflect.DeepEqual(lens, want) {
		t.Errorf("block lengths %v, want %v", lens, want)
	}
	if next != 2005 {
		t.Errorf("blocks end at %d, want 2005", next)
	}
	for k := range 100 {
		if n := blockLen(k); n < minBlock || n > maxBlock || (k > 0 && n < blockLen(k-1)) {
			t.Fatalf("blockLen(%d) = %d", k, n)
		}
	}
	if blockLen(99) != maxBlock {
		t.Errorf("blockLen(99) = %d, want %d", blockLen(99), maxBlock)
	}
	// Unbounded (-budget alone): blocks go on.
	u := newSearch(1, 0)
	for range 50 {
		if _, ok := u.peek(); !ok {
			t.Fatal("an unbounded search ran out of blocks")
		}
		u.take()
	}
	if got := u.stop(); len(got) != 50 || !u.concluded() || u.best != nil {
		t.Errorf("stop cancelled %d blocks, concluded %v", len(got), u.concluded())
	}
}

// TestLaterBlockFailsFirst: a failure in a later block is not the answer
// until every block below it has ended, and a smaller one found meanwhile
// wins; blocks above a known failure are cancelled.
func TestLaterBlockFailsFirst(t *testing.T) {
	t.Parallel()
	s := newSearch(1, 1000)
	b := []*block{s.take(), s.take(), s.take(), s.take()} // [1,16] [17,32] [33,64] [65,96]
	cancel := s.fail(finding{seed: 70, test: "TestX", block: b[3]})
	if len(cancel) != 0 {
		t.Fatalf("cancelled %v", cancel)
	}
	if _, ok := s.peek(); ok {
		t.Error("a block above a known failure would still start")
	}
	s.finish(b[3], false)
	if s.concluded() {
		t.Fatal("concluded while blocks below the failure run")
	}
	s.finish(b[0], true)
	cancel = s.fail(finding{seed: 40, test: "TestX", block: b[2]})
	if len(cancel) != 0 {
		t.Fatalf("cancelled %v", cancel)
	}
	// A later failure of a higher seed changes nothing.
	if cancel := s.fail(finding{seed: 50, test: "TestY", order: 1, block: b[2]}); len(cancel) != 0 || s.best.seed != 40 {
		t.Fatalf("best %d, cancelled %v", s.best.seed, cancel)
	}
	s.finish(b[2], false)
	if s.concluded() {
		t.Fatal("concluded while block 1 runs")
	}
	cancel = s.fail(finding{seed: 20, test: "TestY", order: 1, block: b[1]})
	if len(cancel) != 0 {
		t.Fatalf("cancelled %v", cancel)
	}
	s.finish(b[1], false)
	if !s.concluded() || !s.proven() || s.best.seed != 20 || s.best.test != "TestY" {
		t.Fatalf("concluded %v, proven %v, best %+v", s.concluded(), s.proven(), s.best)
	}
	if s.fails != 4 {
		t.Errorf("fails = %d, want 4", s.fails)
	}

	// A failure in a low block cancels the running blocks above it.
	s = newSearch(1, 1000)
	b = []*block{s.take(), s.take(), s.take(), s.take()}
	cancel = s.fail(finding{seed: 20, test: "TestX", block: b[1]})
	if len(cancel) != 2 || cancel[0] != b[2] || cancel[1] != b[3] || b[3].state != blockCancelled {
		t.Fatalf("cancelled %v", cancel)
	}
	s.finish(b[1], false)
	s.finish(b[2], true) // the kill lost the race: it stays cancelled
	if s.concluded() || b[2].state != blockCancelled {
		t.Fatalf("concluded %v with block 0 running", s.concluded())
	}
	s.finish(b[0], true)
	if !s.concluded() || s.best.seed != 20 {
		t.Fatalf("concluded %v, best %+v", s.concluded(), s.best)
	}
}

// TestSameSeedTies: two tests failing at the same seed are ordered by the
// order the tests run in, not by when their failures were seen.
func TestSameSeedTies(t *testing.T) {
	t.Parallel()
	s := newSearch(1, 10)
	b := s.take()
	s.fail(finding{seed: 7, test: "TestB", order: 1, block: b})
	s.fail(finding{seed: 7, test: "TestA", order: 0, block: b})
	s.fail(finding{seed: 7, test: "TestC", order: 2, block: b})
	s.finish(b, false)
	if s.best.test != "TestA" {
		t.Errorf("best is %s, want TestA", s.best.test)
	}
}

// TestBudgetStop: a stop cancels what runs; a failure above a cut block
// is reported, but not as proven smallest.
func TestBudgetStop(t *testing.T) {
	t.Parallel()
	s := newSearch(1, 0)
	b := []*block{s.take(), s.take(), s.take()}
	s.finish(b[0], true)
	s.fail(finding{seed: 40, test: "TestX", block: b[2]})
	s.finish(b[2], false)
	if cancel := s.stop(); len(cancel) != 1 || cancel[0] != b[1] {
		t.Fatalf("stop cancelled %v", cancel)
	}
	if !s.concluded() || s.proven() || s.best.seed != 40 {
		t.Errorf("concluded %v, proven %v, best %+v", s.concluded(), s.proven(), s.best)
	}
}

// TestSmallestSeedWhateverTheParallelism drives searches with random
// interleavings of P processes, each running its block's seeds in order
// and stopping at the first failure, and requires the smallest failing
// seed every time, with only blocks above it cancelled.
func TestSmallestSeedWhateverTheParallelism(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		n := 1 + r.IntN(3000)
		fails := make(map[uint64]bool)
		for range r.IntN(6) {
			fails[1+uint64(r.IntN(n))] = true
		}
		want := uint64(0)
		for s := range fails {
			if want == 0 || s < want {
				want = s
			}
		}
		for _, p := range []int{1, 2, 3, 4, 8} {
			got, ok := simulate(r, n, p, fails)
			if !ok || got != want {
				t.Fatalf("trial %d: %d seeds, failing %v, parallel %d: got %d (concluded %v), want %d", trial, n, fails, p, got, ok, want)
			}
		}
	}
}

// simulate runs a search with p simulated processes that advance one seed
// at a time in random order, and returns the smallest failing seed found
// (0: none).
func simulate(r *rand.Rand, n, p int, fails map[uint64]bool) (uint64, bool) {
	s := newSearch(1, n)
	pos := make(map[*block]uint64) // next seed each running block runs
	for steps := 0; ; steps++ {
		for len(pos) < p {
			if _, ok := s.peek(); !ok {
				break
			}
			b := s.take()
			pos[b] = b.start
		}
		if len(pos) == 0 {
			break
		}
		running := make([]*block, 0, len(pos))
		for b := range pos {
			running = append(running, b)
		}
		slices.SortFunc(running, func(a, b *block) int { return a.index - b.index })
		b := running[r.IntN(len(running))]
		if b.state == blockCancelled {
			delete(pos, b) // the kill took effect
			continue
		}
		seed := pos[b]
		switch {
		case fails[seed]:
			for _, c := range s.fail(finding{seed: seed, test: "TestX", block: b}) {
				if c.start <= seed {
					panic("cancelled a block at or below the failure")
				}
			}
			s.finish(b, false)
			delete(pos, b)
		case seed+1 == b.start+uint64(b.n):
			s.finish(b, true)
			delete(pos, b)
		default:
			pos[b] = seed + 1
		}
	}
	if !s.concluded() {
		return 0, false
	}
	if s.best == nil {
		return 0, s.explored() == n
	}
	return s.best.seed, s.proven()
}
