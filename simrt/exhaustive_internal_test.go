package simrt

import (
	"slices"
	"testing"
)

func TestScheduleCodec(t *testing.T) {
	for _, s := range []string{"1:", "1:25g3.71g4", "1:0c1.4g2", "1:7t.9g2"} {
		devs, err := parseSchedule(s)
		if err != nil {
			t.Errorf("parseSchedule(%q): %v", s, err)
			continue
		}
		if got := formatSchedule(devs); got != s {
			t.Errorf("round trip of %q gave %q", s, got)
		}
	}
	for _, s := range []string{"", "2:1g2", "1:g2", "1:3x2", "1:5g2.4g1", "1:3g", "1:3g-1", "1:3g0", "1:3t1"} {
		if _, err := parseSchedule(s); err == nil {
			t.Errorf("parseSchedule(%q) accepted a bad schedule", s)
		}
	}
}

func TestParseExhaust(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	c := parseConfig(env("SIM_STRATEGY", "exhaustive", "SIM_PREEMPTIONS", "3", "SIM_DPOR", "0", "SIM_BUDGET", "5000"))
	if c.err != nil || !c.exhaust || c.exh.bound != 3 || c.exh.dpor || c.exh.budgetN != 5000 {
		t.Errorf("exhaustive knobs: %+v", c)
	}
	c = parseConfig(env("SIM_SCHEDULE", "1:25g3"))
	if c.err != nil || c.exhaust || !c.exh.replaySet || !c.seedSet || c.seed != 1 || !slices.Equal(c.exh.replay, []deviation{{node: 25, choice: 3}}) {
		t.Errorf("SIM_SCHEDULE: %+v", c)
	}
	for _, bad := range [][]string{
		{"SIM_PREEMPTIONS", "x"},
		{"SIM_DPOR", "maybe"},
		{"SIM_BUDGET", "soon"},
		{"SIM_SCHEDULE", "25g3"},
	} {
		if c := parseConfig(env(bad...)); c.err == nil {
			t.Errorf("%s=%s accepted", bad[0], bad[1])
		}
	}
}
