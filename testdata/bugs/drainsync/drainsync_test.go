//go:build sim

//go:debug asynctimerchan=0

package drainsync

import (
	"testing"
	"time"
)

func run(t *testing.T, call func(*Client, time.Duration) (int, bool)) {
	reqs := make(chan chan int)
	go Serve(reqs, 100)
	defer close(reqs)
	c := NewClient(reqs)
	for i := 0; i < 5; i++ {
		call(c, 10*time.Microsecond)
	}
}

// Bug: the Go 1.22 drain idiom under Go 1.23 timer channels: after the timeout case of the select took the timer's value, "if !t.Stop() { <-t.C }" waits forever.
// Interleaving: the server's 200 points of work cost 3-26µs; when they pass the 10µs timeout the timer fires, the client's select takes it, Stop returns false and the drain blocks: deadlock.
func TestBug(t *testing.T) { run(t, (*Client).Call) }

func TestFixed(t *testing.T) { run(t, (*Client).CallFixed) }
