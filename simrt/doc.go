// Package simrt is simgen's deterministic runtime. Code rewritten by simgen
// calls it in place of go statements, channels, select, time, sync and the
// other sources of nondeterminism; tests run under one seeded scheduler with
// a virtual clock. The same seed gives the same run, every time.
//
// simrt imports the standard library only: simgen embeds its sources and
// writes them into every shadow tree. One file holds one primitive, and each
// file opens with its invariants.
//
// Its exported names serve three audiences. They are listed here by
// audience; a name outside these lists is a bug of this list.
//
// # For rewritten code
//
// The rewriter (package rewrite; its doc maps each construct to a rule)
// emits calls of these, never user code directly:
//
//   - goroutines: Spawn, NewSpawn and RaceGo (a go statement: under
//     -race it starts its goroutine's real goroutine itself, for the race
//     detector's "created at"), Go, Gosched, Goexit, NumGoroutine,
//     LockOSThread, UnlockOSThread, Stack, SetFinalizer, AddCleanup
//   - channels: Chan, MakeChan, Send, Recv, Recv2, Close, Len, Cap,
//     RangeChan, P, ChanVal, MakeChanVal, V; and for channels that cross to
//     code that is not rewritten: Native, NativeRecv, NativeSend, ToNative
//   - select: Select, Case, SendOp, RecvOp, OnSend, OnRecv
//   - time: Now, Since, Until, Sleep, After, AfterFunc, Tick, NewTimer,
//     NewTicker, Timer, Ticker, Epoch
//   - sync: Mutex, RWMutex, WaitGroup, Once, OnceFunc, OnceValue,
//     OnceValues, Cond, NewCond, Locker, Map, Pool
//   - context: WithCancel, WithCancelCause, WithDeadline,
//     WithDeadlineCause, WithTimeout, WithTimeoutCause, Cause,
//     ContextAfterFunc, CancelFunc, CancelCauseFunc
//   - maps: MapRange, MapRangeK, MapRangeV, MapRangeKV, MapIter, MapKeys,
//     MapValues, MapAll, MapKey
//   - randomness: RandUint64, CryptoRead, CryptoReader, CryptoText
//   - pipes and signals: Pipe, PipeReader, PipeWriter, SignalNotify,
//     SignalStop
//
// # For the test harness
//
// The entry rule wraps every test, benchmark, example, fuzz target and main
// in one of these, which run the body as the root of a world once per seed
// and report failures with their replay line (harness.go): Test, Benchmark,
// Main, Example, Run, Cleanup, TestContext, Parallel, RunParallel, PB, SyncTest,
// SyncWait. Simulated reports whether a simulation runs. The testlog rule
// routes testing's reporting methods through TBLog, TBLogf, TBError,
// TBErrorf, TBFatal, TBFatalf, TBSkip, TBSkipf, TBFail, TBFailNow, TBOutput,
// and their method values through TBArgsFunc, TBFormatFunc and TBFailFunc,
// which panic as package testing does when a goroutine calls them after its
// test completed (testlog.go).
//
// # For simrt's own packages and package sim
//
// simnet, simos, simatomic, simrand and package sim reach the world through
// these hooks; user code has no reason to call them:
//
//   - scheduling: Yield (a scheduling point), YieldOn (one before an
//     operation on an address, for exhaustive exploration's reduction:
//     simatomic), AtomicWrote (an atomic write changed a value: progress
//     for the livelock bound), CallAt (a callback at a
//     virtual instant: how the network delivers without goroutines), Event
//     (a waitable one-shot), WorldLocal (state that lives as long as a run),
//     TimeExact (SIM_TIME=exact: I/O takes no virtual time either)
//   - machines: NodeID, Host, CurrentNode, NewNode, NodeByIP, NodeByName,
//     Nodes, NodeIP, NodeName, GoOn, Crash, Alive, Boots, OnCrash, OnStart
//   - faults: RecordFault, FaultFloat64, FaultUint64N
//   - the race detector (race.go): Upcall (run on the simrt thread, where
//     simnet's and simos's maps live under -race), CopyBytes and
//     AppendBytes (copies the detector does not record), IOWrite and IORead
//     (syscall's edges for bytes), IOWroteFrom and IOReadInto (syscall's
//     records of the program's buffer a write read and a read wrote), and,
//     for code simgen adds to rewritten
//     packages, RaceAcquire and RaceRelease
//
// The hooks stay exported from simrt rather than moving to an internal
// package: package sim lives outside simrt's tree, so simrt/internal would
// be out of its reach, and the hooks need the world's unexported state, so
// an internal package would only forward to functions registered by simrt,
// adding an indirect call to paths as hot as CallAt (one per network
// segment). The grouping above, and this paragraph, are the fence instead.
package simrt
