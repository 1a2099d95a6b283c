package simrt

// This file holds os/signal's functions that take a channel.
//
// Invariants: a simulation delivers no operating-system signal to a
// simulated channel. The signals a program registers for are caught for
// real (on a real channel of the runtime's, keyed by the simulated one in
// signals, and dropped), so that they do not end the process, as they
// would not natively.

import (
	"os"
	"os/signal"
	"sync"
)

var (
	signalsMu sync.Mutex
	signals   = map[*Chan[os.Signal]]chan os.Signal{}
)

// SignalNotify is signal.Notify for a simulated channel: the signals are
// caught, and never sent on c.
//
//go:norace
func SignalNotify(c *Chan[os.Signal], sig ...os.Signal) {
	if c == nil {
		panic("os/signal: Notify using nil channel")
	}
	signalsMu.Lock()
	defer signalsMu.Unlock()
	real, ok := signals[c]
	if !ok {
		real = make(chan os.Signal, 1)
		signals[c] = real
	}
	signal.Notify(real, sig...)
}

// SignalStop is signal.Stop for a simulated channel.
//
//go:norace
func SignalStop(c *Chan[os.Signal]) {
	signalsMu.Lock()
	defer signalsMu.Unlock()
	if real, ok := signals[c]; ok {
		signal.Stop(real)
		delete(signals, c)
	}
}
