// Package explore is simgen test's exploration of schedules: it runs a
// module's simulated tests over many seeds, or over every schedule within
// a preemption bound, and reports what fails with a line that replays it.
// cmd/simgen parses the flags and calls it once per form:
//
//	simgen test -seeds n|-budget d      New, then (*Explorer).Run
//	simgen test ... -json f|-shard k/n  the same; Run runs a campaign
//	simgen test -exhaustive             RunExhaustive
//	simgen merge                        Merge
//
// It drives test binaries built from the shadow tree and talks to simrt
// inside them through the environment (SIM_SEED, SIM_SEEDS, SIM_PROGRESS,
// SIM_KEPT, ...) and the lines they write to SIM_PROGRESS files. Of simrt
// it imports only simrt/replay: replay lines are built there, by the one
// builder that simrt uses too.
//
// The files, by concern:
//
//	explore.go     Options, Explorer and New: simgen test's arguments
//	               turned into an exploration; Run, its outline
//	flags.go       the one table of go test's flags (goTestFlags) and the
//	               scanners of go test's arguments that read it
//	search.go      the seed search of one package, without processes:
//	               blocks of seeds, and when the smallest failing seed is
//	               proven
//	build.go       go list, one test binary per package, its tests
//	pool.go        the process pool: a test process per block, at most
//	               -parallel at once, progress files tailed, the budget
//	               and ^C
//	display.go     the progress line
//	report.go      the report: each package's smallest failing seed run
//	               again alone, its replay line, the summary line, and the
//	               pinpointing of a crash to its seed
//	campaign.go    a campaign (-json, -shard): every seed, failures grouped
//	               into distinct ones, each with its smallest seed and hits
//	campaignreport.go
//	               a campaign's summary and report, printed from its
//	               records alone (so simgen merge prints the same)
//	signature.go   a failure's signature (test, kind, positions), and its
//	               section of go test's output
//	results.go     the -json file: JSON Lines, written as failures come
//	shard.go       which shard this process explores (-shard, or the
//	               Kubernetes, Bazel and Slurm variables)
//	merge.go       simgen merge: the shards' files as one campaign's report
//	keep.go        failing seeds kept under testdata/simgen as regression
//	               tests, and the kept seeds run before exploring
//	exhaustive.go  simgen test -exhaustive: one go test with simrt's
//	               exhaustive strategy, its progress and its verdict
//
// docs/design.md says why it is built this way; docs/campaigns.md
// documents the -json format.
package explore
