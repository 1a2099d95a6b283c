package simrt

// This file serves defined channel types that have methods
// (type sem chan struct{}; func (s sem) acquire() { s <- struct{}{} }).
// A pointer type cannot have methods, so such a type becomes
// `type sem simrt.ChanVal[struct{}]`: a struct holding the channel. Its
// zero value is a nil channel, == compares channels, and the generated code
// reaches the channel with P and makes values with MakeChanVal and V.
//
// Invariant: ChanVal[T] has exactly one field, c; the constraint of P names
// that layout, so every type defined on ChanVal[T] satisfies it.

// ChanVal is the underlying type of a simulated channel type that has
// methods.
type ChanVal[T any] struct{ c *Chan[T] }

// MakeChanVal is make(T, size) for such a type T.
//
//go:norace
func MakeChanVal[T any](size int) ChanVal[T] { return ChanVal[T]{MakeChan[T](size)} }

// V wraps a channel as a ChanVal, to convert or assign it to such a type.
//
//go:norace
func V[T any](c *Chan[T]) ChanVal[T] { return ChanVal[T]{c} }

// P returns the channel a value of such a type holds.
//
//go:norace
func P[C ~struct{ c *Chan[T] }, T any](c C) *Chan[T] { return ChanVal[T](c).c }
