//go:build sim

package heartbeat

import (
	"testing"
	"time"
)

func run(t *testing.T, work func(*Monitor, time.Duration, int, int)) {
	const deadline = time.Millisecond
	m := NewMonitor(deadline)
	defer m.Stop()
	work(m, deadline, 3, 10000)
	if m.Dead() {
		t.Fatal("the worker was declared dead while it worked")
	}
}

// Bug: a heartbeat that misses its deadline while a long operation runs: the worker beats only between operations, from the goroutine that runs them.
// Interleaving: one operation (20000 points) costs 0.3-2.6ms of virtual time; when it passes the 1ms deadline the monitor's AfterFunc fires mid-operation and declares the worker dead.
func TestBug(t *testing.T) { run(t, Work) }

func TestFixed(t *testing.T) { run(t, WorkFixed) }
