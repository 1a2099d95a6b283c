// Package signalearly: a worker signals, then stores its result.
package signalearly

// Bug sends on done before writing result.
func Bug() int {
	var result int
	done := make(chan bool, 1)
	go func() {
		done <- true
		result = 42
	}()
	<-done
	return result
}

// Fixed writes, then signals.
func Fixed() int {
	var result int
	done := make(chan bool, 1)
	go func() {
		result = 42
		done <- true
	}()
	<-done
	return result
}
