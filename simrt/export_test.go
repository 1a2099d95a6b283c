package simrt

import (
	"fmt"
	"time"
)

// RunSeed runs body as the root goroutine of a fresh world seeded with seed
// under the strategy named as SIM_STRATEGY would name it, outside the test
// harness. A failure of the run (a panic in body, a deadlock) panics
// with its report, so that a test that asserts by panicking in body fails.
// It returns the world's decision hash and the number of decisions, the
// fingerprint that SIM_CHECK_DETERMINISM compares.
func RunSeed(seed uint64, strategy string, body func()) (hash uint64, steps int64) {
	st, err := parseStrategy(strategy)
	if err != nil {
		panic(err)
	}
	s := &session{c: &config{seeds: 1, strategy: st, watchdog: 5 * time.Second}, seed: seed}
	return passed(s.runOnce(seed, false, body))
}

// ParseStrategy exposes SIM_STRATEGY parsing: it returns the strategy's name.
func ParseStrategy(s string) (string, error) {
	st, err := parseStrategy(s)
	if err != nil {
		return "", err
	}
	return st().name(), nil
}

// RunSeedTime is RunSeed with a time model: exact is SIM_TIME=exact,
// livelock SIM_LIVELOCK (0: unbounded).
func RunSeedTime(seed uint64, strategy string, exact bool, livelock int64, body func()) (hash uint64, steps int64) {
	st, err := parseStrategy(strategy)
	if err != nil {
		panic(err)
	}
	c := &config{seeds: 1, strategy: st, watchdog: 5 * time.Second, time: timeConfig{exact: exact, livelock: livelock}}
	s := &session{c: c, seed: seed}
	return passed(s.runOnce(seed, false, body))
}

// passed is a run's fingerprint, or a panic with its failure's report.
func passed(res *runResult) (hash uint64, steps int64) {
	if f := res.failure; f != nil {
		panic(fmt.Sprintf("seed %d failed:\n%s", res.seed, f.report))
	}
	return res.dec.hash, res.dec.n
}

// CostFor is the virtual cost of a scheduling point under seed.
func CostFor(seed uint64) time.Duration { return time.Duration(costFor(seed)) }
