package simnet

// This file builds the errors simnet returns, exactly as package net builds
// them, so that they print the same ("dial tcp 10.0.0.2:80: connect:
// connection refused") and answer errors.Is, errors.As and net.Error's
// Timeout the same.
//
// Invariants: an *net.OpError's Source and Addr are nil interfaces, never
// typed nil pointers, when there is no address (OpError.Error tests them
// against nil).

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"syscall"
)

// timeoutError is net's errTimeout: what a dial reports when its timeout,
// deadline or context deadline passes. It prints "i/o timeout" and is
// context.DeadlineExceeded (not os.ErrDeadlineExceeded), as net's is.
type timeoutError struct{}

//go:norace
func (*timeoutError) Error() string { return "i/o timeout" }

//go:norace
func (*timeoutError) Timeout() bool { return true }

//go:norace
func (*timeoutError) Temporary() bool { return true }

//go:norace
func (*timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

var errTimeout error = &timeoutError{}

// canceledError is net's errCanceled: a dial whose context was canceled.
type canceledError struct{}

//go:norace
func (canceledError) Error() string { return "operation was canceled" }

//go:norace
func (canceledError) Is(target error) bool { return target == context.Canceled }

// mapErr is net's mapErr: the historical errors for a context's.
//
//go:norace
func mapErr(err error) error {
	switch err {
	case context.Canceled:
		return canceledError{}
	case context.DeadlineExceeded:
		return errTimeout
	}
	return err
}

var (
	errMissingAddress = errors.New("missing address")
	errNoFile         = errors.New("simnet: a simulated socket has no file descriptor")
)

// errNoSuitableAddress is the text of net's AddrError for an address of
// the wrong family ("dial tcp4: address ::1: no suitable address found").
const errNoSuitableAddress = "no suitable address found"

// errNotSimulated is the error for networks simnet does not simulate
// (unix, unixgram, unixpacket, ip): inside a run they would reach the real
// operating system, which no seed decides.
//
//go:norace
func errNotSimulated(network string) error {
	return errors.New("simnet: network " + network + " is not simulated")
}

// sysErr is the *os.SyscallError the kernel call would fail with.
//
//go:norace
func sysErr(call string, errno syscall.Errno) error {
	return os.NewSyscallError(call, errno)
}

// tcpAddr is ap as a net.Addr, nil when ap is not valid.
//
//go:norace
func tcpAddr(ap netip.AddrPort) net.Addr {
	if !ap.IsValid() {
		return nil
	}
	return &net.TCPAddr{IP: ipOf(ap.Addr()), Port: int(ap.Port()), Zone: ap.Addr().Zone()}
}

// udpAddr is ap as a net.Addr, nil when ap is not valid.
//
//go:norace
func udpAddr(ap netip.AddrPort) net.Addr {
	if !ap.IsValid() {
		return nil
	}
	return &net.UDPAddr{IP: ipOf(ap.Addr()), Port: int(ap.Port()), Zone: ap.Addr().Zone()}
}

// ipOf is a as a net.IP: four bytes for IPv4, as net's sockets give.
//
//go:norace
func ipOf(a netip.Addr) net.IP {
	if !a.IsValid() {
		return nil
	}
	return net.IP(a.Unmap().AsSlice())
}

// opAddr is a as a net.Addr, nil for a nil pointer (net's opAddr).
//
//go:norace
func opAddrTCP(a *net.TCPAddr) net.Addr {
	if a == nil {
		return nil
	}
	return a
}

//go:norace
func opAddrUDP(a *net.UDPAddr) net.Addr {
	if a == nil {
		return nil
	}
	return a
}

// dnsNotFound is the error of a lookup of a name no node has.
//
//go:norace
func dnsNotFound(name string) error {
	return &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}
