// Package errcapture: a background flush shares the caller's err.
package errcapture

import "errors"

func step(i int) error {
	if i == 2 {
		return errors.New("step failed")
	}
	return nil
}

// Bug: the goroutine assigns the err the caller goes on using.
func Bug() error {
	err := step(0)
	done := make(chan struct{})
	go func() {
		err = step(2)
		close(done)
	}()
	err = step(1)
	<-done
	return err
}

// Fixed: the goroutine has its own error, sent back.
func Fixed() error {
	err := step(0)
	errc := make(chan error, 1)
	go func() { errc <- step(2) }()
	err = step(1)
	if e := <-errc; e != nil {
		return e
	}
	return err
}
