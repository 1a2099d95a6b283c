// Package ctxresult: a lookup abandoned at cancellation.
package ctxresult

import "context"

// Bug: after cancel, the caller reads what the goroutine still writes.
func Bug() string {
	ctx, cancel := context.WithCancel(context.Background())
	var result string
	go func() {
		result = "late"
		cancel()
		result = "later"
	}()
	<-ctx.Done()
	return result
}

// Fixed: the goroutine's last write happens before a send the caller waits for.
func Fixed() string {
	ctx, cancel := context.WithCancel(context.Background())
	var result string
	done := make(chan struct{})
	go func() {
		result = "late"
		cancel()
		result = "later"
		close(done)
	}()
	<-ctx.Done()
	<-done
	return result
}
