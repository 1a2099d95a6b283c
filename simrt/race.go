//go:build race

package simrt

// This file is the race detector's view of a simulation, in builds with
// -race (race_norace.go is its twin without).
//
// The detector must see the happens-before edges of the program's own
// operations and nothing else. Three things would hide races:
//   - the scheduler's handoffs: iter.Pull marks every switch as an edge, so
//     under -race workers switch with the runtime's coroutine switch itself
//     (racecoro.go), which the detector does not see;
//   - a worker carrying one goroutine after another: its accesses are all on
//     one thread for the detector, so under -race a worker carries one
//     goroutine only (maxIdle is 0);
//   - simrt's own state, which every goroutine touches in turn: simrt's
//     functions are marked go:norace, so their accesses are not recorded, and
//     the real locks simrt takes are taken with sync events ignored.
// The program's edges are then added explicitly: a release on an address of
// the object at the operation that publishes (an unlock, a send, a close, a
// Done, a go statement), an acquire at the one that observes it.
//
// Invariants:
//   - Every function of simrt is go:norace (norace_test.go), but Go, whose
//     entry records the go statement's line for reports. A closure is
//     instrumented whatever encloses it: none may write simrt state that
//     another goroutine reads (runG's deferred call is a method for that).
//   - simrt's maps are touched on the simrt thread only (racecoro.go).
//   - Every address released or acquired belongs to the simulated object (a
//     field of it, or a slot of its buffer), so its edges live as long as it.
//   - These functions never touch simrt state; they only call the runtime.

import (
	"math/rand/v2"
	"os"
	"runtime"
	"unsafe"
)

// raceEnabled reports whether the build has the race detector.
const raceEnabled = true

// RaceGo is whether a rewritten go statement starts its goroutine's real
// goroutine itself (Spawn): in builds with -race.
const RaceGo = true

// maxIdle bounds the pool of idle workers. Under -race a worker carries one
// goroutine: the detector sees a worker's whole life as one thread.
var maxIdle = 0

// raceOn is whether the detector sees the program's edges only (the
// default under -race). SIM_RACE=off keeps a race build's simulation
// totally ordered, as before: simrt's own tests, which share state between
// goroutines on the strength of the scheduler alone, run that way.
var raceOn = os.Getenv("SIM_RACE") != "off"

//go:norace
func init() {
	if !raceOn {
		maxIdle = 1024
	}
}

//go:norace
func raceAcquire(addr unsafe.Pointer) { runtime.RaceAcquire(addr) }

//go:norace
func raceRelease(addr unsafe.Pointer) { runtime.RaceRelease(addr) }

//go:norace
func raceReleaseMerge(addr unsafe.Pointer) { runtime.RaceReleaseMerge(addr) }

// raceIgnoreSync and raceNoticeSync bracket simrt's use of real locks and
// channels, whose edges are not the program's.
//
//go:norace
func raceIgnoreSync() { runtime.RaceDisable() }

//go:norace
func raceNoticeSync() { runtime.RaceEnable() }

// raceToken is the address a goroutine releases its clock to when it blocks
// (block) and acquires when it resumes: a goroutine that completes a
// blocked goroutine's operation with an edge both ways (an unbuffered
// channel's rendezvous) acquires it, then releases its own clock into it.
//
//go:norace
func raceToken(x *g) unsafe.Pointer { return unsafe.Pointer(x) }

//go:norace
func raceBlock(x *g) { runtime.RaceRelease(raceToken(x)) }

//go:norace
func raceResume(x *g) { runtime.RaceAcquire(raceToken(x)) }

// raceGive releases the running goroutine's clock to the blocked x, which
// acquires it when it resumes.
//
//go:norace
func raceGive(x *g) { runtime.RaceRelease(raceToken(x)) }

// raceSwap is a rendezvous with the blocked x: each of the two gets the
// other's clock, as in the runtime's racesync.
//
//go:norace
func raceSwap(x *g) {
	runtime.RaceAcquire(raceToken(x))
	runtime.RaceRelease(raceToken(x))
}

// raceSlot is the address the detector uses for slot i of c's buffer: the
// slot itself, or one address for the whole channel when elements have size
// zero (they share one address in the runtime too).
//
//go:norace
func raceSlot[T any](c *Chan[T], i int) unsafe.Pointer {
	var zero T
	if unsafe.Sizeof(zero) == 0 || len(c.buf) == 0 {
		return unsafe.Pointer(&c.buf)
	}
	return unsafe.Pointer(&c.buf[i])
}

// raceChanBuf is a send into, or a receive from, slot i with no goroutine
// waiting: the runtime's racenotify.
//
//go:norace
func raceChanBuf[T any](c *Chan[T], i int) {
	s := raceSlot(c, i)
	runtime.RaceAcquire(s)
	runtime.RaceRelease(s)
}

// raceChanPair is a send or receive that completes the blocked x's
// operation. Unbuffered: a rendezvous both ways. Buffered: slot i passes
// between the two as the runtime's two racenotify calls do, and the slot
// keeps x's clock for the receive of x's value. (The runner also gets x's
// clock here, one edge more than the runtime gives: at worst a race unseen,
// never a race invented.)
//
//go:norace
func raceChanPair[T any](c *Chan[T], i int, x *g) {
	if len(c.buf) == 0 {
		raceSwap(x)
		return
	}
	s := raceSlot(c, i)
	runtime.RaceAcquire(s)
	runtime.RaceRelease(s)
	runtime.RaceAcquire(raceToken(x))
	runtime.RaceRelease(s)
	runtime.RaceRelease(raceToken(x))
}

// raceChanSkip moves c's empty ring by one slot after a value went straight
// to a waiting receiver, as the runtime does (recvx++, sendx = recvx), so
// that the k-th receive and the (k+cap)-th send meet at one slot.
//
//go:norace
func raceChanSkip[T any](c *Chan[T]) {
	if len(c.buf) > 0 && c.count == 0 {
		c.head++
		if c.head == len(c.buf) {
			c.head = 0
		}
	}
}

// raceChanClose is close(c): a release every receiver that sees the close
// acquires, and a release to each goroutine it wakes.
//
// It is also a write of the channel, which a send reads (raceChanSend):
// a send that the close does not happen after, or before, is a race, as
// closechan and chansend report natively.
//
//go:norace
func raceChanClose[T any](c *Chan[T]) {
	raceWriteAt(unsafe.Pointer(&c.buf))
	runtime.RaceRelease(unsafe.Pointer(&c.buf))
}

// raceChanSend is a send's read of c (chansend's, selectgo's for a send
// case).
//
//go:norace
func raceChanSend[T any](c *Chan[T]) { raceReadAt(unsafe.Pointer(&c.buf)) }

// raceWriteAt and raceReadAt record an access of the running goroutine at
// addr; the report shows them under runtime.RaceWriteRange or
// RaceReadRange, above the simrt function and the program's line, as
// natively under runtime.closechan and chansend.
//
//go:norace
func raceWriteAt(addr unsafe.Pointer) {
	if raceOn {
		runtime.RaceWriteRange(addr, 1)
	}
}

//go:norace
func raceReadAt(addr unsafe.Pointer) {
	if raceOn {
		runtime.RaceReadRange(addr, 1)
	}
}

// raceChanClosed is a receive that returns because c is closed.
//
//go:norace
func raceChanClosed[T any](c *Chan[T]) { runtime.RaceAcquire(unsafe.Pointer(&c.buf)) }

// Locks: an unlock releases on the lock, a lock acquires it (sync.Mutex's
// own annotations). RWMutex uses two addresses, as sync does: readers
// release into one that only writers acquire.
//
//go:norace
func raceLocked(m *Mutex) { runtime.RaceAcquire(unsafe.Pointer(m)) }

//go:norace
func raceUnlocking(m *Mutex) { runtime.RaceRelease(unsafe.Pointer(m)) }

//go:norace
func raceRLocked(rw *RWMutex) { runtime.RaceAcquire(unsafe.Pointer(&rw.readerq)) }

//go:norace
func raceRUnlocking(rw *RWMutex) { runtime.RaceReleaseMerge(unsafe.Pointer(&rw.writerq)) }

//go:norace
func raceWLocked(rw *RWMutex) {
	runtime.RaceAcquire(unsafe.Pointer(&rw.readerq))
	runtime.RaceAcquire(unsafe.Pointer(&rw.writerq))
}

//go:norace
func raceWUnlocking(rw *RWMutex) { runtime.RaceRelease(unsafe.Pointer(&rw.readerq)) }

// WaitGroup: every Done merges into the group, Wait acquires it.
//
//go:norace
func raceWGDone(wg *WaitGroup) { runtime.RaceReleaseMerge(unsafe.Pointer(wg)) }

//go:norace
func raceWGWaited(wg *WaitGroup) { runtime.RaceAcquire(unsafe.Pointer(wg)) }

// Once: f's return releases, every Do acquires.
//
//go:norace
func raceOnceDone(o *Once) { runtime.RaceRelease(unsafe.Pointer(o)) }

//go:norace
func raceOnceSeen(o *Once) { runtime.RaceAcquire(unsafe.Pointer(o)) }

// raceErrors is the number of races the detector reported so far.
//
//go:norace
func raceErrors() int { return runtime.RaceErrors() }

// Timers: arming releases on the timer, its fire (on the simrt thread)
// acquires it, so the send on its channel, AfterFunc's goroutine and a
// deadline's cancel all come after the arming, as with the runtime's
// timers.
//
//go:norace
func raceArm(t *timer) { runtime.RaceReleaseMerge(unsafe.Pointer(t)) }

//go:norace
func raceFire(t *timer) { runtime.RaceAcquire(unsafe.Pointer(t)) }

// sync.Map: every operation that may store merges into the map's address,
// every one acquires it. The runtime's sync.Map orders by entry; this is
// coarser (more edges, at worst a race unseen, never one invented).
//
//go:norace
func raceMapWrite(m *Map) {
	runtime.RaceAcquire(unsafe.Pointer(m))
	runtime.RaceReleaseMerge(unsafe.Pointer(m))
}

//go:norace
func raceMapRead(m *Map) { runtime.RaceAcquire(unsafe.Pointer(m)) }

// raceSource is a PCG whose state is touched on the simrt thread only: the
// world's random streams are drawn from every goroutine in turn, and
// math/rand/v2 is instrumented.
type raceSource struct{ pcg *rand.PCG }

//go:norace
func (s *raceSource) Uint64() uint64 {
	if raceOffSimrt() {
		var v uint64
		raceUpcall(func() { v = s.pcg.Uint64() })
		return v
	}
	return s.pcg.Uint64()
}

// newRand is rand.New(rand.NewPCG(seed1, seed2)), drawn on the simrt
// thread.
//
//go:norace
func newRand(seed1, seed2 uint64) *rand.Rand {
	return rand.New(&raceSource{rand.NewPCG(seed1, seed2)})
}

// raceCrashed is the crash of x's node: everything x did happens before the
// crash returns (x released its clock when it last switched out, run), so
// a restarted node's goroutines, started after it, do not race with their
// predecessors.
//
//go:norace
func raceCrashed(x *g) { runtime.RaceAcquire(raceToken(x)) }

// ioSync is the one address every write of bytes (simnet's connections,
// simos's files and pipes) releases to and every read of bytes acquires,
// as package syscall's ioSync natively.
var ioSync uint64

// IOWrite is a write of bytes for the race detector: it happens before
// every read of bytes that returns after it, on any connection or file, as
// syscall.Write's annotation natively. For simnet and simos, where a
// native program would have made a write system call.
//
//go:norace
func IOWrite() {
	if raceOn {
		runtime.RaceReleaseMerge(unsafe.Pointer(&ioSync))
	}
}

// IORead is a successful read of bytes (simnet, simos): it sees every
// write of bytes before it, as syscall.Read's annotation natively.
//
//go:norace
func IORead() {
	if raceOn {
		runtime.RaceAcquire(unsafe.Pointer(&ioSync))
	}
}

// IOWroteFrom records what syscall.Write and Pwrite record of the bytes a
// write took: a read of b (the bytes written) by the running goroutine,
// after the write's IOWrite. A goroutine that changes a buffer while
// another writes it to a connection or a file races, as natively. The
// copy into simnet's and simos's own buffers is unrecorded (CopyBytes):
// this is the one record of it.
//
//go:norace
func IOWroteFrom(b []byte) {
	if raceOn && len(b) > 0 {
		runtime.RaceReadRange(unsafe.Pointer(&b[0]), len(b))
	}
}

// IOReadInto records what syscall.Read and Pread record of the bytes a
// read returned: a write of b (the bytes read) by the running goroutine,
// before the read's IORead.
//
//go:norace
func IOReadInto(b []byte) {
	if raceOn && len(b) > 0 {
		runtime.RaceWriteRange(unsafe.Pointer(&b[0]), len(b))
	}
}

// Upcall runs f where simrt keeps its maps: under -race, on the simrt
// thread (racecoro.go) while the caller waits; otherwise in place. It is
// for simnet and simos, whose maps every goroutine touches in turn: the
// runtime reports a map's accesses even from go:norace code. f must not
// block, and must touch no state that code outside upcalls writes from an
// instrumented function.
//
//go:norace
func Upcall(f func()) { raceUpcall(f) }

// CopyBytes is copy(dst, src) for simnet's and simos's own buffers: under
// -race the copy is not recorded (copy's runtime call reports its
// accesses even from go:norace code, and the buffers pass between
// goroutines with no edge of the program's).
//
//go:norace
func CopyBytes(dst, src []byte) int {
	n := min(len(dst), len(src))
	if n == 0 || &dst[0] == &src[0] {
		return n
	}
	if uintptr(unsafe.Pointer(&dst[0])) > uintptr(unsafe.Pointer(&src[0])) {
		for i := n - 1; i >= 0; i-- { // overlapping: copy backwards
			dst[i] = src[i]
		}
		return n
	}
	for i := 0; i < n; i++ {
		dst[i] = src[i]
	}
	return n
}

// AppendBytes is append(dst, src...) for simnet's and simos's own
// buffers, unrecorded under -race as CopyBytes.
//
//go:norace
func AppendBytes(dst, src []byte) []byte {
	n := len(dst)
	if n+len(src) > cap(dst) {
		nb := make([]byte, n, max(2*cap(dst), n+len(src)))
		CopyBytes(nb, dst)
		dst = nb
	}
	dst = dst[:n+len(src)]
	CopyBytes(dst[n:], src)
	return dst
}

// raceExit is the end of a goroutine of w, on that goroutine: its clock
// merges into the run's end, which teardown acquires (raceJoinRun).
//
//go:norace
func raceExit(w *world) { runtime.RaceReleaseMerge(unsafe.Pointer(w)) }

// raceJoinRun ends teardown: everything the run's goroutines did happens
// before the next run, whose goroutines are new ones (a run's goroutines
// are gone when it ends, and state that simgen resets between runs, such
// as net/http's DefaultTransport, is touched by both).
//
//go:norace
func raceJoinRun(w *world) { runtime.RaceAcquire(unsafe.Pointer(w)) }

// poolRace are the addresses Pool's edges go through, by the value's
// address, as sync.Pool's poolRaceHash.
var poolRace [128]uint64

//go:norace
func poolRaceAddr(x any) unsafe.Pointer {
	p := uintptr((*[2]unsafe.Pointer)(unsafe.Pointer(&x))[1])
	h := uint32((uint64(uint32(p)) * 0x85ebca6b) >> 16)
	return unsafe.Pointer(&poolRace[h%uint32(len(poolRace))])
}

// racePoolPut and racePoolGot are sync.Pool's edges: a Put happens before
// the Get that returns the value. (sync.Pool also drops a Put at random
// under -race; this Pool is deterministic and keeps it.)
//
//go:norace
func racePoolPut(x any) {
	if raceOn {
		runtime.RaceReleaseMerge(poolRaceAddr(x))
	}
}

//go:norace
func racePoolGot(x any) {
	if raceOn {
		runtime.RaceAcquire(poolRaceAddr(x))
	}
}

// RaceAcquire and RaceRelease are the detector's acquire and release on
// addr, for code simgen adds to rewritten packages (net/http's
// DefaultTransport reset): they order simgen's own accesses before the
// program's. Without -race, or with SIM_RACE=off, they do nothing.
//
//go:norace
func RaceAcquire(addr unsafe.Pointer) {
	if raceOn {
		runtime.RaceAcquire(addr)
	}
}

// RaceRelease: see RaceAcquire.
//
//go:norace
func RaceRelease(addr unsafe.Pointer) {
	if raceOn {
		runtime.RaceRelease(addr)
	}
}

// Send is ch <- v. Under -race it is instrumented and never inlined, as Go
// is: its entry records the caller's line, where the detector reports a
// send racing a close. It touches nothing but its arguments.
//
//go:noinline
func Send[T any](c *Chan[T], v T) { chanSend(c, v) }

// Close is close(ch), instrumented under -race as Send is: a close that
// races a send is reported at the caller's line.
//
//go:noinline
func Close[T any](c *Chan[T]) { chanClose(c) }

// Select runs a select statement over cases and returns the index of the
// case that proceeded, or -1 when hasDefault and no case was ready. Under
// -race it is instrumented and never inlined, as Send is: a send case
// racing a close is reported at the select's line.
//
//go:noinline
func Select(hasDefault bool, cases ...Case) int { return selectCases(hasDefault, cases) }
