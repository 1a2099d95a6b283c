// Package heartbeat is a worker that reports liveness to a monitor that
// declares it dead after a missed deadline.
package heartbeat

import (
	"sync"
	"time"
)

// Monitor declares the worker dead when no beat arrives within deadline.
type Monitor struct {
	mu   sync.Mutex
	t    *time.Timer
	dead bool
}

func NewMonitor(deadline time.Duration) *Monitor {
	m := &Monitor{}
	m.t = time.AfterFunc(deadline, func() {
		m.mu.Lock()
		m.dead = true
		m.mu.Unlock()
	})
	return m
}

// Beat pushes the deadline back, unless the worker was declared dead.
func (m *Monitor) Beat(deadline time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.dead {
		m.t.Reset(deadline)
	}
}

func (m *Monitor) Dead() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.dead
}

func (m *Monitor) Stop() { m.t.Stop() }

// Work runs a long operation between two beats in the same goroutine:
// while it runs, no beat is sent, and a long enough operation misses the
// deadline.
func Work(m *Monitor, deadline time.Duration, ops, steps int) {
	for i := 0; i < ops; i++ {
		m.Beat(deadline)
		longOp(steps)
	}
}

// WorkFixed beats from its own goroutine every deadline/4 while the
// operations run.
func WorkFixed(m *Monitor, deadline time.Duration, ops, steps int) {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tk := time.NewTicker(deadline / 4)
		defer tk.Stop()
		for {
			m.Beat(deadline)
			select {
			case <-tk.C:
			case <-stop:
				return
			}
		}
	}()
	for i := 0; i < ops; i++ {
		longOp(steps)
	}
	close(stop)
	<-done
}

func longOp(steps int) {
	var mu sync.Mutex
	for i := 0; i < steps; i++ {
		mu.Lock()
		mu.Unlock()
	}
}
