package replay

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":              "''",
		"./x/...":       "./x/...",
		"-run=^TestA$":  "'-run=^TestA$'",
		"^TestA$":       "'^TestA$'",
		"a b":           "'a b'",
		"it's":          `'it'\''s'`,
		"-tags=sim,foo": "-tags=sim,foo",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestQuoteShell passes quoted words through sh and expects them back
// unchanged: what a user pastes is what the line meant.
func TestQuoteShell(t *testing.T) {
	t.Parallel()
	words := []string{"", "plain", "a b", "it's", `"dq"`, "$HOME", "`id`", "a\\b", "*", "x;y", "^T$/^it's_a_case$", "tab\there", "!bang", "~"}
	var line []string
	for _, w := range words {
		line = append(line, Quote(w))
	}
	cmd := exec.Command("sh", "-c", "for a in "+strings.Join(line, " ")+`; do printf '[%s]\n' "$a"; done`)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, w := range words {
		want.WriteString("[" + w + "]\n")
	}
	if string(out) != want.String() {
		t.Errorf("sh read back\n%s\nwant\n%s", out, want.String())
	}
}

func TestLine(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"SIM_LEAKS":             "fail",
		"SIM_STRATEGY":          "pct:3:30",
		"SIM_CHECK_DETERMINISM": "1",
		"SIM_BUGGIFY":           "on",
		"SIM_WATCHDOG":          "10s",
		"SIM_TIMELIMIT":         "2000h",
		"SIM_TRACE":             "1", // observes only: not in the line
		"SIM_PROGRESS":          "/tmp/p",
	}
	l := Line{Seed: 12, Getenv: func(k string) string { return env[k] }, Overlay: ".simbuild/overlay.json",
		Flags: []string{"-race"}, Run: RunPattern("TestX/it's a case"), Package: "./pkg"}
	want := `SIM_SEED=12 SIM_STRATEGY=pct:3:30 SIM_CHECK_DETERMINISM=1 SIM_LEAKS=fail SIM_BUGGIFY=on SIM_WATCHDOG=10s SIM_TIMELIMIT=2000h go test -tags sim -overlay .simbuild/overlay.json -race -run '^TestX$/^it'\''s a case$' ./pkg`
	if got := l.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	l = Line{Seed: 3, Seeds: 16, Command: "test", Tags: "sim,foo", Overlay: "/a b/overlay.json", Args: []string{"-x", "y z"}}
	want = `SIM_SEED=3 SIM_SEEDS=16 go test -tags sim,foo -overlay '/a b/overlay.json' . -args -x 'y z'`
	if got := l.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestRunPattern: each element of a test path is anchored and its
// metacharacters quoted, so the pattern selects that test alone.
func TestRunPattern(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"TestA.b":      `^TestA\.b$`,
		"TestA/sub(1)": `^TestA$/^sub\(1\)$`,
	} {
		if got := RunPattern(in); got != want {
			t.Errorf("RunPattern(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestSettingsFollowTheTable: Settings are simenv's Replay rows, in
// order, then GODEBUG.
func TestSettingsFollowTheTable(t *testing.T) {
	t.Parallel()
	want := []string{"SIM_STRATEGY", "SIM_SCHEDULE", "SIM_PREEMPTIONS", "SIM_DPOR", "SIM_BUDGET", "SIM_CHECK_DETERMINISM", "SIM_LEAKS", "SIM_BUGGIFY", "SIM_WATCHDOG", "SIM_TIMELIMIT", "SIM_TIME", "SIM_LIVELOCK", "SIM_RACE", "GODEBUG"}
	if !slices.Equal(Settings, want) {
		t.Errorf("Settings = %v, want %v", Settings, want)
	}
}
