package trace

// Tests of simgen trace's page: its structure from a known trace, and the
// DOM its script builds in a real headless browser (Debian's chromium;
// skipped when it is absent, except under CI, where it must be there).
// cmd/simgen/testdata/script/trace.txtar runs the command end to end.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// knownTrace is a SIM_TRACE=json stream: g1 spawns g2 and g3; g2 takes
// the lock, sends to the root, and sleeps one second; g3 blocks on the
// lock; g2 unlocks (waking g3) and exits; g3 exits; the root then blocks on
// a channel receive nobody serves: a deadlock. One run of another test
// comes first, passing, to check that the failing run is the one shown.
const knownTrace = `{"i":0,"step":0,"t":0,"g":0,"op":"start","test":"TestOther","seed":7,"strategy":"random"}
{"i":1,"step":1,"t":0,"g":1,"op":"gosched","decision":true,"pos":"/m/x_test.go:3","run":1,"of":1}
{"i":2,"step":1,"t":0,"g":0,"op":"end"}
{"i":0,"step":0,"t":0,"g":0,"op":"start","test":"TestStuck","seed":7,"strategy":"random"}
{"i":1,"step":1,"t":0,"g":1,"op":"spawn","decision":true,"pos":"/m/stuck_test.go:10","target":2}
{"i":2,"step":2,"t":0,"g":1,"op":"go","decision":true,"pos":"/m/stuck_test.go:10","run":1,"of":2}
{"i":3,"step":3,"t":0,"g":1,"op":"spawn","decision":true,"pos":"/m/stuck_test.go:16","target":3}
{"i":4,"step":4,"t":0,"g":1,"op":"go","decision":true,"pos":"/m/stuck_test.go:16","run":2,"of":3}
{"i":5,"step":5,"t":0,"g":2,"op":"lock","decision":true,"pos":"/m/stuck_test.go:11","run":2,"of":3}
{"i":6,"step":6,"t":0,"g":2,"op":"chan send","decision":true,"pos":"/m/stuck_test.go:12","run":2,"of":3}
{"i":7,"step":7,"t":0,"g":2,"op":"block","decision":true,"pos":"/m/stuck_test.go:12","wait":"chan send","run":3,"of":2}
{"i":8,"step":8,"t":0,"g":3,"op":"lock","decision":true,"pos":"/m/stuck_test.go:17","run":3,"of":2}
{"i":9,"step":9,"t":0,"g":3,"op":"block","decision":true,"pos":"/m/stuck_test.go:17","wait":"sync.Mutex.Lock","run":1,"of":1}
{"i":10,"step":10,"t":0,"g":1,"op":"chan recv","decision":true,"pos":"/m/stuck_test.go:20","run":1,"of":1}
{"i":11,"step":10,"t":0,"g":2,"op":"wake","pos":"/m/stuck_test.go:20","wait":"chan send","by":1}
{"i":12,"step":11,"t":0,"g":1,"op":"chan recv","decision":true,"pos":"/m/stuck_test.go:21","run":2,"of":2}
{"i":13,"step":11,"t":0,"g":2,"op":"block","pos":"/m/stuck_test.go:13","wait":"sleep"}
{"i":14,"step":12,"t":0,"g":2,"op":"run","decision":true,"run":1,"of":1}
{"i":15,"step":12,"t":0,"g":1,"op":"block","pos":"/m/stuck_test.go:21","wait":"chan receive"}
{"i":16,"step":13,"t":1000000000,"g":0,"op":"clock","decision":true,"advance":1000000000}
{"i":17,"step":13,"t":1000000000,"g":0,"op":"timer fire","wait":"sleep","target":2,"pos":"/m/stuck_test.go:13"}
{"i":18,"step":13,"t":1000000000,"g":2,"op":"wake","wait":"sleep","via":"timer"}
{"i":19,"step":14,"t":1000000000,"g":1,"op":"run","decision":true,"wait":"chan receive","run":2,"of":1}
{"i":20,"step":14,"t":1000000000,"g":3,"op":"wake","pos":"/m/stuck_test.go:14","wait":"sync.Mutex.Lock","by":2}
{"i":21,"step":15,"t":1000000000,"g":2,"op":"unlock","decision":true,"pos":"/m/stuck_test.go:14","run":2,"of":2}
{"i":22,"step":16,"t":1000000000,"g":2,"op":"exit","decision":true}
{"i":23,"step":17,"t":1000000000,"g":2,"op":"run","decision":true,"run":3,"of":1}
{"i":24,"step":18,"t":1000000000,"g":3,"op":"unlock","decision":true,"pos":"/m/stuck_test.go:18","run":3,"of":1}
{"i":25,"step":19,"t":1000000000,"g":3,"op":"exit","decision":true}
{"i":26,"step":19,"t":1000000000,"g":0,"op":"failure","kind":"deadlock","report":"simrt: deadlock: every simulated goroutine is blocked </script><b>and</b> no timer is pending\n\ngoroutine 1 (root) [chan receive]:\n\t/m/stuck_test.go:21\n\nsimrt: replay with: SIM_SEED=7 go test -run '^TestStuck$' ."}
{"i":27,"step":19,"t":1000000000,"g":0,"op":"end"}
`

// renderKnown renders knownTrace into a page in a temporary directory.
func renderKnown(t *testing.T) (string, *traceRun) {
	t.Helper()
	r, err := readTraceRun(strings.NewReader(knownTrace))
	if err != nil {
		t.Fatal(err)
	}
	r.Package = "./m"
	r.Replay = "SIM_SEED=7 go test -run '^TestStuck$' ./m"
	var b bytes.Buffer
	if err := renderTrace(&b, r); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "trace.html")
	if err := os.WriteFile(path, b.Bytes(), 0o666); err != nil {
		t.Fatal(err)
	}
	return path, r
}

func TestTraceReadRun(t *testing.T) {
	t.Parallel()
	r, err := readTraceRun(strings.NewReader(knownTrace))
	if err != nil {
		t.Fatal(err)
	}
	if r.Test != "TestStuck" || r.Seed != 7 || r.Failure == nil || r.Failure.Kind != "deadlock" {
		t.Errorf("run %s seed %d failure %+v, want the failing TestStuck seed 7", r.Test, r.Seed, r.Failure)
	}
	if len(r.Events) != 28 || len(r.goroutines()) != 3 {
		t.Errorf("%d events, %d goroutines; want 28 and 3", len(r.Events), len(r.goroutines()))
	}
	// A long run keeps its end, where it failed.
	var b strings.Builder
	b.WriteString(`{"op":"start","test":"TestLong","seed":1}` + "\n")
	for i := 0; i < maxTraceEvents+10; i++ {
		b.WriteString(`{"op":"gosched","g":1,"decision":true,"run":1,"of":1}` + "\n")
	}
	b.WriteString(`{"op":"failure","kind":"panic","report":"boom"}` + "\n")
	r, err = readTraceRun(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Events) != maxTraceEvents || r.Dropped != 12 || !strings.Contains(string(r.Events[len(r.Events)-1]), "boom") {
		t.Errorf("%d events, %d dropped, last %s", len(r.Events), r.Dropped, r.Events[len(r.Events)-1])
	}
	if _, err := readTraceRun(strings.NewReader("")); err == nil {
		t.Errorf("an empty trace reads without error")
	}
	if _, err := readTraceRun(strings.NewReader("{\"op\":\"start\"}\nnot json\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a bad line: error %v", err)
	}
}

// TestTracePageStructure checks the page as text: self-contained, the
// events embedded intact and unable to close their script element.
func TestTracePageStructure(t *testing.T) {
	t.Parallel()
	path, r := renderKnown(t)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{
		"<!DOCTYPE html>",
		"<title>simgen trace: TestStuck seed 7</title>",
		`<script type="application/json" id="trace-data">`,
		`<div id="labels"></div><div id="scroll"></div>`,
		`<pre id="report"></pre>`,
		"SIM_SEED=7 go test -run &#39;^TestStuck$&#39; ./m",
		".span.blocked",   // the CSS, inline
		"createElementNS", // the script, inline
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Nothing from the network: no external scripts, styles or images, and
	// the only URL is the SVG namespace.
	for _, re := range []string{`<script[^>]+src=`, `<link\b`, `<img\b`, `@import`, `url\(http`} {
		if regexp.MustCompile(re).MatchString(page) {
			t.Errorf("page matches %s: not self-contained", re)
		}
	}
	for _, u := range regexp.MustCompile(`https?://[^\s"'<>]+`).FindAllString(page, -1) {
		if u != "http://www.w3.org/2000/svg" {
			t.Errorf("page names URL %s", u)
		}
	}
	// The data parses back to the run, the report's "</script>" and all.
	m := regexp.MustCompile(`(?s)<script type="application/json" id="trace-data">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no trace-data element")
	}
	var got struct {
		Test    string            `json:"test"`
		Root    int               `json:"root"`
		Events  []json.RawMessage `json:"events"`
		Failure *traceFailure     `json:"failure"`
	}
	if err := json.Unmarshal([]byte(m[1]), &got); err != nil {
		t.Fatalf("trace-data: %v", err)
	}
	if got.Test != "TestStuck" || got.Root != 1 || len(got.Events) != len(r.Events) || got.Failure == nil || !strings.Contains(got.Failure.Report, "</script><b>and</b>") {
		t.Errorf("trace-data: test %q root %d, %d events, failure %+v", got.Test, got.Root, len(got.Events), got.Failure)
	}
}

// chromium returns the browser's path, or skips the test when it is
// absent, unless CI is set: CI installs it (.ci/run), so there its absence
// is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	const path = "/usr/bin/chromium"
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing (.ci/run installs it): %v", path, err)
		}
		t.Skipf("%s is not installed (apt-get install chromium); the page's script is not checked in a browser", path)
	}
	return path
}

// TestTracePageInBrowser loads the page in headless chromium and checks the
// DOM its script built: one lane per goroutine, each goroutine's spans, the
// wake arrows, the failure marker and the goroutine stuck at it.
func TestTracePageInBrowser(t *testing.T) {
	t.Parallel()
	bin := chromium(t)
	path, r := renderKnown(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-first-run", "--user-data-dir="+t.TempDir(), "--dump-dom", "file://"+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	dom := string(out)
	count := func(re string) int { return len(regexp.MustCompile(re).FindAllString(dom, -1)) }
	if count(`<body[^>]*data-rendered="true"`) != 1 {
		t.Fatalf("the script did not finish rendering; DOM:\n%s\nstderr:\n%s", dom, stderr.String())
	}
	if n, want := count(`<g class="lane" data-g="\d+"`), len(r.goroutines()); n != want {
		t.Errorf("%d lanes, want one per goroutine: %d", n, want)
	}
	for g := 1; g <= 3; g++ {
		if count(`<g class="lane" data-g="`+string(rune('0'+g))+`"`) != 1 {
			t.Errorf("no lane for g%d", g)
		}
	}
	if count(`<g class="lane-clock" data-g="0"`) != 1 {
		t.Errorf("no clock lane, though a timer fired")
	}
	// Three wakes: g1 woke g2, the timer woke g2, g2 woke g3.
	if n := count(`<line class="wake"`); n != 3 {
		t.Errorf("%d wake arrows, want 3", n)
	}
	for _, re := range []string{
		`<line class="wake"[^>]*data-from="1" data-to="2"`,
		`<line class="wake"[^>]*data-from="0" data-to="2"`,
		`<line class="wake"[^>]*data-from="2" data-to="3"`,
		`<rect id="failure-marker"`,
		`<rect class="span blocked"[^>]*data-info="g1 blocked: waits on chan receive at /m/stuck_test.go:21`,
		`<rect class="span blocked"[^>]*data-info="g3 blocked: waits on sync.Mutex.Lock at /m/stuck_test.go:17`,
		`<rect class="span running"`,
		`<rect class="stuck-mark"[^>]*data-info="g1 stuck: waits on chan receive at /m/stuck_test.go:21"`,
		`<text class="stuck-label"[^>]*>✖ waits on chan receive at stuck_test.go:21</text>`,
		`<text class="vtime-label"[^>]*>\+1s</text>`,
		`<div class="lane-label stuck" data-g="1">g1 \(root\)`,
		`<pre id="report">simrt: deadlock: every simulated goroutine is blocked &lt;/script&gt;&lt;b&gt;and&lt;/b&gt;`,
		`<h2 id="report-title">Failure: deadlock</h2>`,
		`<span id="summary">3 goroutines, 28 events, 19 decisions`,
	} {
		if count(re) == 0 {
			t.Errorf("DOM lacks %s", re)
		}
	}
	// Only the root is stuck: g2 and g3 ended.
	if n := count(`<rect class="stuck-mark"`); n != 1 {
		t.Errorf("%d stuck marks, want 1 (the root)", n)
	}
	if t.Failed() {
		t.Logf("DOM:\n%s", dom)
	}
}

// wakersModule is a module whose TestWakers wakes a blocked goroutine
// through each primitive in turn, always from another goroutine than the
// root (or from the clock), and then fails with a message of its own; and
// whose TestPanicLane panics in a goroutine while the root waits.
// Goroutine ids follow spawn order: scenario i's waiter is g(2+2i), its
// waker g(3+2i).
const wakersModule = `-- go.mod --
module example.com/wakers

go 1.22
-- w_test.go --
package wakers

import (
	"context"
	"sync"
	"testing"
	"time"
)

func pair(waiter, waker func()) {
	done := make(chan bool, 2)
	go func() { waiter(); done <- true }()
	go func() { waker(); done <- true }()
	<-done
	<-done
}

const ms = time.Millisecond

func TestWakers(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(1)
	pair(func() { wg.Wait() }, func() { time.Sleep(ms); wg.Done() })

	var mu sync.Mutex
	c := sync.NewCond(&mu)
	ok := false
	pair(func() {
		mu.Lock()
		for !ok {
			c.Wait()
		}
		mu.Unlock()
	}, func() { time.Sleep(ms); mu.Lock(); ok = true; c.Signal(); mu.Unlock() })

	var once sync.Once
	pair(func() { time.Sleep(ms); once.Do(func() {}) }, func() { once.Do(func() { time.Sleep(2 * ms) }) })

	var m sync.Mutex
	pair(func() { time.Sleep(ms); m.Lock(); m.Unlock() }, func() { m.Lock(); time.Sleep(2 * ms); m.Unlock() })

	var rw sync.RWMutex
	pair(func() { time.Sleep(ms); rw.Lock(); rw.Unlock() }, func() { rw.RLock(); time.Sleep(2 * ms); rw.RUnlock() })

	ch := make(chan int)
	pair(func() { <-ch }, func() { time.Sleep(ms); ch <- 1 })

	pair(func() { <-time.After(ms) }, func() {})

	ctx, cancel := context.WithCancel(context.Background())
	pair(func() { <-ctx.Done() }, func() { time.Sleep(ms); cancel() })

	t.Fatalf("balance went negative: %d", -60)
}

func TestPanicLane(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		panic("boom in g2")
	}()
	wg.Wait()
}
`

// TestTraceWakersInBrowser traces real runs with simgen trace and checks,
// in headless chromium, that the page shows the test's own failure
// message, that every wake-up is drawn from its true waker (WaitGroup,
// Cond, Once, Mutex, RWMutex, channel, timer, context), and that the lane
// marked failed is the failing goroutine's.
func TestTraceWakersInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and traces a module")
	}
	t.Parallel()
	browser := chromium(t)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "simgen")
	if out, err := exec.Command("go", "build", "-o", bin, "simgen.dev/simgen/cmd/simgen").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := filepath.Join(tmp, "wakers")
	for _, f := range txtarFiles(t, wakersModule) {
		p := filepath.Join(dir, f[0])
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f[1]), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	page := func(test string) string {
		t.Helper()
		out := filepath.Join(tmp, test+".html")
		cmd := exec.Command(bin, "-C", dir, "trace", "-seed", "1", "-run", "^"+test+"$", "-out", out, ".")
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		msg, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Fatalf("simgen trace %s: %v (want exit status 1: the test fails)\n%s", test, err, msg)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		b := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--no-first-run", "--user-data-dir="+t.TempDir(), "--dump-dom", "file://"+out)
		dom, err := b.Output()
		if err != nil {
			t.Fatalf("chromium: %v", err)
		}
		if !strings.Contains(string(dom), `data-rendered="true"`) {
			t.Fatalf("the script did not finish rendering:\n%s", dom)
		}
		return string(dom)
	}

	dom := page("TestWakers")
	has := func(re string) bool { return regexp.MustCompile(re).MatchString(dom) }
	if !has(`<pre id="test-output">[^<]*balance went negative: -60`) {
		t.Errorf("the page does not show the test's message")
	}
	for i, prim := range []string{"WaitGroup", "Cond", "Once", "Mutex", "RWMutex", "channel", "timer", "context"} {
		waiter, waker := 2+2*i, 3+2*i
		if prim == "timer" {
			waker = 0 // the clock
		}
		re := fmt.Sprintf(`<line class="wake"[^>]*data-from="%d" data-to="%d"`, waker, waiter)
		if !has(re) {
			t.Errorf("%s: no wake of g%d from g%d", prim, waiter, waker)
		}
	}
	if has(`woken by a native`) {
		t.Errorf("a wake is drawn as from a native channel")
	}
	if !has(`<div class="lane-label failed" data-g="1"[^>]*>`) || !has(`<rect class="failed-mark"`) {
		t.Errorf("the root's lane (the failing t.Fatalf) is not marked failed")
	}

	dom = page("TestPanicLane")
	if !has(`<div class="lane-label failed" data-g="2"[^>]*>g2  ✖ panic`) {
		t.Errorf("the panicking goroutine's lane (g2) is not marked")
	}
	if has(`<div class="lane-label[^"]*failed[^"]*" data-g="1">`) || has(`<rect class="stuck-mark"`) {
		t.Errorf("the root, waiting in wg.Wait, is marked for a panic in g2")
	}
	if !has(`<pre id="report">panic: boom in g2`) {
		t.Errorf("the panic's report is not shown")
	}
	if t.Failed() {
		t.Logf("DOM:\n%s", dom)
	}
}

// txtarFiles splits a small txtar text into name, content pairs.
func txtarFiles(t *testing.T, text string) [][2]string {
	var files [][2]string
	for _, part := range strings.Split(text, "-- ")[1:] {
		name, body, ok := strings.Cut(part, " --\n")
		if !ok {
			t.Fatalf("bad txtar part %q", part)
		}
		files = append(files, [2]string{name, body})
	}
	return files
}
