// Package simatomic is sync/atomic for code rewritten by simgen: every
// function and type of sync/atomic, with the same names, signatures and
// semantics, and every operation a scheduling point of the simulation. So a
// goroutine that spins on an atomic flag lets the goroutine that sets it run,
// and the interleavings of lock-free code are explored like those of locks.
//
// The values themselves are read and written with sync/atomic: a simulation
// runs one goroutine at a time, but code outside any simulation (package
// initialization, goroutines simgen did not start) stays correct.
//
// Invariants:
//   - Each operation is simrt.Yield followed by exactly one sync/atomic
//     operation, so it takes effect atomically after its scheduling point.
//   - The types keep sync/atomic's layout rules: Int64 and Uint64 are 8-byte
//     aligned on every platform (they hold the sync/atomic types), and each
//     type that has a noCopy marker in sync/atomic has one here, so go vet's
//     copylocks check still reports copies.
package simatomic
