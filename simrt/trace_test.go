package simrt_test

// Trace tests (SIM_TRACE, trace.go): a traced run's JSON events name the
// right operations at the user's lines, SIM_TRACE=1 prints them as text,
// failure reports end with the last decisions, and a run without SIM_TRACE
// writes nothing. Scenarios run in subprocesses (runHelper); positions are
// the MARK lines of this file.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
)

// tmark is mark for this file.
func tmark(t *testing.T, name string) string {
	t.Helper()
	src, err := os.ReadFile("trace_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(src), "\n") {
		if strings.HasSuffix(line, "// MARK "+name) {
			return fmt.Sprintf("trace_test.go:%d", i+1)
		}
	}
	t.Fatalf("no MARK %s in trace_test.go", name)
	return ""
}

// TestHelperTraceDeadlock: g2 takes the lock, hands a value to the root,
// sleeps, and unlocks; the root then waits on a channel nobody sends on.
func TestHelperTraceDeadlock(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		var mu simrt.Mutex
		ch := simrt.MakeChan[int](0)
		simrt.Go(func() { // MARK go
			mu.Lock()                // MARK lock
			simrt.Send(ch, 1)        // MARK send
			simrt.Sleep(time.Second) // MARK sleep
			mu.Unlock()              // MARK unlock
		})
		n := simrt.Recv(ch) // MARK recv1
		mu.Lock()           // MARK lock2
		n++
		mu.Unlock()
		for i := 0; i < 30*n; i += n {
			simrt.Gosched()
		}
		simrt.Recv(ch) // MARK recv2
	})
}

// TestHelperTracePass passes, with a select and a timer.
func TestHelperTracePass(t *testing.T) {
	helper(t)
	simrt.Test(t, func(t *testing.T) {
		ch := simrt.MakeChan[int](1)
		simrt.Go(func() { simrt.Send(ch, 7) })
		c0, c1 := simrt.OnRecv(ch), simrt.OnRecv(simrt.After(time.Minute))
		switch simrt.Select(false, c0, c1) { // MARK select
		case 0:
		case 1:
			t.Error("the timer fired first")
		}
	})
}

// traceEvent is what the JSON stream holds, for the assertions here.
type traceEvent struct {
	I        int    `json:"i"`
	Step     int64  `json:"step"`
	T        int64  `json:"t"`
	G        int    `json:"g"`
	Op       string `json:"op"`
	Decision bool   `json:"decision"`
	Pos      string `json:"pos"`
	Wait     string `json:"wait"`
	Run      int    `json:"run"`
	By       int    `json:"by"`
	Via      string `json:"via"`
	Target   int    `json:"target"`
	Case     *int   `json:"case"`
	Kind     string `json:"kind"`
	Report   string `json:"report"`
	Test     string `json:"test"`
	Seed     uint64 `json:"seed"`
}

func readEvents(t *testing.T, path string) []traceEvent {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var evs []traceEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var e traceEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %d: %v: %s", len(evs)+1, err, sc.Text())
		}
		evs = append(evs, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return evs
}

// find returns the first event with op at a position ending in pos.
func find(evs []traceEvent, g int, op, pos string) *traceEvent {
	for i := range evs {
		e := &evs[i]
		if e.G == g && e.Op == op && strings.HasSuffix(e.Pos, pos) {
			return e
		}
	}
	return nil
}

func TestTraceJSONDeadlock(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "trace.jsonl")
	r := runHelper(t, "^TestHelperTraceDeadlock$", "SIM_SEED=3", "SIM_TRACE=json:"+path)
	r.must(t, 1, "deadlock")
	evs := readEvents(t, path)
	if len(evs) < 10 {
		t.Fatalf("%d events", len(evs))
	}
	if e := evs[0]; e.Op != "start" || e.Test != "TestHelperTraceDeadlock" || e.Seed != 3 {
		t.Errorf("first event %+v, want start of TestHelperTraceDeadlock seed 3", e)
	}
	if e := evs[len(evs)-1]; e.Op != "end" {
		t.Errorf("last event %+v, want end", e)
	}
	for i, e := range evs {
		if e.I != i {
			t.Fatalf("event %d numbered %d", i, e.I)
		}
		if i > 0 && (e.Step < evs[i-1].Step || e.T < evs[i-1].T) {
			t.Fatalf("event %d goes back in steps or time: %+v after %+v", i, e, evs[i-1])
		}
	}
	// The operations, by goroutine, at the user's lines.
	for _, want := range []struct {
		g      int
		op, at string
	}{
		{1, "spawn", "go"},
		{2, "lock", "lock"},
		{2, "chan send", "send"},
		{2, "unlock", "unlock"},
		{1, "chan recv", "recv1"},
		{1, "lock", "lock2"},
		{1, "chan recv", "recv2"},
	} {
		if find(evs, want.g, want.op, tmark(t, want.at)) == nil {
			t.Errorf("no %q event of g%d at %s", want.op, want.g, tmark(t, want.at))
		}
	}
	// g2 sleeps, the clock moves one second, a timer wakes g2.
	if e := find(evs, 2, "block", tmark(t, "sleep")); e == nil || e.Wait != "sleep" {
		t.Errorf("no block on sleep at %s: %+v", tmark(t, "sleep"), e)
	}
	var clock, timerWake bool
	for _, e := range evs {
		clock = clock || e.Op == "clock" && e.T == int64(time.Second)
		timerWake = timerWake || e.Op == "wake" && e.G == 2 && e.Via == "timer"
	}
	if !clock || !timerWake {
		t.Errorf("clock jump %v, timer wake of g2 %v", clock, timerWake)
	}
	// Who woke whom: the root blocks on recv1 or lock2 at some point and
	// is woken by g2 (its send or its unlock).
	woke := false
	for _, e := range evs {
		if e.Op == "wake" && e.G == 1 && e.By == 2 {
			woke = true
			if !strings.HasSuffix(e.Pos, tmark(t, "send")) && !strings.HasSuffix(e.Pos, tmark(t, "unlock")) {
				t.Errorf("g2 woke g1 at %s, want its send or unlock", e.Pos)
			}
		}
	}
	if !woke {
		t.Errorf("no wake of g1 by g2")
	}
	// Decisions merge the operation: some decision is g1's recv1 choosing
	// a goroutine to run.
	if e := find(evs, 1, "chan recv", tmark(t, "recv1")); e == nil || !e.Decision || e.Run == 0 {
		t.Errorf("the recv1 event is not a decision: %+v", e)
	}
	// The root ends blocked at recv2, then the failure with its report.
	var last *traceEvent
	for i := range evs {
		if evs[i].Op == "block" && evs[i].G == 1 {
			last = &evs[i]
		}
	}
	if last == nil || !strings.HasSuffix(last.Pos, tmark(t, "recv2")) || last.Wait != "chan receive" {
		t.Errorf("g1's last block: %+v, want chan receive at %s", last, tmark(t, "recv2"))
	}
	f := evs[len(evs)-2]
	if f.Op != "failure" || f.Kind != "deadlock" || !strings.Contains(f.Report, "deadlock") || !strings.Contains(f.Report, "SIM_SEED=3") {
		t.Errorf("failure event %+v", f)
	}
	// The report, traced, ends with decisions that carry operations and
	// positions.
	if !regexp.MustCompile(`step \d+  \+1s  g1  chan recv at \S*` + regexp.QuoteMeta(tmark(t, "recv2")) + ` -> run goroutine 1 \(of 1 runnable\)\n`).MatchString(f.Report) {
		t.Errorf("the report's last decisions lack the final block:\n%s", f.Report)
	}
}

func TestTraceJSONSelectAndPass(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "trace.jsonl")
	r := runHelper(t, "^TestHelperTracePass$", "SIM_SEED=1", "SIM_TRACE=json:"+path)
	r.must(t, 0, "--- PASS: TestHelperTracePass")
	evs := readEvents(t, path)
	e := find(evs, 1, "select case", tmark(t, "select"))
	if e == nil || e.Case == nil || *e.Case != 0 {
		t.Errorf("select case event: %+v", e)
	}
	if find(evs, 1, "timer start", "") == nil {
		t.Errorf("no timer start event")
	}
	for _, e := range evs {
		if e.Op == "failure" {
			t.Errorf("a passing run has a failure event: %+v", e)
		}
	}
}

func TestTraceText(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperTraceDeadlock$", "SIM_SEED=3", "SIM_TRACE=1")
	r.must(t, 1, "deadlock")
	for _, re := range []string{
		`(?m)^step \d+\s+\+0s\s+g1\s+spawn g2\s+` + tmark(t, "go") + `$`,
		`(?m)^step \d+\s+\+0s\s+g2\s+lock\s+` + tmark(t, "lock") + `\s+-> run g\d \(of \d runnable\)$`,
		`(?m)^\s+\+\S+\s+g1\s+block on chan receive\s+` + tmark(t, "recv2") + `$`,
		`(?m)^\s+\+1s\s+g2\s+woken by a timer`,
		`(?m)^step \d+\s+\+1s\s+g0\s+clock \+1s$`,
		`(?m)^\s+\+\S+\s+g1\s+woken by g2\s+trace_test.go:\d+$`,
	} {
		if !regexp.MustCompile(re).MatchString(r.out) {
			t.Errorf("output lacks %s", re)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", r.out)
	}
}

// TestTraceReportWithoutTrace: an untraced failure report still ends with
// the last decisions, with what blocked goroutines waited on, and says how
// to see the operations.
func TestTraceReportWithoutTrace(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperTraceDeadlock$", "SIM_SEED=3")
	r.must(t, 1, "last decisions:\n", "g1  blocked on sync.Mutex.Lock -> run goroutine 2", "replay with SIM_TRACE=1")
	r.mustNot(t, "woken by")
	if n := strings.Count(r.out[strings.Index(r.out, "last decisions:"):], "\tstep "); n != 40 {
		t.Errorf("%d decisions at the end of the report, want 40", n)
	}
}

// TestTraceOff: without SIM_TRACE nothing is written and the decision
// stream is the same as with it (tracing observes, never steers).
func TestTraceOff(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	off := runHelper(t, "^TestHelperTraceDeadlock$", "SIM_SEED=5", "SIM_TRACE=")
	on := runHelper(t, "^TestHelperTraceDeadlock$", "SIM_SEED=5", "SIM_TRACE=json:"+filepath.Join(dir, "t.jsonl"))
	if !strings.Contains(off.out, "\tstep ") {
		t.Fatalf("no decisions in the report:\n%s", off.out)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d files in the trace dir, want 1", len(ents))
	}
	stepRE := regexp.MustCompile(`(?m)^\s*step (\d+)  \+\S+  g(\d+)  .*run goroutine (\d+)`)
	picks := func(out string) string {
		var b strings.Builder
		for _, m := range stepRE.FindAllStringSubmatch(out, -1) {
			fmt.Fprintf(&b, "%s:%s>%s ", m[1], m[2], m[3])
		}
		return b.String()
	}
	if p, q := picks(off.out), picks(on.out); p == "" || p != q {
		t.Errorf("decisions differ with tracing:\noff %s\non  %s", p, q)
	}
	if strings.Contains(off.out, "woken by") {
		t.Errorf("untraced run printed trace lines:\n%s", off.out)
	}
}

func TestTraceBadConfig(t *testing.T) {
	t.Parallel()
	r := runHelper(t, "^TestHelperTracePass$", "SIM_TRACE=yaml")
	r.must(t, 1, `SIM_TRACE="yaml"`)
}

// TestTraceEveryReportEndsWithDecisions: deadlock, panic, fatal error and a
// leak under SIM_LEAKS=fail all end their report with the last decisions.
func TestTraceEveryReportEndsWithDecisions(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, pattern string
		env           []string
	}{
		{"deadlock", "^TestHelperTraceDeadlock$", nil},
		{"panic", "^TestHelperReportPanic$", []string{"SIMRT_KIND=index"}},
		{"fatal", "^TestHelperReportPanic$", []string{"SIMRT_KIND=unlock"}},
		{"leak", "^TestHelperLeak$", []string{"SIM_LEAKS=fail"}},
	} {
		r := runHelper(t, c.pattern, append(c.env, "SIM_SEED=1")...)
		i := strings.LastIndex(r.out, "last decisions:\n")
		if r.code != 1 || i < 0 {
			t.Errorf("%s: exit %d, no last decisions:\n%s", c.name, r.code, r.out)
			continue
		}
		// Nothing but decisions and the hint between them and the replay
		// line (or the SIM_LEAKS note).
		tail := r.out[i+len("last decisions:\n"):]
		for _, line := range strings.Split(tail, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "(SIM_LEAKS=fail)") || strings.HasPrefix(line, "simrt: replay with") {
				break
			}
			if !strings.HasPrefix(line, "step ") && !strings.HasPrefix(line, "(replay with SIM_TRACE=1") {
				t.Errorf("%s: %q among the last decisions", c.name, line)
			}
		}
	}
}

// TestTraceJSONLeak: under SIM_LEAKS=fail a leak is the run's failure.
func TestTraceJSONLeak(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "trace.jsonl")
	r := runHelper(t, "^TestHelperLeak$", "SIM_SEED=1", "SIM_LEAKS=fail", "SIM_TRACE=json:"+path)
	r.must(t, 1, "SIM_LEAKS=fail")
	evs := readEvents(t, path)
	f := evs[len(evs)-2]
	if f.Op != "failure" || f.Kind != "leak" || !strings.Contains(f.Report, "still alive") || !strings.Contains(f.Report, "last decisions:") {
		t.Errorf("failure event %+v", f)
	}
}
