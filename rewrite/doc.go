// Package rewrite loads a Go module with full type information and rewrites
// its concurrency primitives into calls of the deterministic runtime simrt.
//
// Run loads the packages (with their tests, under the sim build tag), and
// rewrites each source file of the main module once, and every package of
// the build graph outside the standard library, and net/http with two of
// its kin in place (std.go lists them): go statements, channels and
// their operations, select, time, sync, sync/atomic, context deadlines,
// randomness, map order, io pipes, net (onto simnet's network), os files
// (onto simos's disks, with *os.File converted where it crosses to the
// standard library), the goroutine functions of runtime, and the test,
// benchmark, example, fuzz and main entry points.
// Each rule lives in a file rule_*.go that opens with a before/after
// example (the table below finds them); docs/design.md holds the contract
// with simrt. blocking.go is the inventory of standard-library calls that
// stay outside the simulation.
//
// Rewriting splices text: every output line is the same line of the input,
// behind a four-line header that ends in a //line directive, so positions in
// compile errors, panics and test failures name the original source.
//
// # Where each construct is rewritten
//
// One row per construct: the rule file that rewrites it, its golden cases
// under testdata/ (input and expected output, regenerated with
// go test -run TestGolden -update), and the simrt file that simulates it.
// TestRuleTable checks that every file named here exists.
//
//	construct                      rule file             golden cases          simrt file
//	go statement                   rule_go.go            go/                   goroutine.go
//	chan send, receive, close      rule_chanops.go       chanops/              chan.go
//	range over a channel           rule_chanrange.go     chanrange/            chan.go
//	chan types, make               rule_chantype.go      chantype/             chan.go
//	defined chan types w/ methods  rule_chanval.go       chanval/              chanval.go
//	select                         rule_select.go        select/               select.go
//	native chans into sim code     rule_native.go        native/               native.go
//	std-dictated method sigs      rule_nativemethod.go  nativemethod/         native.go
//	time                           rule_time.go          time/                 time.go
//	sync, sync/atomic              rule_sync.go          sync/                 sync.go, simatomic/atomic.go
//	context deadlines              rule_context.go       context/              context.go
//	math/rand, crypto/rand         rule_rand.go          rand/                 rand.go, simrand/simrand.go
//	range over a map, maps.Keys    rule_maprange.go      maprange/             maprange.go
//	pointer keys into maps         rule_mapkey.go        mapkey/               maprange.go
//	io.Pipe                        rule_pipe.go          pipe/                 pipe.go
//	runtime.Gosched, Stack, ...    rule_runtime.go       runtime/              stack.go
//	os/signal.Notify               rule_signal.go        signal/               signal.go
//	net                            rule_net.go           net/                  simnet/network.go
//	os, io/ioutil, filepath walks  rule_os.go            os/                   simos/ops.go
//	*os.File at the boundary       rule_osfile.go        os/                   simos/file.go
//	tests, benchmarks, main        rule_entry.go         entry/                harness.go
//	t.Log, t.Error, t.Fatal, ...   rule_testlog.go       testlog/              testlog.go
//	unsafe.Sizeof of sim types     rule_unsafesize.go    unsafesize/           sync.go, time.go
//
// Many rules (time, sync, context, rand, pipe, runtime, signal, net) are one
// line each: they route a package's references through mapping.go's table,
// which holds the object-by-object correspondence. They stay files of their
// own so that each construct has one place that shows its before/after
// example and says why it is rewritten so; the table is the what, the rule
// file the why.
package rewrite
