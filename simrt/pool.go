package simrt

// This file holds sync.Pool on the simulated scheduler.
//
// sync.Pool may drop any value at any time (on a garbage collection, or at
// random under the race detector), and which value Get returns depends on
// the P the goroutine runs on. None of that can be reproduced from a seed,
// so this Pool is a plain stack.
//
// Invariants:
//   - A Pool never drops a value: Get returns the value Put last (LIFO),
//     and New is called only when the pool is empty.
//   - Put and Get are scheduling points; New runs after the point, as the
//     caller's own code.
//
// Independence (dpor.go): Put and Get touch their Pool and nothing else.

// Pool is sync.Pool on the simulated scheduler. Unlike sync.Pool it never
// drops values (no garbage collection or random discards), so a run depends
// on the seed alone: Get returns the value Put last, else the result of New.
type Pool struct {
	noCopy noCopy

	items []any

	// New optionally specifies a function to generate a value when Get
	// would otherwise return nil.
	New func() any
}

// Put adds x to the pool.
//
//go:norace
func (p *Pool) Put(x any) {
	if x == nil {
		return
	}
	if p == nil {
		panic("nil Pool")
	}
	syncPoint(p)
	racePoolPut(x)
	p.items = append(p.items, x)
}

// Get removes the value Put last from the pool and returns it. When the pool
// is empty it returns the result of p.New, or nil when New is nil.
//
//go:norace
func (p *Pool) Get() any {
	if p == nil {
		panic("nil Pool")
	}
	syncPoint(p)
	if n := len(p.items); n > 0 {
		x := p.items[n-1]
		p.items[n-1] = nil
		p.items = p.items[:n-1]
		racePoolGot(x)
		return x
	}
	if p.New != nil {
		return p.New()
	}
	return nil
}
