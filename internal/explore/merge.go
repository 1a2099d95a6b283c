package explore

// This file is simgen merge: it reads the -json files of a campaign's
// shards and prints the report one machine would have printed over the
// same seeds (campaign.go's printCampaign), optionally writing the merged
// results as one file.
//
// Invariants: the merge of a distinct failure keeps the record of its
// smallest seed (the output, replay line and whether it fails alone come
// from the shard that ran it) and sums the hits; seeds per test are summed.
// Shards that disagree on what the campaign is (seed range, shard count,
// decision-stream version, signature format) are refused, since their
// union is not one campaign's seeds.

import (
	"fmt"
	"io"
	"slices"
)

// Merge is simgen merge: it reads the shards' results files at paths,
// prints the report one machine would have printed over their seeds, and
// with out set writes the merged results there. Missing or unfinished
// shards are reported on stderr. It returns an ExitError when the merged
// campaign failed.
func Merge(paths []string, out string, stdout, stderr io.Writer) error {
	var files []*resultsFile
	for _, path := range paths {
		rf, err := readResults(path)
		if err != nil {
			return err
		}
		files = append(files, rf)
	}
	camp, fails, sums, err := mergeResults(files, stderr)
	if err != nil {
		return err
	}
	if out != "" {
		r, err := createResults(out, camp)
		if err != nil {
			return err
		}
		merged := sums[0]
		merged.Shard = shard{Index: 0, Total: 1}
		merged.Tests = mergeCounts(sums)
		merged.Explored = explored(merged.Tests)
		merged.Distinct = len(fails)
		merged.Failures, merged.WallSeconds, merged.Complete = 0, 0, true
		for _, f := range fails {
			merged.Failures += f.Hits
		}
		for _, s := range sums {
			merged.WallSeconds = max(merged.WallSeconds, s.WallSeconds)
			merged.Complete = merged.Complete && s.Complete
		}
		merged.SeedsPerSec = float64(merged.Explored) / max(merged.WallSeconds, 1e-9)
		camp.Shard = merged.Shard
		if err := r.finish(camp, fails, merged); err != nil {
			return err
		}
	}
	var kept []string
	for _, f := range fails {
		if f.Kept != "" {
			kept = append(kept, f.Kept)
		}
	}
	printCampaign(stdout, camp.Packages, fails, sums, kept)
	if len(fails) > 0 {
		return ExitError(1)
	}
	for _, s := range sums {
		if len(s.Broken) > 0 || len(s.KeptFailed) > 0 {
			return ExitError(1)
		}
	}
	return nil
}

// mergeResults combines the shards' files. Missing shards and shards that
// did not finish are reported on stderr; they make the merge partial, not
// wrong.
func mergeResults(files []*resultsFile, stderr io.Writer) (campaignRecord, []*failureRecord, []summaryRecord, error) {
	first := *files[0].campaign
	seen := make(map[int]string)
	var sums []summaryRecord
	byID := make(map[string]*failureRecord)
	var order []string
	for _, rf := range files {
		c := rf.campaign
		switch {
		case c.FirstSeed != first.FirstSeed || c.Seeds != first.Seeds:
			return first, nil, nil, fmt.Errorf("%s explores seeds %d+%d, %s seeds %d+%d: not one campaign", rf.path, c.FirstSeed, c.Seeds, files[0].path, first.FirstSeed, first.Seeds)
		case c.Shard.Total != first.Shard.Total:
			return first, nil, nil, fmt.Errorf("%s is shard %s, %s shard %s: not one campaign", rf.path, c.Shard, files[0].path, first.Shard)
		case c.Stream != first.Stream || c.Signature != first.Signature:
			return first, nil, nil, fmt.Errorf("%s was run by a simgen with decision-stream version %d and signatures %d, %s by %d and %d: their seeds are not the same schedules", rf.path, c.Stream, c.Signature, files[0].path, first.Stream, first.Signature)
		case c.Strategy != first.Strategy || c.Run != first.Run:
			return first, nil, nil, fmt.Errorf("%s ran SIM_STRATEGY=%q -run %q, %s SIM_STRATEGY=%q -run %q: not one campaign", rf.path, c.Strategy, c.Run, files[0].path, first.Strategy, first.Run)
		}
		if prev, ok := seen[c.Shard.Index]; ok {
			return first, nil, nil, fmt.Errorf("%s and %s are both shard %s", prev, rf.path, c.Shard)
		}
		seen[c.Shard.Index] = rf.path
		for _, p := range c.Packages {
			if !slices.Contains(first.Packages, p) {
				first.Packages = append(first.Packages, p)
			}
		}
		s := summaryRecord{Shard: c.Shard}
		if rf.summary != nil {
			s = *rf.summary
		} else {
			fmt.Fprintf(stderr, "simgen: merge: %s has no summary: shard %s did not finish, its findings so far are merged\n", rf.path, c.Shard)
			s.Stopped = "shard " + c.Shard.String() + " did not finish"
		}
		sums = append(sums, s)
		for _, f := range rf.failures {
			g := byID[f.ID]
			if g == nil {
				cp := *f
				byID[f.ID] = &cp
				order = append(order, f.ID)
				continue
			}
			hits := g.Hits + f.Hits
			if f.Seed < g.Seed {
				*g = *f
			}
			g.Hits = hits
		}
	}
	var missing []int
	for k := range first.Shard.Total {
		if _, ok := seen[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(stderr, "simgen: merge: shards %v of %d are missing: the merge covers part of the seeds\n", missing, first.Shard.Total)
		sums[0].Stopped = fmt.Sprintf("%d of %d shards merged", len(seen), first.Shard.Total)
	}
	slices.SortFunc(sums, func(a, b summaryRecord) int { return a.Shard.Index - b.Shard.Index })
	fails := make([]*failureRecord, 0, len(order))
	for _, id := range order {
		fails = append(fails, byID[id])
	}
	sortFailures(fails, first.Packages)
	return first, fails, sums, nil
}
