// Package pingpong bounces numbers between a pinger and a ponger; the pinger
// stops after some rounds, or earlier when told to stop.
package pingpong

import (
	"sync"
	"time"
)

// ping sends rounds pings, one a millisecond, until stop fires. It closes
// the ping channel only when it played every round: on the stop path it
// returns without closing, and the ponger's range never ends.
func ping(rounds int, stop <-chan time.Time, pings chan<- int, pongs <-chan int, fixed bool) {
	if fixed {
		defer close(pings)
	}
	for i := 0; i < rounds; i++ {
		select {
		case <-stop:
			return
		case pings <- i:
		}
		<-pongs
		time.Sleep(time.Millisecond)
	}
	if !fixed {
		close(pings)
	}
}

func pong(pings <-chan int, pongs chan<- int) {
	for v := range pings {
		pongs <- v
	}
}

// Play runs one game of 3 rounds with a stop signal at +2ms.
func Play(fixed bool) {
	pings, pongs := make(chan int), make(chan int)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); ping(3, time.After(2*time.Millisecond), pings, pongs, fixed) }()
	go func() { defer wg.Done(); pong(pings, pongs) }()
	wg.Wait()
}
