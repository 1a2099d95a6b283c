// Package doubleunlock flushes a buffer, releasing the lock early on one
// path.
package doubleunlock

import "sync"

type Buffer struct {
	mu      sync.Mutex
	data    []int
	flushed int
}

func (b *Buffer) Add(v int) {
	b.mu.Lock()
	b.data = append(b.data, v)
	b.mu.Unlock()
}

func (b *Buffer) write(data []int) {
	b.mu.Lock()
	b.flushed += len(data)
	b.mu.Unlock()
}

// Flush defers Unlock, and also unlocks early to write outside the lock when
// there is data: the deferred Unlock then unlocks an unlocked mutex.
func (b *Buffer) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.data) > 0 {
		data := b.data
		b.data = nil
		b.mu.Unlock()
		b.write(data)
		// missing: b.mu.Lock() before the deferred Unlock
	}
}

// FlushFixed unlocks exactly once on each path.
func (b *Buffer) FlushFixed() {
	b.mu.Lock()
	data := b.data
	b.data = nil
	b.mu.Unlock()
	if len(data) > 0 {
		b.write(data)
	}
}
