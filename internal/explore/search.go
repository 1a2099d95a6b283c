package explore

// This file is the seed search of one package, without processes: the
// block layout, which block runs next, which running blocks a failure
// makes useless, and when the smallest failing seed is known.
//
// Invariants:
//   - The blocks are a function of the first seed alone (blockLen), never of
//     -parallel or of timing, so every process runs the same seeds in the
//     same order whatever the parallelism: a test that leaks state from one
//     seed into the next in its process still gets the same answer.
//   - A process stops a test at its first failing seed, so a failure at seed
//     s in a block proves that the seeds of that block below s passed for
//     that test. The smallest failing seed is known once every block that
//     starts at or below it has ended; blocks that start above it can no
//     longer matter and are killed.

import (
	"slices"
)

// Block layout: blocks start small, so that a bug that shows at a small
// seed is reported at once, and double every two blocks up to maxBlock, so
// that a long exploration does not pay a process start per few seeds.
const (
	minBlock = 16
	maxBlock = 8192
)

// blockLen is the length of the k-th block of seeds (from 0).
func blockLen(k int) int {
	if k/2 >= 10 {
		return maxBlock
	}
	return min(minBlock<<(k/2), maxBlock)
}

// blockState is where a block of seeds is in its life.
type blockState int

const (
	blockRunning   blockState = iota
	blockDone                 // its process ended by itself: every result in it is known
	blockCancelled            // killed: it started above a known failure, or the budget ran out
)

// block is a contiguous range of seeds run by one process.
type block struct {
	index int
	start uint64
	n     int
	state blockState
	seeds int    // seeds finished, as far as known
	run   string // its -run pattern, if not the user's (a campaign's continuation)
}

// finding is one failing seed of one test.
type finding struct {
	seed  uint64
	test  string // top-level test name; "" if the process failed outside any seed
	order int    // the test's place in the package's test list, for ties
	block *block
	crash bool // the process failed without reporting a failing seed; seed is a guess
}

// less orders findings by seed, then by the tests' order.
func (f finding) less(g finding) bool {
	if f.seed != g.seed {
		return f.seed < g.seed
	}
	if f.order != g.order {
		return f.order < g.order
	}
	return f.test < g.test
}

// search is the exploration of one package's seeds, without processes:
// which block runs next, which blocks can no longer matter, and when the
// smallest failing seed is known. It is not safe for concurrent use.
type search struct {
	base    uint64
	n       int // seeds to explore; 0: unbounded
	next    uint64
	blocks  []*block
	best    *finding // smallest failure known so far
	fails   int      // failures seen, in any block
	stopped bool     // no more blocks: the budget is spent
}

func newSearch(base uint64, n int) *search {
	return &search{base: base, n: n, next: base}
}

// peek returns the start of the block that would run next, if any.
func (s *search) peek() (uint64, bool) {
	switch {
	case s.stopped, s.best != nil:
		// Every block not started yet starts above the failure.
		return 0, false
	case s.n > 0 && s.next-s.base >= uint64(s.n):
		return 0, false
	}
	return s.next, true
}

// take starts the next block; peek must have said there is one.
func (s *search) take() *block {
	n := blockLen(len(s.blocks))
	if s.n > 0 {
		n = min(n, int(uint64(s.n)-(s.next-s.base)))
	}
	b := &block{index: len(s.blocks), start: s.next, n: n}
	s.blocks = append(s.blocks, b)
	s.next += uint64(n)
	return b
}

// fail records a failure seen in a block, running or ended, and returns the
// running blocks that it makes useless, now marked cancelled: those that
// start above the smallest failure known.
func (s *search) fail(f finding) []*block {
	s.fails++
	if s.best != nil && !f.less(*s.best) {
		return nil
	}
	s.best = &f
	var cancel []*block
	for _, b := range s.blocks {
		if b.state == blockRunning && b.start > f.seed {
			b.state = blockCancelled
			cancel = append(cancel, b)
		}
	}
	return cancel
}

// finish records that a block's process ended by itself; passed says that
// it passed, so every seed of it ran.
func (s *search) finish(b *block, passed bool) {
	if b.state == blockRunning {
		b.state = blockDone
		if passed {
			b.seeds = b.n
		}
	}
}

// stop ends the search (the budget is spent) and returns the running
// blocks, now marked cancelled.
func (s *search) stop() []*block {
	s.stopped = true
	var cancel []*block
	for _, b := range s.blocks {
		if b.state == blockRunning {
			b.state = blockCancelled
			cancel = append(cancel, b)
		}
	}
	return cancel
}

// running reports whether a block is still running.
func (s *search) running() bool {
	return slices.ContainsFunc(s.blocks, func(b *block) bool { return b.state == blockRunning })
}

// concluded reports whether the search has its answer: the smallest
// failing seed, or that no seed fails (or, once stopped, that nothing runs
// any more).
func (s *search) concluded() bool {
	if s.best != nil {
		return s.proven() || (s.stopped && !s.running())
	}
	_, more := s.peek()
	return !more && !s.running()
}

// proven reports whether the best failure is known to be the smallest:
// every block that starts at or below it has ended by itself.
func (s *search) proven() bool {
	if s.best == nil {
		return false
	}
	for _, b := range s.blocks {
		if b.start <= s.best.seed && b.state != blockDone {
			return false
		}
	}
	return true
}

// explored is how many seeds have been run to their end.
func (s *search) explored() int {
	n := 0
	for _, b := range s.blocks {
		n += b.seeds
	}
	return n
}
