// Package corpus measures simgen on a corpus of classic Go concurrency bugs.
//
// The corpus is one module, testdata/bugs (module example.com/bugs), with one
// package per bug. Each package has a TestBug that fails only on some
// interleavings, and a fixed twin, TestFixed, that must never fail. The test
// in this package rewrites the module with simgen, and for each bug and each
// scheduling strategy measures the seeds to the first failure, replays the
// failing seed, and runs the fixed twin over the same budget.
//
//	go test ./corpus            # measure and assert
//	go test ./corpus -update    # also rewrite docs/bugs.md with the table
//
// With SIMGEN_STRATEGY_STUDY=1 the test also runs the strategy study
// (study_test.go): seeds to the first failure for every bug under several
// strategies over 50 disjoint seed ranges, written to strategy_study.tsv and
// rendered into docs/bugs.md by -update. It takes under a minute on 2 cores:
//
//	SIMGEN_STRATEGY_STUDY=1 go test ./corpus -run TestCorpus -count=1 -timeout 2h -update
package corpus
