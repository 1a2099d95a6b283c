package simnet

// This file turns addresses into nodes: it parses "host:port" as net does
// (same errors), resolves the run's names, and routes an address to the
// node that owns it as seen from the calling node (each node has its own
// loopback).
//
// Invariants: addresses are kept as netip values with IPv4 unmapped, so
// that 10.0.0.1 and ::ffff:10.0.0.1 are one address; they become net.IP
// values only at the API's edge (errors.go).

import (
	"net"
	"net/netip"
	"strings"
	"syscall"

	"simgen.dev/simgen/simrt"
)

var (
	loop4 = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	loop6 = netip.IPv6Loopback()
)

// family is the address family a network name allows: '4', '6', or 0 for
// both.
//
//go:norace
func family(network string) byte {
	switch network[len(network)-1] {
	case '4':
		return '4'
	case '6':
		return '6'
	}
	return 0
}

//go:norace
func (nw *network) lookup(host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip.Unmap()}, nil
	}
	name := strings.TrimSuffix(host, ".")
	switch strings.ToLower(name) {
	case "":
		return nil, dnsNotFound(host)
	case "localhost":
		return []netip.Addr{loop4}, nil
	case "host":
		return []netip.Addr{hostAddr}, nil
	}
	if a, ok := mget(nw.alias, name); ok {
		return []netip.Addr{a}, nil
	}
	if id, ok := simrt.NodeByName(name); ok {
		return []netip.Addr{NodeAddr(id)}, nil
	}
	return nil, dnsNotFound(host)
}

// resolve is net's internetAddrList for one address: host and port of
// address, the host resolved and filtered by network's family. An empty
// host gives no address (IsValid false): a listener binds all addresses
// (unspecified), a dial goes to the loopback (loopback). Errors are
// net's, not yet wrapped in an OpError.
//
//go:norace
func (nw *network) resolve(network, address string) (netip.AddrPort, error) {
	if address == "" {
		return netip.AddrPort{}, nil // no host, port 0
	}
	host, ps, err := net.SplitHostPort(address)
	if err != nil {
		return netip.AddrPort{}, err
	}
	port, err := net.LookupPort(network, ps)
	if err != nil {
		return netip.AddrPort{}, err
	}
	if host == "" {
		return netip.AddrPortFrom(netip.Addr{}, uint16(port)), nil
	}
	ips, err := nw.lookup(host)
	if err != nil {
		return netip.AddrPort{}, err
	}
	for _, ip := range ips {
		if fits(network, ip) {
			return netip.AddrPortFrom(ip, uint16(port)), nil
		}
	}
	return netip.AddrPort{}, &net.AddrError{Err: errNoSuitableAddress, Addr: host}
}

// fits reports whether ip belongs to network's family.
//
//go:norace
func fits(network string, ip netip.Addr) bool {
	switch family(network) {
	case '4':
		return ip.Is4()
	case '6':
		return ip.Is6()
	}
	return true
}

// route returns the node that owns ip as seen from node src, and the
// address a connection to it shows (an unspecified address is the
// loopback, as Linux has it). It fails as connect would for an address no
// node has.
//
//go:norace
func (nw *network) route(src simrt.NodeID, ip netip.Addr) (simrt.NodeID, netip.Addr, syscall.Errno) {
	ip = ip.Unmap()
	switch {
	case ip.IsUnspecified():
		if ip.Is4() {
			return src, loop4, 0
		}
		return src, loop6, 0
	case ip.IsLoopback(), ip == NodeAddr(src):
		return src, ip, 0
	case ip == hostAddr:
		return simrt.Host, ip, 0
	case ip.Is4():
		if id, ok := simrt.NodeByIP(ip.As4()); ok {
			return id, ip, 0
		}
		if ip.As4()[0] == 10 {
			return 0, ip, syscall.EHOSTUNREACH
		}
	}
	return 0, ip, syscall.ENETUNREACH
}

// loopback is where a dial with no host goes: the local system, 127.0.0.1
// (::1 for tcp6 and udp6), as net dials it.
//
//go:norace
func loopback(network string) netip.Addr {
	if family(network) == '6' {
		return loop6
	}
	return loop4
}

// owns reports whether node id may bind ip: its loopback, its address, or
// the unspecified address (all of them).
//
//go:norace
func owns(id simrt.NodeID, ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsUnspecified() || ip.IsLoopback() || ip == NodeAddr(id)
}

// source is the local address of a connection from node src to dstIP on
// node dst: the loopback for the loopback, the address itself when a node
// reaches its own address, its address otherwise.
//
//go:norace
func source(src, dst simrt.NodeID, dstIP netip.Addr) netip.Addr {
	switch {
	case dstIP.IsLoopback():
		if dstIP.Is4() {
			return loop4
		}
		return loop6
	case src == dst:
		return dstIP
	}
	return NodeAddr(src)
}

// bindMatch reports whether a socket bound to bound (port aside) receives
// what is addressed to dst: the same address, or an unspecified address
// of a family that takes dst (0.0.0.0 takes IPv4 only; [::] takes both
// unless the network is tcp6 or udp6).
//
//go:norace
func bindMatch(network string, bound, dst netip.Addr) bool {
	if !bound.IsUnspecified() {
		return bound == dst
	}
	if bound.Is4() {
		return dst.Is4()
	}
	return family(network) != '6' || dst.Is6()
}

// bindConflict reports whether two bindings of one port collide: either
// binds all addresses, or both bind the same one.
//
//go:norace
func bindConflict(a, b netip.Addr) bool {
	return a.IsUnspecified() || b.IsUnspecified() || a == b
}
