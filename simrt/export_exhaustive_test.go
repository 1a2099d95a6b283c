package simrt

import (
	"slices"
	"time"
)

// Exploration is the result of Explore.
type Exploration struct {
	Outcomes  []string // the distinct outcomes, sorted
	Schedules int      // schedules run
	End       string   // done, failed, budget or diverged
	Schedule  string   // the last run's schedule (the failing one, if End is failed)
	Depth     int      // the most nodes a run had
	Level     int      // the bound under way when it ended (the bound, once done)
	LevelRuns int      // the schedules run at that level
	Proven    int      // the largest bound whose enumeration passed; -1: none
	Budget    string   // what the budget message says was proven (provenText)
}

// Explore enumerates the schedules of body, outside the test harness, with
// at most bound preemptions, with or without the reduction, stopping after
// budget schedules (0: no budget). body returns its outcome; an outcome
// starting with "FAIL" counts as a failing schedule and stops the
// enumeration, as a failing test does. It enumerates the one level of the
// bound, not the smaller bounds first, so that what one level reaches is
// compared (ExploreLevels is what SIM_STRATEGY=exhaustive does).
func Explore(bound int, dpor bool, budget int, body func() string) Exploration {
	return explore(exhaustConfig{bound: bound, dpor: dpor, budgetN: budget, oneLevel: true}, body)
}

// ExploreLevels is Explore as SIM_STRATEGY=exhaustive runs it: within 0
// preemptions, then 1, ..., up to bound, sharing the budget.
func ExploreLevels(bound int, budget int, body func() string) Exploration {
	return explore(exhaustConfig{bound: bound, dpor: true, budgetN: budget}, body)
}

// ExploreNoSleep is Explore with the reduction but without its sleep sets.
func ExploreNoSleep(bound int, body func() string) Exploration {
	return explore(exhaustConfig{bound: bound, dpor: true, noSleep: true, oneLevel: true}, body)
}

func explore(cfg exhaustConfig, body func() string) Exploration {
	s := &session{c: &config{seeds: 1, strategy: func() strategy { return &xrun{} }, watchdog: 5 * time.Second, exh: cfg}, seed: exhaustSeed}
	s.x = &explorer{cfg: cfg}
	seen := map[string]bool{}
	end := s.x.explore(func() bool {
		var out string
		s.runOnce(s.seed, false, func() { out = body() })
		if !s.x.run.blocked {
			// A sleep-blocked run is covered by others: counting its
			// outcome would hide one that the reduction lost.
			seen[out] = true
		}
		return len(out) < 4 || out[:4] != "FAIL"
	}, nil)
	x := s.x
	e := Exploration{Schedules: x.schedules, Depth: x.maxDepth, Level: x.level, LevelRuns: x.levelRuns, Proven: x.proven,
		Budget: provenText(x.proven, x.provenRuns, x.levelRuns)}
	e.End = [...]string{endDone: "done", endFailed: "failed", endBudget: "budget", endDiverged: "diverged"}[end]
	if end == endDiverged {
		e.End += ": " + s.x.diverged
	}
	e.Schedule = s.x.scheduleText()
	for o := range seen {
		e.Outcomes = append(e.Outcomes, o)
	}
	slices.Sort(e.Outcomes)
	return e
}

// ReplaySchedule runs body once under the schedule sched, as SIM_SCHEDULE
// would, and returns its outcome.
func ReplaySchedule(sched string, body func() string) string {
	devs, err := parseSchedule(sched)
	if err != nil {
		panic(err)
	}
	s := &session{c: &config{seeds: 1, strategy: func() strategy { return &xrun{devs: devs} }, watchdog: 5 * time.Second}, seed: exhaustSeed}
	var out string
	s.runOnce(s.seed, false, func() { out = body() })
	return out
}
