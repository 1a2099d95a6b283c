package explore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestResultsKilledShard: a shard killed mid-run leaves updates of its
// records and maybe half a line; what it found still reads and merges.
func TestResultsKilledShard(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	camp := campaignRecord{Format: resultsFormat, Stream: 1, Signature: 1, FirstSeed: 1, Seeds: 100, Packages: []string{"p"}}
	write := func(name string, k int, fs []*failureRecord, sum *summaryRecord, cut bool) string {
		path := filepath.Join(dir, name)
		c := camp
		c.Shard = shard{Index: k, Total: 2}
		r, err := createResults(path, c)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			r.update(f, true)
		}
		if sum != nil {
			if err := r.finish(c, fs, *sum); err != nil {
				t.Fatal(err)
			}
			return path
		}
		r.flush()
		if cut {
			r.f.WriteString(`{"type":"failure","id":"x`)
		}
		r.f.Close()
		return path
	}
	a := &failureRecord{ID: "a", Package: "p", signature: signature{Test: "T", Kind: kindPanic}, Seed: 40, Hits: 1}
	p0 := write("s0.json", 0, []*failureRecord{a}, nil, false)
	// The same record again with a smaller seed: the last one counts.
	a2 := *a
	a2.Seed, a2.Hits = 17, 2
	data, _ := os.ReadFile(p0)
	os.WriteFile(p0, append(data, []byte(`{"type":"failure","id":"a","package":"p","test":"T","kind":"panic","at":null,"seed":17,"hits":2,"replay":"","block_first":17,"block_seeds":16,"output":""}`+"\n"+`{"type":"fail`)...), 0o666)
	b := &failureRecord{ID: "a", Package: "p", signature: a.signature, Seed: 33, Hits: 5}
	p1 := write("s1.json", 1, []*failureRecord{b}, &summaryRecord{Shard: shard{1, 2}, Tests: []testCount{{"p", "T", 50}}, Complete: true}, false)

	rf, err := readResults(p0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rf.failures) != 1 || rf.failures[0].Seed != 17 || rf.summary != nil {
		t.Fatalf("read %+v, summary %v", rf.failures, rf.summary)
	}
	var stderr strings.Builder
	var stdout strings.Builder
	if err := Merge([]string{p0, p1}, "", &stdout, &stderr); err != ExitError(1) {
		t.Errorf("merge returned %v, want exit status 1 (failures)", err)
	}
	if !strings.Contains(stderr.String(), "did not finish") {
		t.Errorf("stderr %q does not say shard 0 did not finish", stderr.String())
	}
	if !strings.Contains(stdout.String(), "FAIL\tp\tseed 17\tT: panic (7 seeds)") {
		t.Errorf("merged report:\n%s", stdout.String())
	}
	if !strings.Contains(stdout.String(), "stopped early: shard 0/2 did not finish") {
		t.Errorf("merged report does not say it is partial:\n%s", stdout.String())
	}
}
