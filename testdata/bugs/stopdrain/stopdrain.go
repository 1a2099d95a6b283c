// Package stopdrain runs jobs with a reusable timeout timer (Go 1.22 timer
// channels: this module's go line is 1.22).
package stopdrain

import (
	"errors"
	"sync"
	"time"
)

var ErrTimeout = errors.New("timeout")

// Runner runs jobs one at a time, each with a timeout, reusing one timer.
type Runner struct {
	t *time.Timer
}

func New() *Runner {
	r := &Runner{t: time.NewTimer(time.Hour)}
	return r
}

// prepare does the setup work before a job is started, while the timer of
// the previous phase (the setup budget) is still running.
func (r *Runner) prepare(steps int) {
	var mu sync.Mutex
	for i := 0; i < steps; i++ {
		mu.Lock()
		mu.Unlock()
	}
}

// Run arms the timer as a setup budget, prepares, then re-arms it for the
// job with Stop and Reset, ignoring Stop's result: under Go 1.22 timers a
// value that fired during the setup stays in the channel, and the select
// below receives it at once, a timeout the job never had.
func (r *Runner) Run(setupBudget, timeout time.Duration, job func() int) (int, error) {
	r.t.Reset(setupBudget)
	r.prepare(100)
	r.t.Stop()
	r.t.Reset(timeout)
	return r.wait(job)
}

// RunFixed drains a fired value when Stop reports that the timer had
// already fired (the Go 1.22 idiom; harmless under Go 1.23, where Stop
// returns true and drains itself).
func (r *Runner) RunFixed(setupBudget, timeout time.Duration, job func() int) (int, error) {
	r.t.Reset(setupBudget)
	r.prepare(100)
	if !r.t.Stop() {
		<-r.t.C
	}
	r.t.Reset(timeout)
	return r.wait(job)
}

func (r *Runner) wait(job func() int) (int, error) {
	res := make(chan int, 1)
	go func() { res <- job() }()
	select {
	case v := <-res:
		if !r.t.Stop() {
			<-r.t.C
		}
		return v, nil
	case <-r.t.C:
		return 0, ErrTimeout
	}
}
