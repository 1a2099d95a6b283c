package main

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
			if k, n, err = parseShard(tc.flag); err != nil {
				t.Fatalf("-shard %s: %v", tc.flag, err)
			}
		}
		s, asked, err := resolveShard(k, n, envOf(tc.env...))
		got := ""
		switch {
		case err != nil && errors.Is(err, errUsage):
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
		if _, _, err := parseShard(bad); err == nil {
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

func TestClassify(t *testing.T) {
	t.Parallel()
	dir := "/src/mod/pkg"
	panicOut := `--- FAIL: TestBug (0.00s)
    panic: assignment to entry in nil map
    
    goroutine 2 [running]:
    	example.com/pkg.(*Cache).Put
    		/src/mod/pkg/cache.go:31
    	example.com/pkg.TestBug.func1
    		/src/mod/pkg/cache_test.go:12
    created at /src/mod/pkg/cache_test.go:11 by goroutine 1
    
    simrt: a simulated goroutine panicked (seed 3, strategy random, step 9, virtual time +0s)
FAIL
`
	assertOut := `--- FAIL: TestX (0.00s)
    x_test.go:9: want 2, got 3
    simrt: replay with: SIM_SEED=4 go test
`
	timeoutOut := `panic: test timed out after 1s
	running tests:
		TestSpin (1s)

goroutine 7 [running]:
testing.(*M).startAlarm.func1()
	/usr/local/go/src/testing/testing.go:2484 +0x394
created by time.goFunc
	/usr/local/go/src/time/sleep.go:215 +0x2d
`
	for _, tc := range []struct {
		out, test string
		crashed   bool
		want      string
	}{
		{panicOut, "TestBug", false, "TestBug: panic at cache.go:31, cache_test.go:12"},
		{assertOut, "TestX", false, "TestX: failed assertion at x_test.go:9"},
		{timeoutOut, "TestSpin", true, "TestSpin: timeout"},
		{"", "TestY", true, "TestY: crash"},
	} {
		if got := classify(tc.out, tc.test, dir, tc.crashed).String(); got != tc.want {
			t.Errorf("classify %s: got %q, want %q", tc.test, got, tc.want)
		}
	}
	if relPos("/elsewhere/mod/other/x.go", dir) != "other/x.go" {
		t.Errorf("relPos outside the package: %q", relPos("/elsewhere/mod/other/x.go", dir))
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

func TestBlockStart(t *testing.T) {
	t.Parallel()
	var off uint64
	for k := range 100 {
		if got := blockStart(k); got != off {
			t.Fatalf("blockStart(%d) = %d, want %d", k, got, off)
		}
		off += uint64(blockLen(k))
	}
}
