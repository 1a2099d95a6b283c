// Package atomicsplit counts hits with atomics.
package atomicsplit

import "sync/atomic"

type Counter struct{ n int64 }

// Inc loads and stores in two atomic operations: each is atomic, the
// increment is not, and a concurrent Inc between them is lost.
func (c *Counter) Inc() {
	v := atomic.LoadInt64(&c.n)
	atomic.StoreInt64(&c.n, v+1)
}

// IncFixed increments in one atomic operation.
func (c *Counter) IncFixed() { atomic.AddInt64(&c.n, 1) }

func (c *Counter) Load() int64 { return atomic.LoadInt64(&c.n) }
