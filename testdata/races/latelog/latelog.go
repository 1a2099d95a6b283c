// Package latelog: a pool that runs jobs on goroutines of their own and
// reports failed jobs through the logger it was given; tests give it
// t.Logf.
package latelog

import (
	"errors"
	"sync"
)

// Pool runs jobs and logs the ones that fail.
type Pool struct {
	logf func(format string, args ...any)
	wg   sync.WaitGroup
}

// New returns a pool that logs through logf.
func New(logf func(format string, args ...any)) *Pool { return &Pool{logf: logf} }

// Submit runs job on a goroutine of its own.
func (p *Pool) Submit(name string, job func() error) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		if err := job(); err != nil {
			p.logf("job %s failed: %v", name, err)
		}
	}()
}

// Close waits for the jobs submitted.
func (p *Pool) Close() { p.wg.Wait() }

var errFlaky = errors.New("flaky backend")

func flaky() error { return errFlaky }
