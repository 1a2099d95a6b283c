//go:build !race

package simrt

// This file is race.go's twin for builds without -race: every hook is empty
// and inlines to nothing, so a simulation pays nothing for them.
//
// Invariant: every hook the rest of simrt calls exists here with race.go's
// signature.

import (
	"math/rand/v2"
	"unsafe"
)

// raceEnabled reports whether the build has the race detector.
const raceEnabled = false

// RaceGo is whether a rewritten go statement starts a real goroutine
// itself (Spawn): never without -race.
const RaceGo = false

// raceOn is whether the detector sees the program's edges only: never
// without -race.
const raceOn = false

// maxIdle bounds the pool of idle workers ready to carry a new g.
const maxIdle = 1024

func raceBlock(*g)                          {}
func raceResume(*g)                         {}
func raceGive(*g)                           {}
func raceChanBuf[T any](*Chan[T], int)      {}
func raceChanPair[T any](*Chan[T], int, *g) {}
func raceChanSkip[T any](*Chan[T])          {}
func raceChanClose[T any](*Chan[T])         {}
func raceChanClosed[T any](*Chan[T])        {}
func raceChanSend[T any](*Chan[T])          {}
func raceLocked(*Mutex)                     {}
func raceUnlocking(*Mutex)                  {}
func raceRLocked(*RWMutex)                  {}
func raceRUnlocking(*RWMutex)               {}
func raceWLocked(*RWMutex)                  {}
func raceWUnlocking(*RWMutex)               {}
func raceWGDone(*WaitGroup)                 {}
func raceWGWaited(*WaitGroup)               {}
func raceOnceDone(*Once)                    {}
func raceOnceSeen(*Once)                    {}
func raceErrors() int                       { return 0 }
func raceArm(*timer)                        {}
func raceFire(*timer)                       {}
func raceMapWrite(*Map)                     {}
func raceMapRead(*Map)                      {}
func raceCrashed(*g)                        {}
func raceExit(*world)                       {}
func raceJoinRun(*world)                    {}
func racePoolPut(any)                       {}
func racePoolGot(any)                       {}

// IOWrite is a write of bytes for the race detector (simnet, simos): it
// happens before every read of bytes that returns after it, as
// syscall.Write's annotation natively. Without -race it does nothing.
func IOWrite() {}

// IORead is a successful read of bytes for the race detector (simnet,
// simos), as syscall.Read's annotation natively. Without -race it does
// nothing.
func IORead() {}

// IOWroteFrom records, under -race, the read of the bytes a write took, as
// syscall.Write does. Without -race it does nothing.
func IOWroteFrom([]byte) {}

// IOReadInto records, under -race, the write of the bytes a read returned,
// as syscall.Read does. Without -race it does nothing.
func IOReadInto([]byte) {}

// RaceAcquire is the detector's acquire on addr, for code simgen adds
// to rewritten packages; without -race it does nothing.
func RaceAcquire(unsafe.Pointer) {}

// RaceRelease is the detector's release on addr (see RaceAcquire).
func RaceRelease(unsafe.Pointer) {}

// Upcall runs f where simrt keeps its maps: in place without -race (under
// -race, on the simrt thread). f must not block.
func Upcall(f func()) { f() }

// CopyBytes is copy(dst, src) for simnet's and simos's own buffers (under
// -race, a copy the detector does not record).
func CopyBytes(dst, src []byte) int { return copy(dst, src) }

// AppendBytes is append(dst, src...) for simnet's and simos's own buffers
// (under -race, unrecorded as CopyBytes).
func AppendBytes(dst, src []byte) []byte { return append(dst, src...) }

// newRand is rand.New(rand.NewPCG(seed1, seed2)).
func newRand(seed1, seed2 uint64) *rand.Rand { return rand.New(rand.NewPCG(seed1, seed2)) }

// Send is ch <- v.
func Send[T any](c *Chan[T], v T) { chanSend(c, v) }

// Close is close(ch).
func Close[T any](c *Chan[T]) { chanClose(c) }

// Select runs a select statement over cases and returns the index of the
// case that proceeded, or -1 when hasDefault and no case was ready.
func Select(hasDefault bool, cases ...Case) int { return selectCases(hasDefault, cases) }
