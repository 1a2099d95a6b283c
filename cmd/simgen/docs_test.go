package main

// TestDocs runs the commands README.md, docs/usage.md and docs/simulation.md
// walk a reader through, on copies of examples/bank and examples/kv, and
// checks the output the documents quote: the seed, the counts, the failure
// lines, the replay lines. When the seed stream changes (a new strategy, a
// new scheduling point), this test fails and the documents are updated with
// it.

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docCommand is one command a document shows.
type docCommand struct {
	file string // the document, relative to the repository root
	// line is the command as the document prints it, minus a leading "$ ".
	// It runs from a directory holding examples/bank and examples/kv (or,
	// with inBank, from examples/bank), with "go run ./cmd/simgen" and
	// "simgen" meaning this simgen.
	line   string
	inBank bool
	// quoted: the document quotes the command's output right after it, and
	// every quoted line must appear, in order ("..." elides).
	quoted bool
	// parallel1: the quoted counts came from -parallel 1 (the exploration's
	// counts of seeds around the smallest failing seed depend on how many
	// processes run at once); the check runs it so.
	parallel1 bool
	fails     bool   // the command must fail
	want      string // a line the output must hold
}

var docCommands = []docCommand{
	{file: "README.md", line: "go run ./cmd/simgen -C examples/bank test -seeds 500 -run TestOverdraw .", quoted: true, parallel1: true, fails: true, want: "balance went negative: -60"},
	{file: "README.md", line: "SIM_SEED=6 SIM_TRACE=1 go run ./cmd/simgen -C examples/bank test -run TestOverdraw .", fails: true, want: "balance went negative: -60"},
	{file: "README.md", line: "go run ./cmd/simgen -C examples/bank trace -seed 6 -run TestOverdraw -out /tmp/bank.html .", fails: true, want: "simgen: wrote /tmp/bank.html (TestOverdraw seed 6"},
	{file: "README.md", line: "SIM_SEED=6 go run ./cmd/simgen -C examples/bank test -count=1 -run TestOverdraw .", fails: true, want: "balance went negative: -60"},
	{file: "docs/usage.md", line: "SIM_SEED=1 SIM_SEEDS=500 go run ./cmd/simgen -C examples/bank test -count=1 -run TestOverdraw .", quoted: true, parallel1: true, fails: true},
	{file: "docs/usage.md", line: "SIM_SEED=6 go run ./cmd/simgen -C examples/bank test -count=1 -run TestOverdraw .", quoted: true, fails: true},
	{file: "docs/usage.md", line: "SIM_SEED=6 SIM_TRACE=1 go run ./cmd/simgen -C examples/bank test -count=1 -run TestOverdraw .", quoted: true, fails: true},
	{file: "docs/usage.md", line: "simgen test -seeds 500 -run TestOverdraw .", inBank: true, quoted: true, parallel1: true, fails: true},
	{file: "docs/simulation.md", line: "KV_BUG=ack-before-sync go run ./cmd/simgen -C examples/kv test -seeds 1000 -run TestLinearizable .", quoted: true, parallel1: true, fails: true},
}

func TestDocs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the examples")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin", "simgen")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	work := filepath.Join(tmp, "work")
	if err := os.CopyFS(filepath.Join(work, "examples", "bank"), os.DirFS(filepath.Join(root, "examples", "bank"))); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(work, "examples", "bank", ".simbuild"))
	if err := copyKV(filepath.Join(root, "examples", "kv"), filepath.Join(work, "examples", "kv")); err != nil {
		t.Fatal(err)
	}
	download := exec.Command("go", "mod", "download", "github.com/anishathalye/porcupine")
	download.Dir = filepath.Join(work, "examples", "kv")
	if out, err := download.CombinedOutput(); err != nil {
		t.Fatalf("go mod download in examples/kv: %v\n%s", err, out)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SIM_") && !strings.HasPrefix(kv, "KV_") {
			env = append(env, kv)
		}
	}
	env = append(env, "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off")
	docs := map[string]string{}
	for _, c := range docCommands {
		name := c.file + ": " + c.line
		t.Run(strings.ReplaceAll(name, "/", "_"), func(t *testing.T) {
			doc, ok := docs[c.file]
			if !ok {
				b, err := os.ReadFile(filepath.Join(root, c.file))
				if err != nil {
					t.Fatal(err)
				}
				doc = string(b)
				docs[c.file] = doc
			}
			quoted, found := quotedOutput(doc, c.line)
			if !found {
				t.Fatalf("%s no longer shows the command %q: update docCommands", c.file, c.line)
			}
			dir := work
			if c.inBank {
				dir = filepath.Join(work, "examples", "bank")
			}
			// An exploration's smallest failing seed is the same whatever
			// -parallel is (explore_test.go checks that); its counts are
			// the documents' only with -parallel 1, so that is how it runs.
			runs := [][]string{nil}
			if c.parallel1 {
				runs = [][]string{{"-parallel", "1"}}
			}
			for _, extra := range runs {
				out, failed := runDocCommand(t, c.line, extra, dir, bin, tmp, env)
				if failed != c.fails {
					t.Fatalf("%s: failed %v, want %v; output:\n%s", c.line, failed, c.fails, out)
				}
				if c.want != "" && !strings.Contains(out, strings.ReplaceAll(c.want, "/tmp/", tmp+"/")) {
					t.Errorf("%s: the output lacks %q:\n%s", c.line, c.want, out)
				}
				if c.quoted {
					if msg := matchQuoted(quoted, out); msg != "" {
						t.Errorf("%s (%s) quotes output the command no longer prints: %s\nthe command printed:\n%s", c.file, strings.Join(append([]string{c.line}, extra...), " "), msg, out)
					}
				}
			}
		})
	}
}

// runDocCommand runs a document's command line: VAR=value words, then
// "go run ./cmd/simgen" or "simgen", then simgen's arguments, with extra
// added after the subcommand. It returns the output and whether the
// command failed.
func runDocCommand(t *testing.T, line string, extra []string, dir, bin, tmp string, env []string) (string, bool) {
	t.Helper()
	words := strings.Fields(line)
	env = append([]string(nil), env...)
	for len(words) > 0 && strings.Contains(words[0], "=") {
		env = append(env, words[0])
		words = words[1:]
	}
	switch {
	case len(words) >= 3 && words[0] == "go" && words[1] == "run" && words[2] == "./cmd/simgen":
		words = words[3:]
	case len(words) >= 1 && words[0] == "simgen":
		words = words[1:]
	default:
		t.Fatalf("not a simgen command: %s", line)
	}
	var args []string
	for i, w := range words {
		args = append(args, strings.Trim(strings.ReplaceAll(w, "/tmp/", tmp+"/"), "'"))
		if w == "test" || w == "trace" {
			args = append(args, extra...)
			extra = nil
			_ = i
		}
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return string(out), err != nil
}

// quotedOutput finds the command in doc and returns the output the
// document shows for it: the rest of its indented block, or else the
// fenced block that follows.
func quotedOutput(doc, line string) ([]string, bool) {
	lines := strings.Split(doc, "\n")
	for i, l := range lines {
		s := strings.TrimSpace(l)
		if strings.TrimPrefix(s, "$ ") != line || !strings.HasPrefix(l, "    ") {
			continue
		}
		var out []string
		j := i + 1
		for ; j < len(lines) && (strings.HasPrefix(lines[j], "    ") || strings.TrimSpace(lines[j]) == ""); j++ {
			if strings.HasPrefix(strings.TrimSpace(lines[j]), "$ ") {
				break // the next command of the block
			}
			if strings.TrimSpace(lines[j]) != "" {
				out = append(out, lines[j])
			}
		}
		if len(out) == 0 {
			for ; j < len(lines) && strings.TrimSpace(lines[j]) == ""; j++ {
			}
			if j < len(lines) && strings.HasPrefix(lines[j], "```") {
				for j++; j < len(lines) && !strings.HasPrefix(lines[j], "```"); j++ {
					out = append(out, lines[j])
				}
			}
		}
		return out, true
	}
	return nil, false
}

var (
	docElapsed = regexp.MustCompile(`\((\d+(\.\d+)?)s\)`)
	docRate    = regexp.MustCompile(`in [0-9.]+(µs|ms|s|m)\S* \(\d+ seeds/s\)`)
)

// normDoc removes what differs from run to run: test durations and the
// exploration's speed.
func normDoc(s string) string {
	s = strings.TrimSpace(s)
	s = docElapsed.ReplaceAllString(s, "(Ts)")
	return docRate.ReplaceAllString(s, "in D (R seeds/s)")
}

// matchQuoted checks that every quoted line (but "..." and the exit status
// go run adds) appears in out, in order; "..." inside a line matches
// anything. It returns what did not match, or "".
func matchQuoted(quoted []string, out string) string {
	var got []string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		got = append(got, normDoc(sc.Text()))
	}
	k := 0
	for _, q := range quoted {
		q = normDoc(q)
		if q == "..." || q == "exit status 1" {
			continue
		}
		re := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(q), `\.\.\.`, ".*") + "$")
		for k < len(got) && !re.MatchString(got[k]) {
			k++
		}
		if k == len(got) {
			return "no line (in order) matches " + q
		}
		k++
	}
	return ""
}
