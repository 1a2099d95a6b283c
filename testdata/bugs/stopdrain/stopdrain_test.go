//go:build sim

package stopdrain

import (
	"testing"
	"time"
)

func run(t *testing.T, runJob func(*Runner, time.Duration, time.Duration, func() int) (int, error)) {
	r := New()
	// The first Reset of a fresh timer is legal; stop it first to start
	// clean, as a program reusing one timer does.
	if !r.t.Stop() {
		<-r.t.C
	}
	v, err := runJob(r, 5*time.Microsecond, time.Second, func() int { return 42 })
	if err != nil || v != 42 {
		t.Fatalf("a job that answers at once: %v, %v (a stale timer value taken for its timeout)", v, err)
	}
}

// Bug: Stop/Reset without a drain under Go 1.22 timer channels: Run stops and resets its reused timer ignoring Stop's result, so a value that fired during the setup stays buffered.
// Interleaving: the setup's 200 points cost 3-26µs of virtual time; when they pass the 5µs budget the timer fires into its buffer, Stop returns false and leaves it, and the job's select receives the stale value as a timeout.
func TestBug(t *testing.T) { run(t, (*Runner).Run) }

func TestFixed(t *testing.T) { run(t, (*Runner).RunFixed) }
