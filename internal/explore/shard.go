package explore

// This file picks the shard of a campaign: which part of the seed space
// this process explores when N processes on N machines share it.
//
// The seed space is cut into the same blocks as on one machine (blockLen),
// and block k belongs to shard k mod N. So the shards together run exactly
// the processes one machine would, block by block, and merging their
// results gives what one machine prints over the same seeds. The shard
// comes from -shard K/N, or from the conventions of the engine that
// started the process:
//
//	Kubernetes Indexed Job   JOB_COMPLETION_INDEX=K, N from -shard-count
//	                         or -shard ?/N
//	Bazel test sharding      TEST_SHARD_INDEX=K TEST_TOTAL_SHARDS=N; the
//	                         file TEST_SHARD_STATUS_FILE is touched, as
//	                         Bazel asks of a test runner that shards
//	Slurm job array          SLURM_ARRAY_TASK_ID=K SLURM_ARRAY_TASK_COUNT=N
//
// Invariants: K < N; a shard given twice in different ways must agree, so
// that a misconfigured job fails loudly instead of exploring the wrong
// seeds.

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// shard is one part of a campaign's seed space.
type shard struct {
	Index int `json:"index"` // K, from 0
	Total int `json:"total"` // N; 1: the whole seed space
}

func (s shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Total) }

// owns reports whether block k of the seed space belongs to the shard.
func (s shard) owns(k int) bool { return s.Total <= 1 || k%s.Total == s.Index }

// ParseShard reads a -shard value: K/N, or N alone with K from the
// environment ("?/N" is accepted as the same).
func ParseShard(val string) (k, n int, err error) {
	ks, ns, ok := strings.Cut(val, "/")
	if !ok {
		ks, ns = "?", val
	}
	n, err = strconv.Atoi(ns)
	if err != nil || n < 1 {
		return 0, 0, fmt.Errorf("%w: -shard=%s: want K/N with 0 <= K < N, such as 0/4", ErrUsage, val)
	}
	if ks == "?" {
		return -1, n, nil
	}
	k, err = strconv.Atoi(ks)
	if err != nil || k < 0 || k >= n {
		return 0, 0, fmt.Errorf("%w: -shard=%s: want K/N with 0 <= K < N, such as 0/4", ErrUsage, val)
	}
	return k, n, nil
}

// resolveShard combines -shard (k -1 when only N was given, n 0 when not
// given at all) with the engines' environment variables. It returns the
// shard, and whether any sharding was asked for.
func resolveShard(k, n int, getenv func(string) string) (shard, bool, error) {
	type source struct {
		name  string
		k, n  int
		hasN  bool
		nameN string
	}
	var srcs []source
	atoi := func(name string) (int, bool, error) {
		v := getenv(name)
		if v == "" {
			return 0, false, nil
		}
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 {
			return 0, false, fmt.Errorf("%w: %s=%q: want a non-negative integer", ErrUsage, name, v)
		}
		return i, true, nil
	}
	for _, e := range []struct{ k, n string }{
		{"TEST_SHARD_INDEX", "TEST_TOTAL_SHARDS"},
		{"JOB_COMPLETION_INDEX", ""},
		{"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT"},
	} {
		ki, hasK, err := atoi(e.k)
		if err != nil {
			return shard{}, false, err
		}
		var ni int
		var hasN bool
		if e.n != "" {
			if ni, hasN, err = atoi(e.n); err != nil {
				return shard{}, false, err
			}
		}
		if hasK {
			srcs = append(srcs, source{name: e.k, k: ki, n: ni, hasN: hasN, nameN: e.n})
		}
	}
	s := shard{Index: k, Total: n}
	asked := n > 0
	flagK := k >= 0 && n > 0
	for _, src := range srcs {
		if src.name == "SLURM_ARRAY_TASK_ID" && !asked && !src.hasN {
			// A job array without a count is not asking to shard.
			continue
		}
		asked = true
		if src.hasN {
			if s.Total > 0 && s.Total != src.n {
				return shard{}, false, fmt.Errorf("%w: %s=%d disagrees with the shard count %d", ErrUsage, src.nameN, src.n, s.Total)
			}
			s.Total = src.n
		}
		if flagK && src.k != s.Index {
			return shard{}, false, fmt.Errorf("%w: %s=%d disagrees with -shard %d/%d", ErrUsage, src.name, src.k, s.Index, s.Total)
		}
		if s.Index < 0 || !flagK {
			s.Index, flagK = src.k, true
		}
	}
	if !asked {
		return shard{Index: 0, Total: 1}, false, nil
	}
	switch {
	case s.Total == 0:
		return shard{}, false, fmt.Errorf("%w: the shard index is set (JOB_COMPLETION_INDEX=%d) but not the shard count: add -shard %d/N", ErrUsage, s.Index, s.Index)
	case s.Index < 0:
		return shard{}, false, fmt.Errorf("%w: -shard ?/%d needs the index from JOB_COMPLETION_INDEX, TEST_SHARD_INDEX or SLURM_ARRAY_TASK_ID", ErrUsage, s.Total)
	case s.Index >= s.Total:
		return shard{}, false, fmt.Errorf("%w: shard index %d is not below the shard count %d", ErrUsage, s.Index, s.Total)
	}
	if path := getenv("TEST_SHARD_STATUS_FILE"); path != "" {
		// Bazel: touching the file says that this runner knows about
		// sharding, so Bazel need not run every test in every shard.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o666)
		if err != nil {
			return shard{}, false, fmt.Errorf("TEST_SHARD_STATUS_FILE: %v", err)
		}
		f.Close()
	}
	return s, true, nil
}
