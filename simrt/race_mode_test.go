//go:build race

package simrt

// simrt's own tests share state between simulated goroutines on the
// strength of the scheduler alone (one runs at a time), which Go's memory
// model does not order: under -race they run with the detector seeing
// every handoff (SIM_RACE=off), as before -race saw program edges only.
// race_test.go's programs run in child processes with SIM_RACE unset.

import "os"

func init() {
	if os.Getenv("SIM_RACE") == "" && os.Getenv("SIMRT_RACE_PROGRAM") == "" {
		raceOn = false
		maxIdle = 1024
	}
}
