package explore

// This file is a campaign's report: its closing summary record, and the
// report printed from the records alone (printCampaign), which simgen merge
// prints too, from the shards' files.

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// sortFailures orders failures by package (in the campaign's order), then
// smallest seed, test and id: an order every shard layout agrees on.
func sortFailures(fs []*failureRecord, pkgs []string) {
	slices.SortFunc(fs, func(a, b *failureRecord) int {
		return cmp.Or(cmp.Compare(slices.Index(pkgs, a.Package), slices.Index(pkgs, b.Package)),
			cmp.Compare(a.Seed, b.Seed), cmp.Compare(a.Test, b.Test), cmp.Compare(a.ID, b.ID))
	})
}

// summary is the campaign's closing record.
func (c *campaign) summary(broken, keptFailed []string) summaryRecord {
	elapsed := time.Since(c.start)
	s := summaryRecord{Shard: c.x.camp.shard, Distinct: len(c.fails), Broken: broken,
		WallSeconds: elapsed.Seconds(), Stopped: c.stopped, KeptFailed: keptFailed}
	for _, p := range c.pkgs {
		for _, t := range p.tests {
			s.Tests = append(s.Tests, testCount{Package: p.path, Test: t, Seeds: c.counts[pkgTest{p.path, t}]})
		}
	}
	for _, f := range c.fails {
		s.Failures += f.Hits
	}
	s.Explored = explored(s.Tests)
	s.SeedsPerSec = rate(s.Explored, elapsed)
	s.Complete = c.stopped == "" && len(broken) == 0
	return s
}

// explored is the seeds a campaign covered: for each package, the seeds of
// its test that ran the most, summed.
func explored(tests []testCount) int {
	most := make(map[string]int)
	for _, t := range tests {
		most[t.Package] = max(most[t.Package], t.Seeds)
	}
	n := 0
	for _, m := range most {
		n += m
	}
	return n
}

// printCampaign prints a campaign's report from its records: each distinct
// failure with its output, smallest seed, hits and replay line, a line per
// package, and the totals. sums holds one summary per shard.
func printCampaign(w io.Writer, pkgs []string, fs []*failureRecord, sums []summaryRecord, kept []string) {
	tests := mergeCounts(sums)
	perPkg := make(map[string]int)
	for _, t := range tests {
		perPkg[t.Package] = max(perPkg[t.Package], t.Seeds)
	}
	broken := make(map[string]bool)
	for _, s := range sums {
		for _, b := range s.Broken {
			broken[b] = true
		}
	}
	hits := 0
	for _, p := range pkgs {
		n := 0
		for _, f := range fs {
			if f.Package != p {
				continue
			}
			n++
			hits += f.Hits
			io.WriteString(w, strings.TrimRight(f.Output, "\n")+"\n")
			what := f.signature.String()
			if f.Test == "" {
				what = "the test process failed before any test ran"
			}
			if f.Alone != nil && !*f.Alone {
				fmt.Fprintf(w, "FAIL\t%s\tseeds %d to %d\t%s (%s)\n", p, f.First, f.First+uint64(f.Count)-1, what, plural(f.Hits, "seed"))
				fmt.Fprintf(w, "simgen: seed %d fails in the run of seeds %d to %d, but passes alone: the failure depends on what ran before it\n", f.Seed, f.First, f.First+uint64(f.Count)-1)
			} else {
				fmt.Fprintf(w, "FAIL\t%s\tseed %d\t%s (%s)\n", p, f.Seed, what, plural(f.Hits, "seed"))
			}
			fmt.Fprintf(w, "simgen: replay with: %s\n", f.Replay)
		}
		switch {
		case broken[p]:
			fmt.Fprintf(w, "FAIL\t%s [build failed]\n", p)
		case n == 0 && perPkg[p] == 0:
			fmt.Fprintf(w, "?   \t%s\t[no tests explored]\n", p)
		case n == 0:
			fmt.Fprintf(w, "ok  \t%s\t%s\n", p, plural(perPkg[p], "seed"))
		}
	}
	for _, k := range kept {
		fmt.Fprintf(w, "simgen: kept %s\n", k)
	}
	var kf []string
	for _, s := range sums {
		kf = append(kf, s.KeptFailed...)
	}
	slices.Sort(kf)
	for _, k := range slices.Compact(kf) {
		fmt.Fprintf(w, "simgen: kept seed %s fails (its output is above the exploration's)\n", k)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "simgen: explored %s, %s, %s", plural(explored(tests), "seed"), plural(hits, "failing seed"), plural(len(fs), "distinct failure"))
	if len(fs) > 0 {
		best := fs[0]
		for _, f := range fs {
			if f.Seed < best.Seed {
				best = f
			}
		}
		name := cmp.Or(best.Test, "no test")
		if len(pkgs) > 1 {
			name += " in " + best.Package
		}
		fmt.Fprintf(&b, "; smallest failing seed %d (%s)", best.Seed, name)
	}
	fmt.Fprintln(w, b.String())
	// The last line is the only one that differs between one machine and
	// merged shards: wall time and rate.
	var wall, sum float64
	stopped := ""
	for _, s := range sums {
		wall = max(wall, s.WallSeconds)
		sum += s.WallSeconds
		if s.Stopped != "" {
			stopped = s.Stopped
		} else if !s.Complete && stopped == "" {
			stopped = "incomplete"
		}
	}
	d := time.Duration(wall * float64(time.Second))
	line := fmt.Sprintf("simgen: shard %s, %s, %.0f seeds/s", sums[0].Shard, roundDuration(d), rate(explored(tests), d))
	if len(sums) > 1 {
		line = fmt.Sprintf("simgen: %d shards merged, %s at most, %.0f seeds/s together, %.0f seeds/s per shard", len(sums), roundDuration(d), rate(explored(tests), d), float64(explored(tests))/max(sum, 1e-9))
	}
	if stopped != "" {
		line += "; stopped early: " + stopped
	}
	fmt.Fprintln(w, line)
}

// mergeCounts sums the seeds of each test over the shards' summaries.
func mergeCounts(sums []summaryRecord) []testCount {
	var out []testCount
	idx := make(map[pkgTest]int)
	for _, s := range sums {
		for _, t := range s.Tests {
			k := pkgTest{t.Package, t.Test}
			if i, ok := idx[k]; ok {
				out[i].Seeds += t.Seeds
				continue
			}
			idx[k] = len(out)
			out = append(out, t)
		}
	}
	return out
}
