package simrt

import (
	"strings"
	"testing"
)

func TestParseKept(t *testing.T) {
	k, err := parseKept("testdata/simgen/TestX/ab", "simgen seed v1\nseed: 12\nstrategy: pct:3\nstream: 1\nenv: SIM_LEAKS=fail SIM_TIMELIMIT=2h\nsignature: TestX: deadlock at x.go:3\nreplay: SIM_SEED=12 go test\n")
	if err != nil {
		t.Fatal(err)
	}
	if k.seed != 12 || k.strategy != "pct:3" || k.stream != 1 || k.env["SIM_LEAKS"] != "fail" {
		t.Errorf("parsed %+v", k)
	}
	c := parseConfig(func(string) string { return "" })
	kc, err := k.config(&c)
	if err != nil {
		t.Fatal(err)
	}
	if !kc.leaksFail || kc.stratName != "pct:3" || kc.timeLimit.Hours() != 2 || c.leaksFail {
		t.Errorf("config %+v from %+v", kc, k)
	}
	for _, tc := range []struct{ text, want string }{
		{"go test fuzz v1\n", "not a kept seed file"},
		{"simgen seed v1\nstream: 1\n", "no seed line"},
		{"simgen seed v1\nseed: x\nstream: 1\n", ":2: seed:"},
		{"simgen seed v1\nseed: 1\nstrategy: bogus\nstream: 1\n", ":3: strategy:"},
	} {
		if _, err := parseKept("f", tc.text); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseKept(%q): %v, want an error containing %q", tc.text, err, tc.want)
		}
	}
}
