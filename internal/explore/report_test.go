package explore

import (
	"strings"
	"testing"
)

func TestReplayLine(t *testing.T) {
	t.Parallel()
	x := &Explorer{tags: "sim,x", build: []string{"-race=true"}, test: []string{"-test.short=true", "-test.count=3"},
		skip: "TestB", args: []string{"-v", "it's"},
		getenv: func(k string) string {
			switch k {
			case "SIM_STRATEGY":
				return "pct:3"
			case "SIM_TRACE": // observes only: not in the line
				return "1"
			}
			return ""
		}}
	p := &pkgRun{path: "example.com/m/sub", dir: "/m/sub"}
	got := x.replayLine(p, "/m/.simbuild/overlay.json", "/m", 37, 0, "^TestA$")
	want := `SIM_SEED=37 SIM_STRATEGY=pct:3 go test -tags sim,x -overlay .simbuild/overlay.json -race=true -short=true -run '^TestA$' -skip TestB ./sub -args -v 'it'\''s'`
	if got != want {
		t.Errorf("replay line\n got %s\nwant %s", got, want)
	}
	got = x.replayLine(p, "/m/.simbuild/overlay.json", "/elsewhere", 33, 32, "")
	want = `SIM_SEED=33 SIM_SEEDS=32 SIM_STRATEGY=pct:3 go test -tags sim,x -overlay /m/.simbuild/overlay.json -race=true -short=true -skip TestB example.com/m/sub -args -v 'it'\''s'`
	if got != want {
		t.Errorf("replay line\n got %s\nwant %s", got, want)
	}
	if got := x.replayLine(&pkgRun{path: "m", dir: "/m"}, "/m/o.json", "/m", 1, 0, ""); !strings.HasSuffix(got, " . -args -v 'it'\\''s'") {
		t.Errorf("replay line in the package's directory: %s", got)
	}
}
