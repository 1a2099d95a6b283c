// Package sleepwait: a test that "waits" for a goroutine by sleeping.
package sleepwait

import (
	"sync"
	"time"
)

// Bug sleeps and hopes.
func Bug() int {
	n := 0
	go func() { n = 1 }()
	time.Sleep(10 * time.Millisecond)
	return n
}

// Fixed waits.
func Fixed() int {
	n := 0
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); n = 1 }()
	wg.Wait()
	return n
}
