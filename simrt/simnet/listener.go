package simnet

// This file holds TCP listeners: Listen, ListenTCP, ListenConfig and
// TCPListener, and the arrival of a SYN at a node (accept).
//
// Invariants:
//   - A node's open listeners are in its stack's list, in the order made;
//     no two of them collide (same port, and the same address or either
//     one all addresses).
//   - A connection is queued on its listener when its SYN arrives, before
//     the dialer hears back; Accept hands the queue out in order. Closing
//     the listener resets what it did not hand out.

import (
	"context"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"

	"simgen.dev/simgen/simrt"
)

// listener is a simulated TCP listener.
type listener struct {
	nw      *network
	node    simrt.NodeID
	network string
	addr    netip.AddrPort // the address may be unspecified (all of the node's)
	q       []*endpoint    // connections not accepted yet
	closed  bool
	ev      simrt.Event
	dl      deadline
}

// listenerFor returns the open listener that takes connections to dst.
//
//go:norace
func (s *stack) listenerFor(dst netip.AddrPort) *listener {
	for _, l := range s.listeners {
		if l.addr.Port() == dst.Port() && bindMatch(l.network, l.addr.Addr(), dst.Addr()) {
			return l
		}
	}
	return nil
}

// accept is the arrival of a dial's SYN at the far end of flow f: the
// dialer is queued on the listener and answered with a SYN-ACK, or
// refused with a reset; a node that is down does not answer, and the
// dialer retransmits.
//
//go:norace
func (nw *network) accept(f *flow) {
	c, s := f.src, f.dst
	if c.state != stSynSent || c.closed || s.state != stNone {
		return
	}
	if !simrt.Alive(s.node) {
		c.retransmitSyn()
		return
	}
	st := nw.stack(s.node)
	l := st.listenerFor(s.laddr)
	if l == nil {
		s.gone = true
		s.out.send(segment{kind: segRst})
		return
	}
	s.state = stEstablished
	s.network = l.network
	st.eps = append(st.eps, s)
	l.q = append(l.q, s)
	l.ev.Notify()
	s.out.send(segment{kind: segSynAck})
}

// retransmitSyn sends the SYN again on Linux's schedule (1, 3, 7, 15, 31
// and 63 seconds after the dial began), after a SYN was lost.
//
//go:norace
func (c *endpoint) retransmitSyn() {
	if c.synTries >= 6 || c.retx != nil {
		return
	}
	c.synTries++
	at := c.dialStart.Add(time.Duration(1<<c.synTries-1) * time.Second)
	c.retx = simrt.CallAt(at, func() {
		c.retx = nil
		if c.state == stSynSent && !c.closed {
			c.out.send(segment{kind: segSyn})
		}
	})
}

// listenTCP binds a listener on the calling node.
//
//go:norace
func (nw *network) listenTCP(network string, laddr netip.AddrPort, errAddr net.Addr) (*TCPListener, error) {
	fail := func(err error) (*TCPListener, error) {
		return nil, &net.OpError{Op: "listen", Net: network, Source: nil, Addr: errAddr, Err: err}
	}
	simrt.Gosched()
	node := simrt.CurrentNode()
	ip := laddr.Addr().Unmap()
	if !ip.IsValid() {
		ip = unspecified(network)
	}
	if !owns(node, ip) {
		return fail(sysErr("bind", syscall.EADDRNOTAVAIL))
	}
	st := nw.stack(node)
	port := laddr.Port()
	if port == 0 {
		p, ok := ephemeral(&st.nextTCP, st.tcpPortUsed)
		if !ok {
			return fail(sysErr("bind", syscall.EADDRINUSE))
		}
		port = p
	} else {
		for _, l := range st.listeners {
			if l.addr.Port() == port && bindConflict(l.addr.Addr(), ip) {
				return fail(sysErr("bind", syscall.EADDRINUSE))
			}
		}
	}
	l := &listener{nw: nw, node: node, network: network, addr: netip.AddrPortFrom(ip, port)}
	st.listeners = append(st.listeners, l)
	return &TCPListener{l: l}, nil
}

// TCPListener is net.TCPListener: a simulated TCP listener inside a run,
// or a real one (wrapped) outside. It implements net.Listener.
type TCPListener struct {
	l *listener
	r *net.TCPListener
}

var _ net.Listener = (*TCPListener)(nil)

//go:norace
func (ln *TCPListener) opErr(op string, err error) error {
	return &net.OpError{Op: op, Net: ln.l.network, Source: nil, Addr: ln.Addr(), Err: err}
}

//go:norace
func (ln *TCPListener) dead() bool {
	return ln.l.closed || ln.l.nw != current()
}

// AcceptTCP waits for the next connection and returns it.
//
//go:norace
func (ln *TCPListener) AcceptTCP() (*TCPConn, error) {
	if !ln.ok() {
		return nil, syscall.EINVAL
	}
	if ln.r != nil {
		c, err := ln.r.AcceptTCP()
		if err != nil {
			return nil, err
		}
		return &TCPConn{r: c}, nil
	}
	l := ln.l
	if ln.dead() {
		return nil, ln.opErr("accept", net.ErrClosed)
	}
	simrt.Gosched()
	for {
		switch {
		case l.closed:
			return nil, ln.opErr("accept", net.ErrClosed)
		case len(l.q) > 0:
			e := l.q[0]
			l.q[0] = nil
			l.q = l.q[1:]
			return &TCPConn{e: e}, nil
		case l.dl.passed():
			return nil, ln.opErr("accept", os.ErrDeadlineExceeded)
		}
		l.ev.Wait("net accept")
	}
}

// Accept implements net.Listener's Accept.
//
//go:norace
func (ln *TCPListener) Accept() (net.Conn, error) {
	c, err := ln.AcceptTCP()
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Close stops listening; connections not accepted yet are reset.
//
//go:norace
func (ln *TCPListener) Close() error {
	if !ln.ok() {
		return syscall.EINVAL
	}
	if ln.r != nil {
		return ln.r.Close()
	}
	l := ln.l
	if ln.dead() {
		return ln.opErr("close", net.ErrClosed)
	}
	l.closed = true
	l.dl.clear()
	st := l.nw.stack(l.node)
	for i, x := range st.listeners {
		if x == l {
			st.listeners = without(st.listeners, i)
			break
		}
	}
	q := l.q
	l.q = nil
	for _, e := range q {
		e.closed, e.gone = true, true
		e.abort()
		st.removeEndpoint(e)
	}
	l.ev.Notify()
	return nil
}

// Addr returns the listener's address, a *net.TCPAddr ([::]:port or
// 0.0.0.0:port when it listens on all of the node's addresses).
//
//go:norace
func (ln *TCPListener) Addr() net.Addr {
	if !ln.ok() {
		return nil
	}
	if ln.r != nil {
		return ln.r.Addr()
	}
	return tcpAddr(ln.l.addr)
}

// SetDeadline sets the deadline of Accept, on the virtual clock.
//
//go:norace
func (ln *TCPListener) SetDeadline(t time.Time) error {
	if !ln.ok() {
		return syscall.EINVAL
	}
	if ln.r != nil {
		return ln.r.SetDeadline(t)
	}
	if ln.dead() {
		return ln.opErr("set", net.ErrClosed)
	}
	ln.l.dl.set(t, &ln.l.ev)
	return nil
}

// File fails inside a run: a simulated listener has no file descriptor.
//
//go:norace
func (ln *TCPListener) File() (*os.File, error) {
	if !ln.ok() {
		return nil, syscall.EINVAL
	}
	if ln.r != nil {
		return ln.r.File()
	}
	return nil, ln.opErr("file", errNoFile)
}

// SyscallConn fails inside a run: a simulated listener has no file
// descriptor.
//
//go:norace
func (ln *TCPListener) SyscallConn() (syscall.RawConn, error) {
	if !ln.ok() {
		return nil, syscall.EINVAL
	}
	if ln.r != nil {
		return ln.r.SyscallConn()
	}
	return nil, ln.opErr("raw-conn", errNoFile)
}

// ListenTCP is net.ListenTCP: it listens on laddr of the calling node (all
// of its addresses when laddr or its IP is nil; a free port when the port
// is 0).
//
//go:norace
func ListenTCP(network string, laddr *net.TCPAddr) (*TCPListener, error) {
	nw := current()
	if nw == nil {
		l, err := net.ListenTCP(network, laddr)
		if err != nil {
			return nil, err
		}
		return &TCPListener{r: l}, nil
	}
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, &net.OpError{Op: "listen", Net: network, Source: nil, Addr: opAddrTCP(laddr), Err: net.UnknownNetworkError(network)}
	}
	ap := netip.AddrPortFrom(unspecified(network), 0)
	if laddr != nil {
		ap = laddr.AddrPort()
		if laddr.IP == nil {
			ap = netip.AddrPortFrom(unspecified(network), ap.Port())
		}
	}
	return nw.listenTCP(network, ap, opAddrTCP(laddr))
}

// unspecified is the address that binds all of a node's addresses for
// network: 0.0.0.0 for tcp4 and udp4, [::] (both families) otherwise.
//
//go:norace
func unspecified(network string) netip.Addr {
	if family(network) == '4' {
		return netip.IPv4Unspecified()
	}
	return netip.IPv6Unspecified()
}

// Listen is net.Listen for tcp, tcp4 and tcp6 on the calling node.
//
//go:norace
func Listen(network, address string) (net.Listener, error) {
	var lc ListenConfig
	return lc.Listen(context.Background(), network, address)
}

// ListenConfig is net.ListenConfig. Control is never called inside a run
// (there is no socket to control); the keep-alive settings are accepted
// and ignored.
type ListenConfig struct {
	// Control is called, outside a run only, after creating the
	// socket and before binding it.
	Control func(network, address string, c syscall.RawConn) error
	// KeepAlive is the keep-alive period of accepted connections.
	KeepAlive time.Duration
	// KeepAliveConfig configures keep-alive probes of accepted
	// connections.
	KeepAliveConfig net.KeepAliveConfig

	mptcp int8 // SetMultipathTCP: 0 default, 1 on, -1 off
}

//go:norace
func (lc *ListenConfig) native() *net.ListenConfig {
	n := &net.ListenConfig{Control: lc.Control, KeepAlive: lc.KeepAlive, KeepAliveConfig: lc.KeepAliveConfig}
	if lc.mptcp != 0 {
		n.SetMultipathTCP(lc.mptcp > 0)
	}
	return n
}

// Listen listens on address of the calling node: ":port", "0.0.0.0:port"
// and "[::]:port" bind all of its addresses, "localhost:port" its loopback,
// its own name or address that address; port 0 picks a free port.
//
//go:norace
func (lc *ListenConfig) Listen(ctx context.Context, network, address string) (net.Listener, error) {
	nw := current()
	if nw == nil {
		l, err := lc.native().Listen(ctx, network, address)
		if tl, ok := l.(*net.TCPListener); ok && err == nil {
			return &TCPListener{r: tl}, nil
		}
		return l, err
	}
	switch network {
	case "tcp", "tcp4", "tcp6":
	case "unix", "unixpacket":
		return nil, &net.OpError{Op: "listen", Net: network, Err: errNotSimulated(network)}
	default:
		return nil, &net.OpError{Op: "listen", Net: network, Err: net.UnknownNetworkError(network)}
	}
	ap, err := nw.resolve(network, address)
	if err != nil {
		return nil, &net.OpError{Op: "listen", Net: network, Err: err}
	}
	return nw.listenTCP(network, ap, listenErrAddr(network, ap))
}

// listenErrAddr is the address a listen error names: the one asked for,
// with no IP for an empty host (":8080"), as net resolves it.
//
//go:norace
func listenErrAddr(network string, ap netip.AddrPort) net.Addr {
	if network[0] == 'u' {
		return &net.UDPAddr{IP: ipOf(ap.Addr()), Port: int(ap.Port())}
	}
	return &net.TCPAddr{IP: ipOf(ap.Addr()), Port: int(ap.Port())}
}

// ListenPacket listens for datagrams on address of the calling node (udp,
// udp4, udp6), as ListenUDP.
//
//go:norace
func (lc *ListenConfig) ListenPacket(ctx context.Context, network, address string) (net.PacketConn, error) {
	nw := current()
	if nw == nil {
		c, err := lc.native().ListenPacket(ctx, network, address)
		if uc, ok := c.(*net.UDPConn); ok && err == nil {
			return &UDPConn{r: uc}, nil
		}
		return c, err
	}
	switch network {
	case "udp", "udp4", "udp6":
	case "unixgram", "ip", "ip4", "ip6":
		return nil, &net.OpError{Op: "listen", Net: network, Err: errNotSimulated(network)}
	default:
		if len(network) > 3 && network[:3] == "ip:" || len(network) > 4 && (network[:4] == "ip4:" || network[:4] == "ip6:") {
			return nil, &net.OpError{Op: "listen", Net: network, Err: errNotSimulated(network)}
		}
		return nil, &net.OpError{Op: "listen", Net: network, Err: net.UnknownNetworkError(network)}
	}
	ap, err := nw.resolve(network, address)
	if err != nil {
		return nil, &net.OpError{Op: "listen", Net: network, Err: err}
	}
	return nw.listenUDP(network, ap, listenErrAddr(network, ap))
}

// MultipathTCP reports whether MPTCP is asked for (never used inside a
// run).
//
//go:norace
func (lc *ListenConfig) MultipathTCP() bool { return lc.mptcp > 0 }

// SetMultipathTCP asks for MPTCP or not; inside a run connections are
// plain TCP either way.
//
//go:norace
func (lc *ListenConfig) SetMultipathTCP(use bool) {
	lc.mptcp = -1
	if use {
		lc.mptcp = 1
	}
}

// ListenPacket is net.ListenPacket for udp, udp4 and udp6 on the calling
// node.
//
//go:norace
func ListenPacket(network, address string) (net.PacketConn, error) {
	var lc ListenConfig
	return lc.ListenPacket(context.Background(), network, address)
}

// ok reports whether ln is a listener (net's zero TCPListener is not one).
//
//go:norace
func (ln *TCPListener) ok() bool { return ln != nil && (ln.l != nil || ln.r != nil) }
