package corpus

// The strategy study: seeds to the first failure of every TestBug under
// several strategies, each over several disjoint seed ranges, so that a
// strategy's speed is a distribution rather than one draw of the random
// stream. It takes minutes, so it runs only with SIMGEN_STRATEGY_STUDY=1:
//
//	SIMGEN_STRATEGY_STUDY=1 go test ./corpus -run TestCorpus -count=1 -timeout 2h -update
//
// writes the raw data to corpus/strategy_study.tsv, and every -update renders
// it into docs/bugs.md (section "Strategies over many seed ranges").

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	studyEnv  = "SIMGEN_STRATEGY_STUDY"
	studyFile = "strategy_study.tsv"
	// studyRanges is the number of disjoint seed ranges, studyCap the seeds
	// each range gets.
	studyRanges = 50
	studyCap    = 500
)

// studyStrategies are measured by the study, the candidates for the default
// first.
var studyStrategies = []string{"random", "portfolio", "pct:3", "pct:2", "pct:3:30", "pct:2:30", "pct:3:300"}

// studyStart is the first seed of range r: 1, 100002, 200003, ..., 4900050 The ranges
// are disjoint, and the +r varies the portfolio's phase (which of its members
// a range's first seed runs) from one range to the next, as a fresh SIM_SEED
// would.
func studyStart(r int) int { return r*100000 + r + 1 }

// study is the raw data: seeds[bug][strategy][r] is the number of seeds range
// r tried up to and including its first failure, or 0 if none failed within
// studyCap.
type study struct {
	machine string
	wall    time.Duration
	seeds   map[string]map[string][]int
}

// runStudy measures every bug under every study strategy over every range,
// one test binary process per bug, strategy and range.
func runStudy(t *testing.T, bugs []*bug, par int) *study {
	type job struct {
		b *bug
		s string
		r int
	}
	var jobs []job
	st := &study{seeds: make(map[string]map[string][]int)}
	for _, b := range bugs {
		st.seeds[b.pkg] = make(map[string][]int)
		for _, s := range studyStrategies {
			st.seeds[b.pkg][s] = make([]int, studyRanges)
			for r := range studyRanges {
				jobs = append(jobs, job{b, s, r})
			}
		}
	}
	start := time.Now()
	var mu sync.Mutex
	ch := make(chan job)
	var wg sync.WaitGroup
	for range par {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				first := studyStart(j.r)
				out, failed, err := runTest(j.b, "TestBug", j.s, first, studyCap)
				n := 0
				switch {
				case err != nil:
					t.Errorf("study %s %s seeds %d..: %v\n%s", j.b.pkg, j.s, first, err, out)
				case failed:
					m := replayRE.FindSubmatch(out)
					if m == nil {
						t.Errorf("study %s %s: TestBug failed without a replay line:\n%s", j.b.pkg, j.s, out)
						break
					}
					seed, _ := strconv.Atoi(string(m[1]))
					n = seed - first + 1
				}
				mu.Lock()
				st.seeds[j.b.pkg][j.s][j.r] = n
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	st.wall = time.Since(start).Round(time.Second)
	st.machine = machine(par)
	return st
}

// machine describes the computer the study ran on.
func machine(par int) string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	gover := runtime.Version()
	if out, err := exec.Command("go", "env", "GOVERSION").Output(); err == nil {
		gover = strings.TrimSpace(string(out))
	}
	return fmt.Sprintf("%s, %d CPUs (%d processes at a time), %s/%s, %s", cpu, runtime.NumCPU(), par, runtime.GOOS, runtime.GOARCH, gover)
}

func (st *study) write(path string) error {
	var w strings.Builder
	fmt.Fprintf(&w, "# simgen strategy study, written by %s=1 go test ./corpus -run TestCorpus\n", studyEnv)
	fmt.Fprintf(&w, "# seeds to the first failure of TestBug (0: none within the cap)\n")
	fmt.Fprintf(&w, "# cap\t%d\n# ranges\t%d\n# machine\t%s\n# wall\t%s\n", studyCap, studyRanges, st.machine, st.wall)
	fmt.Fprintf(&w, "# bug\tstrategy\tseeds in range 0, 1, ... (range r starts at seed r*100000+r+1)\n")
	for _, b := range slices.Sorted(mapKeys(st.seeds)) {
		for _, s := range studyStrategies {
			var ns []string
			for _, n := range st.seeds[b][s] {
				ns = append(ns, strconv.Itoa(n))
			}
			fmt.Fprintf(&w, "%s\t%s\t%s\n", b, s, strings.Join(ns, " "))
		}
	}
	return os.WriteFile(path, []byte(w.String()), 0o644)
}

func readStudy(path string) (*study, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st := &study{seeds: make(map[string]map[string][]int)}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Split(sc.Text(), "\t")
		if strings.HasPrefix(fields[0], "#") {
			switch fields[0] {
			case "# cap":
				if fields[1] != strconv.Itoa(studyCap) {
					return nil, fmt.Errorf("%s: cap %s, want %d: run the study again", path, fields[1], studyCap)
				}
			case "# machine":
				st.machine = fields[1]
			case "# wall":
				st.wall, _ = time.ParseDuration(fields[1])
			}
			continue
		}
		if len(fields) != 3 {
			return nil, fmt.Errorf("%s:%d: want 3 fields", path, line)
		}
		var ns []int
		for _, f := range strings.Fields(fields[2]) {
			n, err := strconv.Atoi(f)
			if err != nil || n < 0 || n > studyCap {
				return nil, fmt.Errorf("%s:%d: bad count %q", path, line, f)
			}
			ns = append(ns, n)
		}
		if len(ns) != studyRanges {
			return nil, fmt.Errorf("%s:%d: %d ranges, want %d: run the study again", path, line, len(ns), studyRanges)
		}
		b, s := fields[0], fields[1]
		if st.seeds[b] == nil {
			st.seeds[b] = make(map[string][]int)
		}
		st.seeds[b][s] = ns
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for b, m := range st.seeds {
		for _, s := range studyStrategies {
			if m[s] == nil {
				return nil, fmt.Errorf("%s: no data for %s under %s: run the study again", path, b, s)
			}
		}
	}
	return st, nil
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// samples returns strategy s's seeds to find over the bugs and ranges, a miss
// counted as studyCap+1.
func (st *study) samples(bugs []string, s string) []int {
	var xs []int
	for _, b := range bugs {
		for _, n := range st.seeds[b][s] {
			xs = append(xs, censor(n))
		}
	}
	return xs
}

func censor(n int) int {
	if n == 0 {
		return studyCap + 1
	}
	return n
}

func mean(xs []int) float64 {
	sum := 0
	for _, x := range xs {
		sum += x
	}
	return float64(sum) / float64(len(xs))
}

func median(xs []int) float64 {
	ys := slices.Sorted(slices.Values(xs))
	n := len(ys)
	if n%2 == 1 {
		return float64(ys[n/2])
	}
	return float64(ys[n/2-1]+ys[n/2]) / 2
}

func quantile(xs []int, q float64) int {
	ys := slices.Sorted(slices.Values(xs))
	i := int(math.Ceil(q*float64(len(ys)))) - 1
	return ys[max(i, 0)]
}

func showSeeds(x int) string {
	if x > studyCap {
		return fmt.Sprintf(">%d", studyCap)
	}
	return strconv.Itoa(x)
}

// studyStats summarizes one strategy over the corpus.
type studyStats struct {
	everyRange int     // bugs found within the cap in every range
	found      int     // bug x range samples found within the cap
	samples    int     // bug x range samples
	median     float64 // over all samples
	p90, worst int
	mean       float64 // over all samples
	rangeMeans []float64
	sd         float64 // standard deviation of the per-range corpus means
}

func (st *study) stats(bugs []string, s string) studyStats {
	var ss studyStats
	for _, b := range bugs {
		if !slices.Contains(st.seeds[b][s], 0) {
			ss.everyRange++
		}
	}
	xs := st.samples(bugs, s)
	ss.samples = len(xs)
	for _, x := range xs {
		if x <= studyCap {
			ss.found++
		}
	}
	ss.median, ss.mean = median(xs), mean(xs)
	ss.p90, ss.worst = quantile(xs, 0.9), slices.Max(xs)
	for r := range studyRanges {
		var per []int
		for _, b := range bugs {
			per = append(per, censor(st.seeds[b][s][r]))
		}
		ss.rangeMeans = append(ss.rangeMeans, mean(per))
	}
	var v float64
	for _, m := range ss.rangeMeans {
		v += (m - ss.mean) * (m - ss.mean)
	}
	ss.sd = math.Sqrt(v / float64(len(ss.rangeMeans)-1))
	return ss
}

// mannWhitney returns the two-sided p-value of the Mann-Whitney U test that
// xs and ys come from the same distribution (normal approximation, with the
// tie correction and a continuity correction).
func mannWhitney(xs, ys []int) float64 {
	type v struct {
		x    int
		left bool
	}
	var all []v
	for _, x := range xs {
		all = append(all, v{x, true})
	}
	for _, y := range ys {
		all = append(all, v{y, false})
	}
	slices.SortFunc(all, func(a, b v) int { return a.x - b.x })
	n1, n2, n := float64(len(xs)), float64(len(ys)), float64(len(all))
	var r1, ties float64
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].x == all[i].x {
			j++
		}
		rank := float64(i+j+1) / 2 // ranks i+1..j, averaged
		for k := i; k < j; k++ {
			if all[k].left {
				r1 += rank
			}
		}
		t := float64(j - i)
		ties += t*t*t - t
		i = j
	}
	u := r1 - n1*(n1+1)/2
	sigma := math.Sqrt(n1 * n2 / 12 * ((n + 1) - ties/(n*(n-1))))
	if sigma == 0 {
		return 1
	}
	z := (math.Abs(u-n1*n2/2) - 0.5) / sigma
	if z < 0 {
		return 1
	}
	return math.Erfc(z / math.Sqrt2)
}

// renderStudy writes the study's section of docs/bugs.md.
func renderStudy(w *strings.Builder, bugs []string, st *study) {
	fmt.Fprintf(w, `
## Strategies over many seed ranges

One sequence of seeds per bug is one draw of the random stream. The study
runs every TestBug under each strategy over %d disjoint seed ranges of %d
seeds (range r starts at seed r*100000+r+1: 1, 100002, 200003, ..., 4900050; the +r
varies which member of the portfolio a range starts with) and records the
seeds tried until the first failure: %d bugs x %d ranges = %d samples per
strategy, a miss counting as %d. Machine: %s; wall time %s, one test
binary process per bug, strategy and range. Reproduce with

    %s=1 go test ./corpus -run TestCorpus -count=1 -timeout 2h -update

which writes the raw data to corpus/%s; every -update renders it here.

| strategy | bugs found in every range | samples found | median | mean ± sd over ranges (min-max of the %d range means) | 90th percentile | worst |
|---|---|---|---|---|---|---|
`, studyRanges, studyCap, len(bugs), studyRanges, len(bugs)*studyRanges, studyCap+1,
		st.machine, st.wall, studyEnv, studyFile, studyRanges)
	for _, s := range studyStrategies {
		ss := st.stats(bugs, s)
		fmt.Fprintf(w, "| %s | %d of %d | %d of %d | %g | %.1f ± %.1f (%.1f-%.1f) | %s | %s |\n",
			s, ss.everyRange, len(bugs), ss.found, ss.samples, ss.median,
			ss.mean, ss.sd, slices.Min(ss.rangeMeans), slices.Max(ss.rangeMeans),
			showSeeds(ss.p90), showSeeds(ss.worst))
	}
	fmt.Fprintf(w, "\nPer bug, the mean seeds to the first failure over the %d ranges (a miss counts as %d; \"(m)\" is the number of ranges that missed):\n\n", studyRanges, studyCap+1)
	fmt.Fprintf(w, "| package | %s |\n|---|%s\n", strings.Join(studyStrategies, " | "), strings.Repeat("---|", len(studyStrategies)))
	for _, b := range bugs {
		fmt.Fprintf(w, "| %s |", b)
		for _, s := range studyStrategies {
			xs := st.samples([]string{b}, s)
			miss := 0
			for _, x := range xs {
				if x > studyCap {
					miss++
				}
			}
			switch {
			case miss == len(xs):
				fmt.Fprintf(w, " never |")
			case miss > 0:
				fmt.Fprintf(w, " %.1f (%d) |", mean(xs), miss)
			default:
				fmt.Fprintf(w, " %.1f |", mean(xs))
			}
		}
		w.WriteString("\n")
	}
	fmt.Fprintf(w, "\nAgainst random, per bug: the bugs a strategy finds faster or slower with a two-sided Mann-Whitney p < 0.01 over the %d ranges (its mean, then random's), and the ranges where its corpus mean is below random's:\n\n", studyRanges)
	rs := st.stats(bugs, "random")
	for _, s := range studyStrategies[1:] {
		var faster, slower []string
		for _, b := range bugs {
			xs, ys := st.samples([]string{b}, s), st.samples([]string{b}, "random")
			if mannWhitney(xs, ys) >= 0.01 {
				continue
			}
			d := fmt.Sprintf("%s (%.1f, %.1f)", b, mean(xs), mean(ys))
			if mean(xs) < mean(ys) {
				faster = append(faster, d)
			} else {
				slower = append(slower, d)
			}
		}
		below := 0
		for r, m := range st.stats(bugs, s).rangeMeans {
			if m < rs.rangeMeans[r] {
				below++
			}
		}
		fmt.Fprintf(w, "- %s: faster on %s; slower on %s; corpus mean below random's in %d of %d ranges.\n", s, list(faster), list(slower), below, studyRanges)
	}
	ps := st.stats(bugs, "portfolio")
	k30, k300 := st.stats(bugs, "pct:3:30"), st.stats(bugs, "pct:3:300")
	d2 := st.stats(bugs, "pct:2:30")
	fmt.Fprintf(w, `
Decision: the default stays the portfolio. What the data says:

- Random is the fastest strategy on this corpus: mean %.1f seeds (sd %.1f
  over ranges) against the portfolio's %.1f (sd %.1f), worst sample %s
  against %s, median %g and %g; each finds %d and %d of the %d bugs in
  every range.
- The gap is bounded by construction: every other portfolio seed is a random
  seed, so the portfolio needs at most about twice random's seeds on any bug.
  That is what it pays on the bugs that need a goroutine preempted between
  two of its own steps (abba, atomicsplit, mutexcopy, ...: ratio near 2 in
  the per-bug table). Its PCT half wins about twice on the bugs that need one
  goroutine to run ahead of another (prodcons, wgaddinside). On this corpus,
  every shift of weight from PCT to random lowers the mean; the corpus has no
  interior optimum to pick a weight from, and random alone has no bound at
  all on orderings whose probability falls with the length of the run, which
  PCT's depth bound covers and a corpus of programs of tens of steps cannot
  show. Between a measured constant factor (%.1f seeds of mean here, and
  the whole study, %d seeds, took %s) and an unbounded worst case, we keep
  the portfolio.
- Depth: pct:3:30 (mean %.1f) beats pct:2:30 (mean %.1f): depth 3 stays.
- Step bound: pct:3:30 (mean %.1f) beats pct:3:300 (mean %.1f) and pct:3
  (k = 10000), which misses the preemption bugs: these programs make tens
  of decisions. The portfolio's k cycle (30, 300, 3000, 30000) keeps one PCT
  seed in four at k = 30 for them, and the others for longer programs, which
  this corpus does not have; it stays.
`, rs.mean, rs.sd, ps.mean, ps.sd, showSeeds(rs.worst), showSeeds(ps.worst),
		rs.median, ps.median, rs.everyRange, ps.everyRange, len(bugs),
		ps.mean-rs.mean, st.total(), st.wall,
		k30.mean, d2.mean, k30.mean, k300.mean)
}

// total is the number of seeds the study ran.
func (st *study) total() int {
	n := 0
	for _, m := range st.seeds {
		for _, ns := range m {
			for _, x := range ns {
				n += min(censor(x), studyCap)
			}
		}
	}
	return n
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}

// TestMannWhitney checks the test the study's per-bug comparisons rest on.
func TestMannWhitney(t *testing.T) {
	same := []int{1, 2, 2, 3, 5, 1, 4, 2, 1, 3}
	if p := mannWhitney(same, same); p < 0.9 {
		t.Errorf("identical samples: p = %.3g, want about 1", p)
	}
	if p := mannWhitney([]int{1, 1, 1, 1, 1}, []int{1, 1, 1, 1, 1}); p != 1 {
		t.Errorf("all ties: p = %.3g, want 1", p)
	}
	lo := []int{1, 2, 1, 3, 2, 1, 2, 1, 2, 1, 1, 2}
	hi := []int{7, 9, 6, 12, 8, 10, 7, 11, 9, 8, 6, 13}
	p := mannWhitney(lo, hi)
	if p > 1e-4 {
		t.Errorf("separated samples: p = %.3g, want under 1e-4", p)
	}
	if q := mannWhitney(hi, lo); math.Abs(p-q) > 1e-12 {
		t.Errorf("not symmetric: %.3g and %.3g", p, q)
	}
}

// TestStudyFile checks that corpus/strategy_study.tsv parses and round-trips.
func TestStudyFile(t *testing.T) {
	st, err := readStudy(studyFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.seeds) < 25 {
		t.Errorf("%d bugs in the study, want at least 25", len(st.seeds))
	}
	path := filepath.Join(t.TempDir(), studyFile)
	if err := st.write(path); err != nil {
		t.Fatal(err)
	}
	again, err := readStudy(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(st.seeds, again.seeds) || st.machine != again.machine || st.wall != again.wall {
		t.Errorf("strategy_study.tsv does not round-trip")
	}
}
