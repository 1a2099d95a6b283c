//go:build sim

package pingpong

import "testing"

// Bug: ping-pong with a missed close: the pinger closes its channel only after the last round, not when it stops early.
// Interleaving: at +2ms the stop timer fires before the pinger's third select (same instant as its 1ms sleep) and the select picks stop; the pinger returns without closing pings and the ponger ranges forever: deadlock.
func TestBug(t *testing.T) { Play(false) }

func TestFixed(t *testing.T) { Play(true) }
