package simnet

// This file holds name resolution: Resolver, DefaultResolver, the Lookup
// functions and ResolveTCPAddr, ResolveUDPAddr and ResolveIPAddr. Inside
// a run, names are the run's ("localhost", "host", node names, Alias)
// and nothing goes to a DNS server; outside, the real resolver answers.
//
// Invariants: a lookup is a scheduling point and takes no virtual time;
// its answer depends on the run's nodes and aliases only.

import (
	"context"
	"net"
	"net/netip"
	"strings"

	"simgen.dev/simgen/simrt"
)

// Resolver is net.Resolver. Inside a run every field is ignored: names
// resolve to the run's nodes. Outside, they configure a net.Resolver.
type Resolver struct {
	// PreferGo prefers Go's built-in resolver (outside a run).
	PreferGo bool
	// StrictErrors makes temporary errors fail the whole lookup
	// (outside a run).
	StrictErrors bool
	// Dial dials the DNS server (outside a run).
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// DefaultResolver is the resolver of the package-level Lookup functions
// and of a Dialer without one: net.DefaultResolver outside a run.
var DefaultResolver = &Resolver{}

//go:norace
func (r *Resolver) native() *net.Resolver {
	if r == nil || (!r.PreferGo && !r.StrictErrors && r.Dial == nil) {
		return net.DefaultResolver
	}
	return &net.Resolver{PreferGo: r.PreferGo, StrictErrors: r.StrictErrors, Dial: r.Dial}
}

// lookupNetIP resolves host to the run's addresses, filtered by network
// (ip, ip4, ip6).
//
//go:norace
func (nw *network) lookupNetIP(network, host string) ([]netip.Addr, error) {
	switch network {
	case "ip", "ip4", "ip6":
	default:
		return nil, net.UnknownNetworkError(network)
	}
	if host == "" {
		return nil, dnsNotFound(host)
	}
	simrt.Gosched()
	ips, err := nw.lookup(host)
	if err != nil {
		return nil, err
	}
	var out []netip.Addr
	for _, ip := range ips {
		if fits(network, ip) {
			out = append(out, ip)
		}
	}
	if len(out) == 0 {
		return nil, dnsNotFound(host)
	}
	return out, nil
}

// LookupHost returns the addresses of host, as strings.
//
//go:norace
func (r *Resolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	nw := current()
	if nw == nil {
		return r.native().LookupHost(ctx, host)
	}
	ips, err := nw.lookupNetIP("ip", host)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = ip.String()
	}
	return out, nil
}

// LookupNetIP returns the addresses of host for network (ip, ip4, ip6).
//
//go:norace
func (r *Resolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	nw := current()
	if nw == nil {
		return r.native().LookupNetIP(ctx, network, host)
	}
	return nw.lookupNetIP(network, host)
}

// LookupIP returns the addresses of host for network (ip, ip4, ip6).
//
//go:norace
func (r *Resolver) LookupIP(ctx context.Context, network, host string) ([]net.IP, error) {
	nw := current()
	if nw == nil {
		return r.native().LookupIP(ctx, network, host)
	}
	ips, err := nw.lookupNetIP(network, host)
	if err != nil {
		return nil, err
	}
	out := make([]net.IP, len(ips))
	for i, ip := range ips {
		out[i] = net.IP(ip.AsSlice()).To16()
	}
	return out, nil
}

// LookupIPAddr returns the addresses of host.
//
//go:norace
func (r *Resolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	nw := current()
	if nw == nil {
		return r.native().LookupIPAddr(ctx, host)
	}
	ips, err := nw.lookupNetIP("ip", host)
	if err != nil {
		return nil, err
	}
	out := make([]net.IPAddr, len(ips))
	for i, ip := range ips {
		out[i] = net.IPAddr{IP: net.IP(ip.AsSlice()).To16(), Zone: ip.Zone()}
	}
	return out, nil
}

// LookupAddr returns the names of addr: "localhost" for the loopback,
// "host" for the host's address, a node's name for its address.
//
//go:norace
func (r *Resolver) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	nw := current()
	if nw == nil {
		return r.native().LookupAddr(ctx, addr)
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return nil, &net.DNSError{Err: "invalid address", Name: addr}
	}
	simrt.Gosched()
	ip = ip.Unmap()
	switch {
	case ip.IsLoopback():
		return []string{"localhost"}, nil
	case ip == hostAddr:
		return []string{"host"}, nil
	case ip.Is4():
		if id, ok := simrt.NodeByIP(ip.As4()); ok {
			return []string{simrt.NodeName(id)}, nil
		}
	}
	return nil, dnsNotFound(addr)
}

// LookupCNAME returns host itself when it resolves: the run's names have
// no aliases of the DNS kind.
//
//go:norace
func (r *Resolver) LookupCNAME(ctx context.Context, host string) (string, error) {
	nw := current()
	if nw == nil {
		return r.native().LookupCNAME(ctx, host)
	}
	if _, err := nw.lookupNetIP("ip", host); err != nil {
		return "", err
	}
	return host, nil
}

// LookupPort returns the port of service for network (numbers, and the
// names of the services database, as net).
//
//go:norace
func (r *Resolver) LookupPort(ctx context.Context, network, service string) (int, error) {
	if current() == nil {
		return r.native().LookupPort(ctx, network, service)
	}
	return net.LookupPort(network, service)
}

// LookupMX finds no MX records inside a run.
//
//go:norace
func (r *Resolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	if current() == nil {
		return r.native().LookupMX(ctx, name)
	}
	return nil, dnsNotFound(name)
}

// LookupNS finds no NS records inside a run.
//
//go:norace
func (r *Resolver) LookupNS(ctx context.Context, name string) ([]*net.NS, error) {
	if current() == nil {
		return r.native().LookupNS(ctx, name)
	}
	return nil, dnsNotFound(name)
}

// LookupSRV finds no SRV records inside a run.
//
//go:norace
func (r *Resolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	if current() == nil {
		return r.native().LookupSRV(ctx, service, proto, name)
	}
	target := name
	if service != "" || proto != "" {
		target = "_" + service + "._" + proto + "." + name
	}
	return "", nil, dnsNotFound(target)
}

// LookupTXT finds no TXT records inside a run.
//
//go:norace
func (r *Resolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	if current() == nil {
		return r.native().LookupTXT(ctx, name)
	}
	return nil, dnsNotFound(name)
}

// LookupHost is net.LookupHost.
//
//go:norace
func LookupHost(host string) ([]string, error) {
	return DefaultResolver.LookupHost(context.Background(), host)
}

// LookupIP is net.LookupIP.
//
//go:norace
func LookupIP(host string) ([]net.IP, error) {
	return DefaultResolver.LookupIP(context.Background(), "ip", host)
}

// LookupAddr is net.LookupAddr.
//
//go:norace
func LookupAddr(addr string) ([]string, error) {
	return DefaultResolver.LookupAddr(context.Background(), addr)
}

// LookupCNAME is net.LookupCNAME.
//
//go:norace
func LookupCNAME(host string) (string, error) {
	return DefaultResolver.LookupCNAME(context.Background(), host)
}

// LookupPort is net.LookupPort.
//
//go:norace
func LookupPort(network, service string) (int, error) {
	return DefaultResolver.LookupPort(context.Background(), network, service)
}

// LookupMX is net.LookupMX.
//
//go:norace
func LookupMX(name string) ([]*net.MX, error) {
	return DefaultResolver.LookupMX(context.Background(), name)
}

// LookupNS is net.LookupNS.
//
//go:norace
func LookupNS(name string) ([]*net.NS, error) {
	return DefaultResolver.LookupNS(context.Background(), name)
}

// LookupSRV is net.LookupSRV.
//
//go:norace
func LookupSRV(service, proto, name string) (string, []*net.SRV, error) {
	return DefaultResolver.LookupSRV(context.Background(), service, proto, name)
}

// LookupTXT is net.LookupTXT.
//
//go:norace
func LookupTXT(name string) ([]string, error) {
	return DefaultResolver.LookupTXT(context.Background(), name)
}

// ResolveTCPAddr is net.ResolveTCPAddr with the run's names.
//
//go:norace
func ResolveTCPAddr(network, address string) (*net.TCPAddr, error) {
	nw := current()
	if nw == nil {
		return net.ResolveTCPAddr(network, address)
	}
	switch network {
	case "tcp", "tcp4", "tcp6":
	case "":
		network = "tcp"
	default:
		return nil, net.UnknownNetworkError(network)
	}
	ap, err := nw.resolve(network, address)
	if err != nil {
		return nil, err
	}
	return &net.TCPAddr{IP: ipOf(ap.Addr()), Port: int(ap.Port()), Zone: ap.Addr().Zone()}, nil
}

// ResolveUDPAddr is net.ResolveUDPAddr with the run's names.
//
//go:norace
func ResolveUDPAddr(network, address string) (*net.UDPAddr, error) {
	nw := current()
	if nw == nil {
		return net.ResolveUDPAddr(network, address)
	}
	switch network {
	case "udp", "udp4", "udp6":
	case "":
		network = "udp"
	default:
		return nil, net.UnknownNetworkError(network)
	}
	ap, err := nw.resolve(network, address)
	if err != nil {
		return nil, err
	}
	return &net.UDPAddr{IP: ipOf(ap.Addr()), Port: int(ap.Port()), Zone: ap.Addr().Zone()}, nil
}

// ResolveIPAddr is net.ResolveIPAddr with the run's names (network ip,
// ip4 or ip6, optionally with ":protocol").
//
//go:norace
func ResolveIPAddr(network, address string) (*net.IPAddr, error) {
	nw := current()
	if nw == nil {
		return net.ResolveIPAddr(network, address)
	}
	afnet := network
	if i := strings.IndexByte(network, ':'); i >= 0 {
		afnet = network[:i]
	}
	switch afnet {
	case "":
		afnet = "ip"
	case "ip", "ip4", "ip6":
	default:
		return nil, net.UnknownNetworkError(network)
	}
	if address == "" {
		return &net.IPAddr{}, nil
	}
	ips, err := nw.lookupNetIP(afnet, address)
	if err != nil {
		if _, ok := err.(*net.DNSError); ok {
			if _, perr := netip.ParseAddr(address); perr != nil {
				return nil, err
			}
			return nil, &net.AddrError{Err: errNoSuitableAddress, Addr: address}
		}
		return nil, err
	}
	return &net.IPAddr{IP: ipOf(ips[0]), Zone: ips[0].Zone()}, nil
}
