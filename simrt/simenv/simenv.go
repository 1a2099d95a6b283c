// Package simenv is the one table of the SIM_* environment variables that
// steer a simulated run: their names, the form of their values, their
// defaults, what they mean, and whether a replay line must carry them.
// simgen -h prints it; package replay derives its Settings from it; tests
// check that simrt's and sim's sources read exactly these variables and
// that docs/usage.md and simrt's harness doc name each of them. The
// parsers stay beside the state they fill (simrt/harness.go's
// parseConfig, sim's Buggify), where a bad value is reported with the
// variable's own message.
//
// Invariants:
//   - Every SIM_* variable read by simrt, its subpackages, sim, cmd/simgen
//     or internal/ (simgen test's exploration) is in Vars, and every entry
//     is read somewhere.
//   - This package imports nothing: it is embedded in the simgen binary and
//     copied into every shadow tree with simrt.
package simenv

// Var is one variable of the contract.
type Var struct {
	Name    string // SIM_SEED
	Value   string // the form of its value, as help shows it: N, on|off
	Default string // what applies when it is unset
	Meaning string // one line for simgen -h
	// Replay says the variable changes what a run does, so a replay line
	// carries it when it was set (package replay). SIM_SEED and SIM_SEEDS
	// are the line's own fields and say false here.
	Replay bool
	// Internal marks a variable simgen sets for its child processes; users
	// do not set it.
	Internal bool
}

// Vars are the variables, in the order help lists them and replay lines
// print them.
var Vars = []Var{
	{Name: "SIM_SEED", Value: "N", Default: "a fresh seed per test", Meaning: "run seed N; printed on failure"},
	{Name: "SIM_SEEDS", Value: "K", Default: "1", Meaning: "run each test under K seeds, N, N+1, ..., stopping at the first failure"},
	{Name: "SIM_STRATEGY", Value: "S", Default: "portfolio", Meaning: "the scheduling strategy: portfolio, random, pct, pct:D or pct:D:K, or exhaustive (enumerate every schedule within a preemption bound)", Replay: true},
	{Name: "SIM_SCHEDULE", Value: "S", Default: "none", Meaning: "replay the one schedule S that exhaustive exploration printed", Replay: true},
	{Name: "SIM_PREEMPTIONS", Value: "K", Default: "2", Meaning: "the preemption bound of SIM_STRATEGY=exhaustive (bounds 0 to K in turn)", Replay: true},
	{Name: "SIM_DPOR", Value: "0", Default: "1", Meaning: "0: exhaustive exploration without partial-order reduction", Replay: true},
	{Name: "SIM_BUDGET", Value: "D|N", Default: "none", Meaning: "stop an exhaustive exploration after the duration D or N schedules, failing", Replay: true},
	{Name: "SIM_CHECK_DETERMINISM", Value: "1", Default: "off", Meaning: "run each seed twice and report where the runs diverge", Replay: true},
	{Name: "SIM_LEAKS", Value: "fail", Default: "report", Meaning: "fail a test that ends with goroutines still alive", Replay: true},
	{Name: "SIM_BUGGIFY", Value: "on|off", Default: "each site on with probability 1/4", Meaning: "every sim.Buggify site on, or none", Replay: true},
	{Name: "SIM_WATCHDOG", Value: "D", Default: "5s", Meaning: "wall-clock limit for a goroutine that does not yield", Replay: true},
	{Name: "SIM_TIMELIMIT", Value: "D", Default: "1000h", Meaning: "virtual-time limit of a run", Replay: true},
	{Name: "SIM_TIME", Value: "exact", Default: "slip", Meaning: "exact: computation costs no virtual time; slip: each scheduling point costs a seeded few nanoseconds", Replay: true},
	{Name: "SIM_LIVELOCK", Value: "N", Default: "16777216", Meaning: "scheduling points without progress before a run fails as a livelock", Replay: true},
	{Name: "SIM_RACE", Value: "off", Default: "on under -race", Meaning: "under -race, make every scheduler handoff a happens-before edge, so no race is seen", Replay: true},
	{Name: "SIM_KEPT", Value: "off|only", Default: "kept seeds first", Meaning: "skip the seeds kept under testdata/simgen, or run only them"},
	{Name: "SIM_REPLAY_CHECK", Value: "off", Default: "on", Meaning: "do not rerun a failure alone to check its replay line"},
	{Name: "SIM_TRACE", Value: "1|json:PATH", Default: "off", Meaning: "print every scheduling decision, or write the run's events to PATH"},
	{Name: "SIM_PROGRESS", Value: "PATH", Default: "none", Meaning: "where a test binary reports its seeds to simgen test", Internal: true},
	{Name: "SIM_PROGRESS_SYNC", Value: "1", Default: "off", Meaning: "report each seed before the next one starts", Internal: true},
}

// Lookup returns the variable named name.
func Lookup(name string) (Var, bool) {
	for _, v := range Vars {
		if v.Name == name {
			return v, true
		}
	}
	return Var{}, false
}
