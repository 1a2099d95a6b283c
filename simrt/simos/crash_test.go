package simos_test

// This file tests the crash model: what a crash keeps, loses and tears,
// that the fault stream alone decides it (the same seed, the same
// outcome), what a restarted node sees, and injected EIOs.

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simos"
)

// runChild runs the test binary's test named test in a child process,
// with env added to the environment (SIMOS_CHILD=1 unless env sets it;
// no SIM_ variable of the parent's),
// for what needs a seed, a strategy or a failing run of its own.
func runChild(t *testing.T, test string, env ...string) (string, error) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1", "-test.v")
	cmd.Env = []string{"SIMOS_CHILD=1"}
	for _, kv := range os.Environ() {
		// The parent's settings are not the child's; a race build's mode is
		// (SIM_RACE, simrt/race.go).
		if !strings.HasPrefix(kv, "SIM_") || strings.HasPrefix(kv, "SIM_RACE=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if !strings.Contains(string(out), "=== RUN   "+test) || strings.Contains(string(out), "--- SKIP") {
		t.Fatalf("the child did not run %s:\n%s", test, out)
	}
	return string(out), err
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// outcome classifies content after a crash of a file that held synced
// and then had unsynced appended: "lost", "kept" or "torn"; "bad" if the
// content is none of the states a crash may leave.
func outcome(content, synced, full string) string {
	switch {
	case content == synced:
		return "lost"
	case content == full:
		return "kept"
	case len(content) > len(synced) && strings.HasPrefix(full, content):
		return "torn"
	}
	return "bad"
}

// TestCrashKeepsSyncedData: whatever a crash does, data synced before it
// is there after it, and NoCrashLoss keeps unsynced data too.
func TestCrashKeepsSyncedData(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		for i := 0; i < 20; i++ {
			n := simrt.NewNode(fmt.Sprint("n", i))
			if i%2 == 1 {
				simos.SetFaults(n, simos.Faults{NoCrashLoss: true})
			}
			name := filepath.Join(dir, fmt.Sprint("f", i))
			runOn(n, func() {
				f, err := simos.Create(name)
				must(t, err)
				f.WriteString("synced;")
				must(t, f.Sync())
				f.WriteString("more;")
				f.WriteString("and more")
			})
			simrt.Crash(n)
			runOn(n, func() {
				b, err := simos.ReadFile(name)
				must(t, err)
				got := outcome(string(b), "synced;", "synced;more;and more")
				if got == "bad" || (i%2 == 1 && got != "kept") {
					t.Errorf("node %d: after the crash the file holds %q", i, b)
				}
			})
		}
	})
}

// TestCrashOutcomes: over the files of a crashed node, unsynced writes
// are kept, lost and torn, each file in one of the states a crash may
// leave; overwrites and truncations roll back to the synced content.
func TestCrashOutcomes(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		n := simrt.NewNode("disk")
		const files = 60
		runOn(n, func() {
			for i := 0; i < files; i++ {
				f, err := simos.Create(filepath.Join(dir, fmt.Sprintf("app%02d", i)))
				must(t, err)
				f.WriteString("AAAA")
				must(t, f.Sync())
				f.WriteString("BBBB")
				f.WriteString("CCCC")
				f.WriteString("DDDD")
				// Open files are left open: the crash closes them.
			}
			for i := 0; i < files; i++ {
				name := filepath.Join(dir, fmt.Sprintf("over%02d", i))
				f, err := simos.Create(name)
				must(t, err)
				f.WriteString("0123456789")
				must(t, f.Sync())
				f.WriteAt([]byte("abcdef"), 2)
				f.Close()
				name = filepath.Join(dir, fmt.Sprintf("trunc%02d", i))
				must(t, simos.WriteFile(name, []byte("hello world"), 0o644))
				f, _ = simos.OpenFile(name, os.O_RDWR, 0)
				must(t, f.Sync())
				must(t, f.Truncate(5))
				f.Close()
			}
		})
		simrt.Crash(n)
		count := map[string]int{}
		runOn(n, func() {
			for i := 0; i < files; i++ {
				b, err := simos.ReadFile(filepath.Join(dir, fmt.Sprintf("app%02d", i)))
				must(t, err)
				o := outcome(string(b), "AAAA", "AAAABBBBCCCCDDDD")
				if o == "bad" {
					t.Errorf("app%02d: %q", i, b)
				}
				count[o]++

				b, _ = simos.ReadFile(filepath.Join(dir, fmt.Sprintf("over%02d", i)))
				s := string(b)
				ok := false
				for m := 0; m <= 6; m++ { // m bytes of the overwrite survived
					ok = ok || s == "01"+"abcdef"[:m]+"0123456789"[2+m:]
				}
				if !ok {
					t.Errorf("over%02d: %q", i, s)
				}
				count["over "+map[bool]string{true: "new", false: "old"}[s == "01abcdef89"]]++

				b, _ = simos.ReadFile(filepath.Join(dir, fmt.Sprintf("trunc%02d", i)))
				if s := string(b); s != "hello" && s != "hello world" {
					t.Errorf("trunc%02d: %q", i, s)
				}
				count["trunc "+string(b)]++
			}
		})
		for _, k := range []string{"lost", "kept", "torn", "over new", "over old", "trunc hello", "trunc hello world"} {
			if count[k] == 0 {
				t.Errorf("no file ended %s: %v", k, count)
			}
		}
	})
}

// TestCrashClosesFiles: a crashed node's open files fail as closed files
// for anyone who touches them, before and after the node restarts; the
// restarted node sees what the crash left: directories, renames and
// removals (durable at once), synced content, and its working directory
// back where it started.
func TestCrashClosesFiles(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		n := simrt.NewNode("r")
		var f *simos.File
		wd, _ := os.Getwd()
		runOn(n, func() {
			must(t, simos.MkdirAll(filepath.Join(dir, "sub/deeper"), 0o755))
			must(t, simos.WriteFile(filepath.Join(dir, "sub/gone"), nil, 0o644))
			tmp, err := simos.Create(filepath.Join(dir, "sub/tmp"))
			must(t, err)
			tmp.WriteString("durable")
			must(t, tmp.Sync())
			must(t, tmp.Close())
			must(t, simos.Rename(filepath.Join(dir, "sub/tmp"), filepath.Join(dir, "sub/final")))
			must(t, simos.Remove(filepath.Join(dir, "sub/gone")))
			must(t, simos.Chdir(filepath.Join(dir, "sub")))
			f, err = simos.Create("open") // relative to the node's working directory
			must(t, err)
		})
		simrt.Crash(n)
		check := func(when string) {
			if _, err := f.Write([]byte("x")); !errors.Is(err, os.ErrClosed) {
				t.Errorf("%s: Write on a crashed node's file: %v", when, err)
			}
			if _, err := f.Stat(); !errors.Is(err, os.ErrClosed) {
				t.Errorf("%s: Stat: %v", when, err)
			}
			if err := f.Close(); err == nil || err.Error() != "close open: file already closed" {
				t.Errorf("%s: Close: %v", when, err)
			}
		}
		check("down")
		runOn(n, func() {
			check("restarted")
			if wd2, _ := simos.Getwd(); wd2 != wd {
				t.Errorf("working directory after restart: %s, want %s", wd2, wd)
			}
			var got []string
			simos.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				rel, _ := filepath.Rel(dir, path)
				got = append(got, rel)
				return err
			})
			if want := ". sub sub/deeper sub/final sub/open"; strings.Join(got, " ") != want {
				t.Errorf("after restart: %v, want %s", got, want)
			}
			if b, err := simos.ReadFile(filepath.Join(dir, "sub/final")); string(b) != "durable" {
				t.Errorf("synced file after restart: %q %v", b, err)
			}
		})
		if simrt.Boots(n) != 2 {
			t.Errorf("boots = %d", simrt.Boots(n))
		}
	})
}

// TestNodeDirFS: the test reads a node's disk while the node is down.
func TestNodeDirFS(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		n := simrt.NewNode("inspect")
		simos.SetFaults(n, simos.Faults{NoCrashLoss: true})
		runOn(n, func() { must(t, simos.WriteFile(filepath.Join(dir, "x"), []byte("on the node"), 0o600)) })
		simrt.Crash(n)
		b, err := fs.ReadFile(simos.NodeDirFS(n, dir), "x")
		if string(b) != "on the node" || err != nil {
			t.Errorf("NodeDirFS: %q %v", b, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "x")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the host sees the node's file: %v", err)
		}
		if simrt.Alive(n) {
			t.Errorf("reading its disk started the node")
		}
	})
}

// TestFaultsEIO: injected write and sync errors, at their rates, with
// os's error shape, writing and syncing nothing.
func TestFaultsEIO(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		n := simrt.NewNode("flaky")
		fl := simos.Faults{WriteErrRate: 0.3, SyncErrRate: 1}
		simos.SetFaults(n, fl)
		if got := simos.FaultsOf(n); got != fl {
			t.Errorf("FaultsOf = %+v", got)
		}
		if got := simos.FaultsOf(simrt.Host); got != (simos.Faults{}) {
			t.Errorf("FaultsOf(Host) = %+v", got)
		}
		name := filepath.Join(dir, "log")
		runOn(n, func() {
			f, err := simos.Create(name)
			must(t, err)
			failed := 0
			for i := 0; i < 1000; i++ {
				k, err := f.Write([]byte("x"))
				if err != nil {
					failed++
					var pe *fs.PathError
					if k != 0 || !errors.As(err, &pe) || pe.Op != "write" || pe.Path != name || pe.Err != syscall.EIO {
						t.Fatalf("write error: %d %#v", k, err)
					}
				}
			}
			if failed < 200 || failed > 400 {
				t.Errorf("%d of 1000 writes failed at rate 0.3", failed)
			}
			if fi, _ := f.Stat(); fi.Size() != int64(1000-failed) {
				t.Errorf("size %d after %d failed writes", fi.Size(), failed)
			}
			if err := f.Sync(); err == nil || err.Error() != "sync "+name+": input/output error" {
				t.Errorf("Sync: %v", err)
			}
		})
	})
}

// TestControlPanics: SetFaults refuses the host and calls outside a run.
func TestControlPanics(t *testing.T) {
	expectPanic := func(what string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", what)
			}
		}()
		f()
	}
	expectPanic("SetFaults outside a run", func() { simos.SetFaults(1, simos.Faults{}) })
	simrt.Test(t, func(t *testing.T) {
		expectPanic("SetFaults(Host)", func() { simos.SetFaults(simrt.Host, simos.Faults{}) })
		expectPanic("SetFaults(no such node)", func() { simos.SetFaults(7, simos.Faults{}) })
	})
}

// TestCrashChild is the body TestCrashOverSeeds runs in a child process,
// under SIM_SEED and SIM_SEEDS: a node appends once synced and three
// times unsynced, crashes, and the child prints what survived.
func TestCrashChild(t *testing.T) {
	if os.Getenv("SIMOS_CHILD") == "" {
		t.Skip("run by TestCrashOverSeeds")
	}
	run := 0
	simrt.Test(t, func(t *testing.T) {
		run++
		dir := t.TempDir()
		n := simrt.NewNode("crashy")
		name := filepath.Join(dir, "wal.log")
		runOn(n, func() {
			f, _ := simos.Create(name)
			f.WriteString("AAAA")
			f.Sync()
			f.WriteString("BBBB")
			f.WriteString("CCCC")
			f.WriteString("DDDD")
		})
		simrt.Crash(n)
		runOn(n, func() {
			b, _ := simos.ReadFile(name)
			fmt.Printf("outcome: run %d %s %q\n", run, outcome(string(b), "AAAA", "AAAABBBBCCCCDDDD"), b)
		})
		if os.Getenv("SIMOS_CHILD") == "fail" {
			t.Errorf("failing to show the report")
		}
	})
}

// TestCrashOverSeeds: over seeds, a crash keeps, loses and tears unsynced
// writes; the same seed gives the same outcome; the report of a failing
// run says what the crash did.
func TestCrashOverSeeds(t *testing.T) {
	child := func(mode, seed, seeds string) (string, error) {
		return runChild(t, "TestCrashChild", "SIMOS_CHILD="+mode, "SIM_SEED="+seed, "SIM_SEEDS="+seeds)
	}
	outcomes := func(out string) []string {
		var lines []string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "outcome: ") {
				lines = append(lines, l)
			}
		}
		return lines
	}
	out1, err := child("1", "100", "30")
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out1)
	}
	out2, _ := child("1", "100", "30")
	a, b := outcomes(out1), outcomes(out2)
	if len(a) != 30 || strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("two runs of seeds 100..129 differ:\n%s\n---\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	tornSeed := -1
	seen := map[string]bool{}
	for i, l := range a {
		f := strings.Fields(l)
		seen[f[3]] = true
		if f[3] == "torn" && tornSeed < 0 {
			tornSeed = 100 + i
		}
	}
	for _, o := range []string{"lost", "kept", "torn"} {
		if !seen[o] {
			t.Errorf("no seed gave %s:\n%s", o, strings.Join(a, "\n"))
		}
	}
	if seen["bad"] {
		t.Errorf("a crash left an impossible state:\n%s", strings.Join(a, "\n"))
	}
	if tornSeed < 0 {
		return
	}
	out, err := child("fail", fmt.Sprint(tornSeed), "1")
	if err == nil {
		t.Fatalf("the failing child passed:\n%s", out)
	}
	re := regexp.MustCompile(`disk crashy: crash: \S*/wal\.log kept \d of 3 unsynced writes, torn at byte \d+ \(\d+ bytes lost\)`)
	if !re.MatchString(out) || !bytes.Contains([]byte(out), []byte("fault(s) injected")) {
		t.Errorf("the report does not say how the crash tore the file:\n%s", out)
	}
}

// TestCrashMidway: a crash that lands while the node writes and syncs
// (its writes and syncs are scheduling points) leaves a prefix of what
// it wrote: every synced record, and at most part of one more.
func TestCrashMidway(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		n := simrt.NewNode("midway")
		name := filepath.Join(dir, "wal")
		var full strings.Builder
		for i := 0; i < 100; i++ {
			fmt.Fprintf(&full, "record %03d;", i)
		}
		synced := 0 // bytes the node knows are durable
		simrt.GoOn(n, func() {
			f, err := simos.Create(name)
			must(t, err)
			for i := 0; i < 100; i++ {
				fmt.Fprintf(f, "record %03d;", i)
				must(t, f.Sync())
				synced += len("record 000;")
			}
		})
		for i := 0; i < 150; i++ {
			simrt.Gosched()
		}
		simrt.Crash(n)
		runOn(n, func() {
			b, err := simos.ReadFile(name)
			if errors.Is(err, fs.ErrNotExist) && synced == 0 {
				return // the crash came before the Create
			}
			s := string(b)
			if !strings.HasPrefix(full.String(), s) || len(s) < synced || len(s) > synced+len("record 000;") {
				t.Errorf("after the crash: %d bytes %q, %d synced", len(s), s, synced)
			}
		})
	})
}
