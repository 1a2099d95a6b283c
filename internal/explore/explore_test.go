package explore

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestExploreArgs checks how simgen test's arguments, once the command
// took its own flags out, turn into an exploration: which flags go where,
// and which are refused.
func TestExploreArgs(t *testing.T) {
	t.Parallel()
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

	if x, err := New(Options{Keep: true}, "sim", []string{"-run", "TestA", "./..."}, env()); x != nil || err != nil {
		t.Errorf("no -seeds: explorer %v, error %v", x, err)
	}
	if x, err := New(Options{Parallel: 3}, "sim", []string{"."}, env()); x != nil || err != nil {
		t.Errorf("-parallel alone: explorer %v, error %v", x, err)
	}

	x, err := New(Options{Seeds: 500, Parallel: 3, Keep: true}, "sim,x", []string{"-run", "TestA/sub", "-v", "-race",
		"-count=2", "-short", "-skip", "TestB", "-test.timeout=1m", "-vet=off", "./a", "./b/...", "-args", "-flag", "v"}, env("SIM_SEED", "40"))
	if err != nil {
		t.Fatal(err)
	}
	if x.opts.Seeds != 500 || x.opts.Parallel != 3 || x.base != 40 || x.tags != "sim,x" || x.count != 2 || !x.keep {
		t.Errorf("explorer %+v", x)
	}
	for _, c := range []struct {
		name      string
		got, want []string
	}{
		{"build", x.build, []string{"-race=true"}},
		{"vet", x.vet, []string{"-vet=off"}},
		{"test", x.test, []string{"-test.count=2", "-test.short=true", "-test.timeout=1m", "-test.skip=TestB"}},
		{"rerun", x.rerun, []string{"-test.v=true", "-test.timeout=1m", "-test.skip=TestB"}},
		{"patterns", x.patterns, []string{"./a", "./b/..."}},
		{"args", x.args, []string{"-flag", "v"}},
		{"rerun test flags", x.testFlagsForRerun(), []string{"-test.short=true"}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if x.run != "TestA/sub" || x.skip != "TestB" {
		t.Errorf("run %q skip %q", x.run, x.skip)
	}

	// SIM_SEEDS in simgen test's environment is -seeds; -seeds wins.
	x, err = New(Options{}, "sim", []string{"."}, env("SIM_SEEDS", "70"))
	if err != nil || x == nil || x.opts.Seeds != 70 || x.base != 1 || !reflect.DeepEqual(x.patterns, []string{"."}) {
		t.Fatalf("SIM_SEEDS=70: explorer %+v, error %v", x, err)
	}
	if x, err = New(Options{Seeds: 9}, "sim", nil, env("SIM_SEEDS", "70")); err != nil || x.opts.Seeds != 9 {
		t.Fatalf("-seeds=9 with SIM_SEEDS=70: explorer %+v, error %v", x, err)
	}
	if x, err = New(Options{Budget: 90 * time.Second}, "sim", nil, env()); err != nil || x.opts.Budget != 90*time.Second || x.opts.Seeds != 0 {
		t.Fatalf("-budget: explorer %+v, error %v", x, err)
	}

	for _, tc := range []struct {
		opts  Options
		args  []string
		env   []string
		match string
	}{
		{Options{}, nil, []string{"SIM_SEEDS", "many"}, `SIM_SEEDS="many"`},
		{Options{Seeds: 5}, nil, []string{"SIM_SEED", "-3"}, `SIM_SEED="-3"`},
		{Options{Seeds: 5}, []string{"-test.json"}, nil, "does not support -json"},
		{Options{Seeds: 5}, []string{"-test.cpuprofile=x"}, nil, "does not support -cpuprofile"},
		{Options{Seeds: 5}, []string{"-frobnicate"}, nil, "unknown flag -frobnicate"},
		{Options{Seeds: 5}, []string{"-run"}, nil, "flag needs an argument"},
		{Options{Seeds: 5}, []string{"-count=0"}, nil, "-count=0"},
		{Options{JSON: "r.json"}, nil, nil, "-json and -shard need -seeds or -budget"},
		{Options{Seeds: 5, ShardK: 4, ShardN: 4}, nil, nil, "shard index 4 is not below the shard count 4"},
	} {
		_, err := New(tc.opts, "sim", tc.args, env(tc.env...))
		if err == nil || !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), tc.match) {
			t.Errorf("%+v %q %q: error %v, want a usage error containing %q", tc.opts, tc.args, tc.env, err, tc.match)
		}
	}
}
