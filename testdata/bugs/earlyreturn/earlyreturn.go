// Package earlyreturn validates records in parallel and reports the first
// error.
package earlyreturn

import (
	"errors"
	"sync/atomic"
)

// Finished counts validators that returned.
var Finished atomic.Int32

func validate(r int) error {
	if r < 0 {
		return errors.New("negative record")
	}
	return nil
}

// ValidateAll returns at the first error, leaving the validators that have
// not sent yet blocked forever on the unbuffered channel.
func ValidateAll(records []int) error {
	errc := make(chan error)
	for _, r := range records {
		go func() {
			defer Finished.Add(1)
			errc <- validate(r)
		}()
	}
	for range records {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// ValidateAllFixed buffers one slot per validator, so none blocks.
func ValidateAllFixed(records []int) error {
	errc := make(chan error, len(records))
	for _, r := range records {
		go func() {
			defer Finished.Add(1)
			errc <- validate(r)
		}()
	}
	for range records {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}
