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
package corpus
