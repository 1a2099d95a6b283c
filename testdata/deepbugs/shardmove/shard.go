// Package shardmove rebalances keys between two shards under one ledger
// lock, checked by an auditor.
package shardmove

import "sync"

// Ledger counts the keys of two shards.
type Ledger struct {
	mu   sync.Mutex
	keys [2]int
}

// Work applies ops operations to shard s; operation 15 moves one key to the
// other shard. The move debits and credits in two critical sections: in
// between, the key is on neither shard.
func (l *Ledger) Work(s, ops int) {
	for i := 1; i <= ops; i++ {
		l.mu.Lock()
		l.keys[s]++
		l.keys[s]--
		if i == 15 {
			l.keys[s]--
			l.mu.Unlock()
			l.mu.Lock()
			l.keys[1-s]++
		}
		l.mu.Unlock()
	}
}

// WorkFixed moves the key in one critical section.
func (l *Ledger) WorkFixed(s, ops int) {
	for i := 1; i <= ops; i++ {
		l.mu.Lock()
		l.keys[s]++
		l.keys[s]--
		if i == 15 {
			l.keys[s]--
			l.keys[1-s]++
		}
		l.mu.Unlock()
	}
}

// Total is the audit: the keys on both shards.
func (l *Ledger) Total() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.keys[0] + l.keys[1]
}
