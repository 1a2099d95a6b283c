// Package simos is the part of package os (and of io/ioutil and
// path/filepath) that simulated code uses for files: simgen rewrites
// os.Open, os.Create, *os.File and their kin into simos.Open, simos.Create,
// *simos.File, and a simulated machine (a node, see simrt.NewNode) then
// reads and writes a disk of its own, in memory, that a crash can damage
// the way a real crash damages a real disk. It is apart from simrt so that
// simrt itself never imports os.
//
// # Who sees which disk
//
// Every call is routed by the goroutine that makes it:
//
//   - A goroutine of the host (simrt.CurrentNode() == simrt.Host: the test
//     itself and everything it starts without simrt.GoOn), and any code
//     outside a simulated run, uses the real file system. The call is
//     os's own, and a *os.File it returns comes back wrapped by FromOS.
//   - A goroutine of a node uses that node's disk, which lives for the run
//     and survives the node's crashes and restarts.
//
// A *File stays with the disk it was opened on: a node's file handed to
// the host (over a channel, say) still reads and writes the node's disk.
//
// # A node's disk is an overlay of the host's
//
// A node's disk starts as a copy-on-write view of the host's file system,
// so the test's testdata/ and the directories it makes with t.TempDir keep
// working on nodes:
//
//   - A path the node never changed reads through to the host. A host
//     file's content is copied into memory when the node first opens it; a
//     host directory's entry list when the node first lists or changes it.
//     From then on the node sees its own copy: later changes on the host
//     do not show through, and the node's changes never reach the host (the
//     host's files are a read-only lower layer; a removal hides the host's
//     entry from the node only).
//   - Devices, named pipes and sockets of the host (/dev/null, ...) are not
//     copied: a node that opens one opens the real one (closed by a crash).
//   - Relative paths resolve against the host's working directory as it
//     was when the node first touched its disk; Chdir and File.Chdir on a
//     node change the node's own, which a crash resets.
//   - Permission bits are kept and reported but not enforced: a node runs
//     as root. New files and directories get the process's umask.
//   - FileInfo.Sys of a node's file is nil; SameFile compares them.
//   - CreateTemp and MkdirTemp on a node take their names from a counter
//     of the disk's, not from a random stream: the same names every run.
//
// # Crashes
//
// simrt.Crash(node) is a power cut. What survives on the node's disk:
//
//   - Directory operations (creating, renaming, removing files and
//     directories, Mkdir, Symlink, Chmod, Chtimes) are durable as soon as
//     they return, as on a file system that journals its metadata. Syncing
//     a directory is accepted and does nothing more.
//   - File content is durable once File.Sync returns nil (or for a file
//     opened with O_SYNC, once each write returns). Writes and truncations
//     made since a file's last Sync are unsynced, and a crash does one of
//     three things to each file that has some, chosen by the run's fault
//     stream (simrt.FaultUint64N), with equal odds: keeps them all; loses
//     them all (the file is back to its content at the last Sync, or empty
//     if it never synced); or keeps the oldest k of them and a torn part of
//     the next one (its first m bytes, 0 < m < its length), losing the
//     rest. A truncation is never torn.
//   - So WriteFile, which does not sync, may leave an empty or partial
//     file after a crash, while the file itself exists (its creation was
//     durable at once). The safe recipe is the usual one: write a
//     temporary file, Sync it, Close it, Rename it over the old one.
//   - Files open on the node are gone: every method of their *File, by any
//     goroutine, fails as on a closed file (os.ErrClosed). After the node
//     comes up again it sees its disk as the crash left it.
//
// Each file's fate is recorded with simrt.RecordFault, so a failing run's
// report says what the crash did ("disk b: crash: /d/wal.log kept 1 of 3
// unsynced writes, torn at byte 37 (80 bytes lost)"). Faults.NoCrashLoss
// turns the loss off for a node. Until a file's next Sync its disk keeps,
// for each unsynced write, the bytes it overwrote (appends cost nothing).
//
// # Injected errors
//
// SetFaults gives a node's disk error rates: a Write or WriteAt fails with
// EIO (writing nothing) with probability WriteErrRate, a Sync with
// probability SyncErrRate (making nothing durable: the writes stay
// unsynced). Each injected error is recorded with simrt.RecordFault. The
// draws come from the run's fault stream, and only for rates above zero,
// so a run without faults draws nothing.
//
// # Scheduling
//
// Every call that reads or changes a node's disk (opening, reading,
// writing, truncating, syncing, stating, listing, creating, renaming,
// removing) is a scheduling point, taken before the call acts, and the
// call then acts atomically; Close, Seek, Name, Fd and the deadline
// methods are not points. Natively each of these calls is a system call,
// where the goroutine can lose its processor. Here the point before every
// write and every Sync is what lets a crash land between two writes, or
// between a write and its Sync, and lets two goroutines' reads and writes
// of one file interleave in every order. No call takes virtual time: the
// disk is infinitely fast (a test that wants slow fsyncs sleeps around
// them). Calls on the host's real files are os's, with no point of their
// own, but for the ends of a pipe made by Pipe in a run (pipe.go): their
// reads and writes are points, and wait under the scheduler while the
// pipe is empty or full, until an end goes to code that is not rewritten.
//
// # Not modelled
//
// Hard links (Link), file locks, permission checks, owners and access
// times; Windows paths (paths are resolved the Unix way). A node's File
// has no descriptor (Fd returns ^uintptr(0)) and SyscallConn fails with
// errors.ErrUnsupported.
//
// Invariants: one simulated goroutine runs at a time, and that is what
// guards every disk (no locks); the FromOS table, which real goroutines may
// reach, has a mutex. Every choice a crash or a fault makes comes from the
// fault stream, in an order fixed by the run (files are visited sorted by
// path), never from a Go map's iteration order.
package simos
