// Package quorumread applies a replicated log to a configuration that
// clients read.
package quorumread

import "sync"

// Config is a cluster configuration: an epoch and its member count.
type Config struct {
	Epoch, Members int
}

// Replica applies log entries; every 4th entry changes the configuration.
type Replica struct {
	mu  sync.Mutex
	cfg Config
	log int
}

// Apply applies entry i. A configuration change bumps the epoch and sets
// the members in two critical sections: in between, a reader sees the new
// epoch with the old members.
func (r *Replica) Apply(i int) {
	r.mu.Lock()
	r.log = i
	if i%4 == 0 {
		r.cfg.Epoch++
		r.mu.Unlock()
		r.mu.Lock()
		r.cfg.Members = 3 + r.cfg.Epoch
	}
	r.mu.Unlock()
}

// ApplyFixed changes the configuration in one critical section.
func (r *Replica) ApplyFixed(i int) {
	r.mu.Lock()
	r.log = i
	if i%4 == 0 {
		r.cfg.Epoch++
		r.cfg.Members = 3 + r.cfg.Epoch
	}
	r.mu.Unlock()
}

// Read returns the configuration.
func (r *Replica) Read() Config {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cfg
}
