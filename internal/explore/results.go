package explore

// This file is the -json FILE format of a campaign (docs/campaigns.md
// documents it for readers): JSON Lines, one object per line, each with a
// "type":
//
//	{"type":"campaign", ...}  first: what is explored (format, simgen and
//	                          decision-stream versions, seed range, shard)
//	{"type":"failure", ...}   one per distinct failure
//	{"type":"summary", ...}   last: seeds per test, wall time, seeds/s
//
// While a campaign runs, a failure's record is appended and written
// through when it is new or has a smaller seed, and appended again when
// only its hit count changed at most every flushInterval, so a killed
// shard loses at most the hit counts of the last flushInterval, and the
// file grows with the distinct failures (and the minutes), not with the
// failing seeds; a reader keeps the last record of each id. When the campaign ends the file is rewritten
// (to a temporary file, then renamed) with one record per distinct failure
// and the summary. A file without a summary is a shard that did not finish.
//
// Invariants: fields are only ever added, never renamed or given a new
// meaning, without bumping resultsFormat; records are written whole, one
// line each.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// resultsFormat is the version of the -json format.
const resultsFormat = 1

// flushInterval bounds how much a killed shard's file may lag behind.
const flushInterval = time.Minute

// campaignRecord opens a results file.
type campaignRecord struct {
	Type      string   `json:"type"` // "campaign"
	Format    int      `json:"format"`
	Simgen    string   `json:"simgen"`     // simgen's version
	Stream    int      `json:"stream"`     // simrt's decision-stream version
	Signature int      `json:"signatures"` // how signatures are computed
	FirstSeed uint64   `json:"first_seed"`
	Seeds     int      `json:"seeds"` // seeds in the whole campaign (all shards); 0: unbounded (-budget)
	Shard     shard    `json:"shard"`
	Packages  []string `json:"packages"`
	Strategy  string   `json:"strategy,omitempty"` // SIM_STRATEGY, "" for the default
	Run       string   `json:"run,omitempty"`      // the -run pattern
	Started   string   `json:"started"`            // RFC 3339, UTC
}

// failureRecord is one distinct failure.
type failureRecord struct {
	Type    string `json:"type"` // "failure"
	ID      string `json:"id"`   // stable: a hash of package and signature
	Package string `json:"package"`
	signature
	Seed   uint64 `json:"seed"`   // the smallest seed that hit it
	Hits   int    `json:"hits"`   // how many seeds hit it
	Replay string `json:"replay"` // the command line that replays Seed
	// Alone says that Seed fails when run alone (the replay line runs it
	// alone); false: it failed only after the seeds before it in its
	// process, and Replay runs that whole range. Absent until checked.
	Alone *bool `json:"alone,omitempty"`
	// First and Count are the seed range of the process Seed failed in.
	First  uint64 `json:"block_first"`
	Count  int    `json:"block_seeds"`
	Output string `json:"output"` // what go test printed for the failure
	Kept   string `json:"kept,omitempty"`
}

// testCount is how many seeds one test ran.
type testCount struct {
	Package string `json:"package"`
	Test    string `json:"test"`
	Seeds   int    `json:"seeds"`
}

// summaryRecord closes a results file.
type summaryRecord struct {
	Type        string      `json:"type"` // "summary"
	Shard       shard       `json:"shard"`
	Explored    int         `json:"explored"` // seeds run, summed over tests
	Failures    int         `json:"failures"` // failing seeds, summed over tests
	Distinct    int         `json:"distinct"`
	Tests       []testCount `json:"tests"`
	WallSeconds float64     `json:"wall_seconds"`
	SeedsPerSec float64     `json:"seeds_per_second"`
	Complete    bool        `json:"complete"` // every seed of the shard ran: no budget, interrupt or build failure cut it short
	Stopped     string      `json:"stopped,omitempty"`
	Broken      []string    `json:"broken,omitempty"`      // packages that did not build
	KeptFailed  []string    `json:"kept_failed,omitempty"` // kept seeds (testdata/simgen files) that fail
}

// results is a campaign's -json file while it is written.
type results struct {
	path    string
	f       *os.File
	w       *bufio.Writer
	last    time.Time
	dirty   bool
	changed []*failureRecord // records to append at the next flush
}

// createResults creates the file and writes its opening record.
func createResults(path string, c campaignRecord) (*results, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	r := &results{path: path, f: f, w: bufio.NewWriter(f), last: time.Now()}
	c.Type = "campaign"
	r.write(c)
	return r, r.flush()
}

func (r *results) write(v any) {
	b, _ := json.Marshal(v)
	r.w.Write(b)
	r.w.WriteByte('\n')
	r.dirty = true
}

// update notes that a failure's record changed; now says that it is new
// or has a smaller seed, and is written at once.
func (r *results) update(f *failureRecord, now bool) {
	if r == nil {
		return
	}
	if !slices.Contains(r.changed, f) {
		r.changed = append(r.changed, f)
	}
	if now {
		r.flush()
	}
}

// tick flushes if the last flush is flushInterval old.
func (r *results) tick() {
	if r != nil && time.Since(r.last) >= flushInterval {
		r.flush()
	}
}

// flush appends the changed records and writes the file through.
func (r *results) flush() error {
	if r == nil {
		return nil
	}
	for _, f := range r.changed {
		f.Type = "failure"
		r.write(f)
	}
	r.changed = r.changed[:0]
	if !r.dirty {
		return nil
	}
	r.last, r.dirty = time.Now(), false
	if err := r.w.Flush(); err != nil {
		return err
	}
	return r.f.Sync()
}

// finish rewrites the file in its final form: the campaign record, each
// failure once, the summary.
func (r *results) finish(c campaignRecord, fs []*failureRecord, s summaryRecord) error {
	if r == nil {
		return nil
	}
	r.w.Flush()
	r.f.Close()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	c.Type, s.Type = "campaign", "summary"
	enc.Encode(c)
	for _, f := range fs {
		f.Type = "failure"
		enc.Encode(f)
	}
	enc.Encode(s)
	tmp, err := os.CreateTemp(filepath.Dir(r.path), filepath.Base(r.path)+".tmp*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b.Bytes()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), r.path)
}

// resultsFile is a results file as read back.
type resultsFile struct {
	path     string
	campaign *campaignRecord
	failures []*failureRecord // in the order first seen, last record of each id
	summary  *summaryRecord
}

// readResults reads a results file, keeping the last record of each
// failure.
func readResults(path string) (*resultsFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rf := &resultsFile{path: path}
	byID := make(map[string]int)
	for n, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var head struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(line, &head); err != nil {
			if n == bytes.Count(data, []byte("\n")) {
				// A last line cut short by a killed shard.
				break
			}
			return nil, fmt.Errorf("%s:%d: %v", path, n+1, err)
		}
		switch head.Type {
		case "campaign":
			rf.campaign = new(campaignRecord)
			err = json.Unmarshal(line, rf.campaign)
		case "failure":
			f := new(failureRecord)
			if err = json.Unmarshal(line, f); err == nil {
				if i, ok := byID[f.ID]; ok {
					rf.failures[i] = f
				} else {
					byID[f.ID] = len(rf.failures)
					rf.failures = append(rf.failures, f)
				}
			}
		case "summary":
			rf.summary = new(summaryRecord)
			err = json.Unmarshal(line, rf.summary)
		default:
			err = fmt.Errorf("unknown record type %q", head.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n+1, err)
		}
	}
	if rf.campaign == nil {
		return nil, fmt.Errorf("%s: not a simgen results file (no campaign record)", path)
	}
	if rf.campaign.Format != resultsFormat {
		return nil, fmt.Errorf("%s: results format %d, this simgen reads format %d", path, rf.campaign.Format, resultsFormat)
	}
	return rf, nil
}
