package explore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolveShard(t *testing.T) {
	t.Parallel()
	status := filepath.Join(t.TempDir(), "status")
	for _, tc := range []struct {
		flag  string // -shard, "" for none
		env   []string
		want  string // shard, "" for no sharding, "error: text" for a usage error
		touch bool
	}{
		{"", nil, "", false},
		{"1/4", nil, "1/4", false},
		{"?/4", []string{"JOB_COMPLETION_INDEX", "3"}, "3/4", false},
		{"4", []string{"JOB_COMPLETION_INDEX", "2"}, "2/4", false},
		{"", []string{"JOB_COMPLETION_INDEX", "2"}, "error: not the shard count", false},
		{"", []string{"TEST_SHARD_INDEX", "1", "TEST_TOTAL_SHARDS", "3", "TEST_SHARD_STATUS_FILE", status}, "1/3", true},
		{"1/3", []string{"TEST_SHARD_INDEX", "1", "TEST_TOTAL_SHARDS", "3"}, "1/3", false},
		{"1/4", []string{"TEST_SHARD_INDEX", "1", "TEST_TOTAL_SHARDS", "3"}, "error: disagrees", false},
		{"", []string{"SLURM_ARRAY_TASK_ID", "5", "SLURM_ARRAY_TASK_COUNT", "8"}, "5/8", false},
		{"", []string{"SLURM_ARRAY_TASK_ID", "5"}, "", false},
		{"?/8", []string{"SLURM_ARRAY_TASK_ID", "5"}, "5/8", false},
		{"?/4", nil, "error: needs the index", false},
		{"", []string{"TEST_SHARD_INDEX", "3", "TEST_TOTAL_SHARDS", "3"}, "error: not below", false},
		{"", []string{"JOB_COMPLETION_INDEX", "x"}, "error: want a non-negative integer", false},
	} {
		k, n := 0, 0
		if tc.flag != "" {
			var err error
			if k, n, err = ParseShard(tc.flag); err != nil {
				t.Fatalf("-shard %s: %v", tc.flag, err)
			}
		}
		s, asked, err := resolveShard(k, n, envOf(tc.env...))
		got := ""
		switch {
		case err != nil && errors.Is(err, ErrUsage):
			got = "error: " + err.Error()
		case err != nil:
			t.Fatalf("%s %q: %v", tc.flag, tc.env, err)
		case asked:
			got = s.String()
		}
		if msg, ok := strings.CutPrefix(tc.want, "error: "); ok {
			if !strings.Contains(got, msg) {
				t.Errorf("-shard %q %q: got %q, want an error containing %q", tc.flag, tc.env, got, msg)
			}
		} else if got != tc.want {
			t.Errorf("-shard %q %q: got %q, want %q", tc.flag, tc.env, got, tc.want)
		}
		if tc.touch {
			if _, err := os.Stat(status); err != nil {
				t.Errorf("TEST_SHARD_STATUS_FILE not touched: %v", err)
			}
		}
	}
	for _, bad := range []string{"4/4", "-1/4", "a/b", "0/0", "x"} {
		if _, _, err := ParseShard(bad); err == nil {
			t.Errorf("-shard %s: no error", bad)
		}
	}
}

// TestShardsCoverTheSeedSpace: the shards' blocks are disjoint and
// together are one machine's.
func TestShardsCoverTheSeedSpace(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 2, 3, 4, 7} {
		owner := make(map[int]int)
		for k := range n {
			s := shard{Index: k, Total: n}
			for b := range 100 {
				if s.owns(b) {
					if o, ok := owner[b]; ok {
						t.Fatalf("%d shards: block %d owned by %d and %d", n, b, o, k)
					}
					owner[b] = k
				}
			}
		}
		if len(owner) != 100 {
			t.Errorf("%d shards own %d of 100 blocks", n, len(owner))
		}
	}
}

// envOf is a getenv over name, value pairs.
func envOf(kv ...string) func(string) string {
	return func(name string) string {
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i] == name {
				return kv[i+1]
			}
		}
		return ""
	}
}
