package simnet

// This file holds dialing: Dial, DialTimeout, DialTCP and Dialer. A TCP
// dial sends a SYN over the link and waits for the SYN-ACK (connected),
// a reset (refused), or the first of its deadline, its context, its
// Cancel channel and the kernel's connect timeout.
//
// Invariants: when a dial fails, its endpoint is closed and releases its
// port; a SYN-ACK that arrives later is answered with a reset, so the far
// end's accepted connection does not stay half-open.

import (
	"context"
	"net"
	"net/netip"
	"syscall"
	"time"

	"simgen.dev/simgen/simrt"
)

// connectTimeout is how long an unanswered connect waits with no deadline
// of its own: Linux's six SYN retransmissions (1+2+4+...+64 seconds).
const connectTimeout = 127 * time.Second

// Dialer is net.Dialer. Inside a run, Timeout, Deadline, LocalAddr and
// Cancel act on the simulated dial; the keep-alive settings, DualStack,
// FallbackDelay and the Control hooks are accepted and ignored (a
// simulated node has one address per family and no socket to control).
// Outside a run every field goes to a net.Dialer.
type Dialer struct {
	// Timeout is the maximum amount of time a dial waits for a connect
	// to complete; zero means none (the kernel's connect timeout still
	// applies: 127s of virtual time).
	Timeout time.Duration
	// Deadline is the absolute time after which dials fail; zero means
	// none.
	Deadline time.Time
	// LocalAddr is the local address to dial from: a *net.TCPAddr or
	// *net.UDPAddr of the calling node, or nil to pick one.
	LocalAddr net.Addr
	// DualStack is ignored: net enables Fast Fallback by default.
	DualStack bool
	// FallbackDelay is ignored inside a run: names resolve to one
	// address.
	FallbackDelay time.Duration
	// KeepAlive is the keep-alive period (ignored inside a run).
	KeepAlive time.Duration
	// KeepAliveConfig configures keep-alive probes (ignored inside a
	// run).
	KeepAliveConfig net.KeepAliveConfig
	// Resolver resolves names outside a run; inside one, names are the
	// run's.
	Resolver *Resolver
	// Cancel, when closed, cancels dials in progress, as a context
	// would. Rewritten code spells every channel *simrt.Chan.
	Cancel *simrt.Chan[struct{}]
	// Control is called, outside a run only, after creating the socket
	// and before connecting.
	Control func(network, address string, c syscall.RawConn) error
	// ControlContext is Control with the dial's context; it wins over
	// Control.
	ControlContext func(ctx context.Context, network, address string, c syscall.RawConn) error

	mptcp int8 // SetMultipathTCP: 0 default, 1 on, -1 off
}

//go:norace
func (d *Dialer) native() *net.Dialer {
	n := &net.Dialer{
		Timeout:         d.Timeout,
		Deadline:        d.Deadline,
		LocalAddr:       d.LocalAddr,
		FallbackDelay:   d.FallbackDelay,
		KeepAlive:       d.KeepAlive,
		KeepAliveConfig: d.KeepAliveConfig,
		Control:         d.Control,
		ControlContext:  d.ControlContext,
	}
	if d.Resolver != nil {
		n.Resolver = d.Resolver.native()
	}
	if d.Cancel != nil {
		//lint:ignore SA1019 Cancel is net.Dialer's field this type mirrors.
		n.Cancel = simrt.ToNative(d.Cancel)
	}
	if d.mptcp != 0 {
		n.SetMultipathTCP(d.mptcp > 0)
	}
	return n
}

// MultipathTCP reports whether MPTCP is asked for (never used inside a
// run).
//
//go:norace
func (d *Dialer) MultipathTCP() bool { return d.mptcp > 0 }

// SetMultipathTCP asks for MPTCP or not; inside a run connections are
// plain TCP either way.
//
//go:norace
func (d *Dialer) SetMultipathTCP(use bool) {
	d.mptcp = -1
	if use {
		d.mptcp = 1
	}
}

// DialDeadline is the deadline a dial through d that starts at now must
// meet: net's Dialer.deadline, the earliest of Timeout, the context's
// deadline and Deadline. simtls bounds a TLS handshake by it, as
// crypto/tls does.
//
//go:norace
func DialDeadline(d *Dialer, ctx context.Context, now time.Time) time.Time {
	return d.deadline(ctx, now)
}

// deadline is net's Dialer.deadline (DialDeadline).
//
//go:norace
func (d *Dialer) deadline(ctx context.Context, now time.Time) (earliest time.Time) {
	if d.Timeout != 0 { // including negative, as net has it
		earliest = now.Add(d.Timeout)
	}
	if t, ok := ctx.Deadline(); ok {
		earliest = minNonzero(earliest, t)
	}
	return minNonzero(earliest, d.Deadline)
}

//go:norace
func minNonzero(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// wrapConn gives a real connection this package's type, so that code
// rewritten to assert *simnet.TCPConn works outside a run too.
//
//go:norace
func wrapConn(c net.Conn, err error) (net.Conn, error) {
	switch x := c.(type) {
	case *net.TCPConn:
		return &TCPConn{r: x}, err
	case *net.UDPConn:
		return &UDPConn{r: x}, err
	}
	return c, err
}

// Dial connects to address on network (tcp, tcp4, tcp6, udp, udp4, udp6)
// from the calling node.
//
//go:norace
func (d *Dialer) Dial(network, address string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, address)
}

// DialContext is Dial with a context: a context done before the connect
// completes fails the dial ("operation was canceled", or "i/o timeout"
// for a deadline).
//
//go:norace
func (d *Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if ctx == nil {
		panic("nil context")
	}
	nw := current()
	if nw == nil {
		return wrapConn(d.native().DialContext(ctx, network, address))
	}
	switch network {
	case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6":
	case "unix", "unixgram", "unixpacket", "ip", "ip4", "ip6":
		return nil, &net.OpError{Op: "dial", Net: network, Err: errNotSimulated(network)}
	default:
		return nil, &net.OpError{Op: "dial", Net: network, Err: net.UnknownNetworkError(network)}
	}
	if address == "" {
		return nil, &net.OpError{Op: "dial", Net: network, Err: errMissingAddress}
	}
	raddr, err := nw.resolve(network, address)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	if !raddr.Addr().IsValid() {
		raddr = netip.AddrPortFrom(loopback(network), raddr.Port())
	}
	var laddr netip.AddrPort
	if network[0] == 't' {
		if d.LocalAddr != nil {
			la, ok := d.LocalAddr.(*net.TCPAddr)
			if !ok {
				return nil, &net.OpError{Op: "dial", Net: network, Err: &net.AddrError{Err: "mismatched local address type", Addr: d.LocalAddr.String()}}
			}
			laddr = la.AddrPort()
		}
		c, err := nw.dialTCP(ctx, d, network, laddr, raddr, d.LocalAddr)
		if err != nil {
			return nil, err
		}
		return c, nil
	}
	if d.LocalAddr != nil {
		la, ok := d.LocalAddr.(*net.UDPAddr)
		if !ok {
			return nil, &net.OpError{Op: "dial", Net: network, Err: &net.AddrError{Err: "mismatched local address type", Addr: d.LocalAddr.String()}}
		}
		laddr = la.AddrPort()
	}
	c, err := nw.dialUDP(network, laddr, raddr, d.LocalAddr)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// DialTCP is Dialer.DialTCP (Go 1.26): a TCP dial between addresses given
// as values; an invalid laddr picks the local address.
//
//go:norace
func (d *Dialer) DialTCP(ctx context.Context, network string, laddr, raddr netip.AddrPort) (*TCPConn, error) {
	if ctx == nil {
		panic("nil context")
	}
	nw := current()
	if nw == nil {
		nd := d.native()
		if laddr.IsValid() {
			nd.LocalAddr = net.TCPAddrFromAddrPort(laddr)
		}
		c, err := nd.DialContext(ctx, network, raddr.String())
		if err != nil {
			return nil, err
		}
		return &TCPConn{r: c.(*net.TCPConn)}, nil
	}
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, &net.OpError{Op: "dial", Net: network, Source: tcpAddr(laddr), Addr: tcpAddr(raddr), Err: net.UnknownNetworkError(network)}
	}
	return nw.dialTCP(ctx, d, network, laddr, raddr, tcpAddr(laddr))
}

// DialUDP is Dialer.DialUDP (Go 1.26): a connected UDP socket between
// addresses given as values.
//
//go:norace
func (d *Dialer) DialUDP(ctx context.Context, network string, laddr, raddr netip.AddrPort) (*UDPConn, error) {
	if ctx == nil {
		panic("nil context")
	}
	nw := current()
	if nw == nil {
		nd := d.native()
		if laddr.IsValid() {
			nd.LocalAddr = net.UDPAddrFromAddrPort(laddr)
		}
		c, err := nd.DialContext(ctx, network, raddr.String())
		if err != nil {
			return nil, err
		}
		return &UDPConn{r: c.(*net.UDPConn)}, nil
	}
	switch network {
	case "udp", "udp4", "udp6":
	default:
		return nil, &net.OpError{Op: "dial", Net: network, Source: udpAddr(laddr), Addr: udpAddr(raddr), Err: net.UnknownNetworkError(network)}
	}
	return nw.dialUDP(network, laddr, raddr, udpAddr(laddr))
}

// DialIP is Dialer.DialIP (Go 1.26); raw IP is not simulated, so inside
// a run it fails.
//
//go:norace
func (d *Dialer) DialIP(ctx context.Context, network string, laddr, raddr netip.Addr) (*net.IPConn, error) {
	if current() == nil {
		nd := d.native()
		if laddr.IsValid() {
			nd.LocalAddr = &net.IPAddr{IP: laddr.AsSlice(), Zone: laddr.Zone()}
		}
		c, err := nd.DialContext(ctx, network, raddr.String())
		if err != nil {
			return nil, err
		}
		return c.(*net.IPConn), nil
	}
	return nil, &net.OpError{Op: "dial", Net: network, Err: errNotSimulated(network)}
}

// DialUnix is Dialer.DialUnix (Go 1.26); Unix sockets are not simulated,
// so inside a run it fails.
//
//go:norace
func (d *Dialer) DialUnix(ctx context.Context, network string, laddr, raddr *net.UnixAddr) (*net.UnixConn, error) {
	if current() == nil {
		nd := d.native()
		if laddr != nil {
			nd.LocalAddr = laddr
		}
		c, err := nd.DialContext(ctx, network, raddr.String())
		if err != nil {
			return nil, err
		}
		return c.(*net.UnixConn), nil
	}
	return nil, &net.OpError{Op: "dial", Net: network, Err: errNotSimulated(network)}
}

// Dial is net.Dial from the calling node.
//
//go:norace
func Dial(network, address string) (net.Conn, error) {
	var d Dialer
	return d.Dial(network, address)
}

// DialTimeout is net.DialTimeout from the calling node; the timeout runs
// on the virtual clock.
//
//go:norace
func DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	d := Dialer{Timeout: timeout}
	return d.Dial(network, address)
}

// DialTCP is net.DialTCP from the calling node.
//
//go:norace
func DialTCP(network string, laddr, raddr *net.TCPAddr) (*TCPConn, error) {
	nw := current()
	if nw == nil {
		c, err := net.DialTCP(network, laddr, raddr)
		if err != nil {
			return nil, err
		}
		return &TCPConn{r: c}, nil
	}
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, &net.OpError{Op: "dial", Net: network, Source: opAddrTCP(laddr), Addr: opAddrTCP(raddr), Err: net.UnknownNetworkError(network)}
	}
	if raddr == nil {
		return nil, &net.OpError{Op: "dial", Net: network, Source: opAddrTCP(laddr), Addr: nil, Err: errMissingAddress}
	}
	var la netip.AddrPort
	if laddr != nil {
		la = laddr.AddrPort()
	}
	ra := raddr.AddrPort()
	if raddr.IP == nil {
		ra = netip.AddrPortFrom(loopback(network), ra.Port())
	}
	var d Dialer
	return nw.dialTCP(context.Background(), &d, network, la, ra, opAddrTCP(laddr))
}

// dialTCP connects from the calling node to raddr. errSrc is the Source
// of the dial's errors (net names the local address it was given, if
// any).
//
//go:norace
func (nw *network) dialTCP(ctx context.Context, d *Dialer, network string, laddr, raddr netip.AddrPort, errSrc net.Addr) (*TCPConn, error) {
	simrt.Gosched()
	src := simrt.CurrentNode()
	dst, dstIP, errno := nw.route(src, raddr.Addr())
	errAddr := tcpAddr(raddr)
	fail := func(err error) (*TCPConn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Source: errSrc, Addr: errAddr, Err: err}
	}
	if errno != 0 {
		return fail(sysErr("connect", errno))
	}
	raddr = netip.AddrPortFrom(dstIP, raddr.Port())
	errAddr = tcpAddr(raddr)
	st := nw.stack(src)
	lip := laddr.Addr().Unmap()
	if !lip.IsValid() || lip.IsUnspecified() {
		lip = source(src, dst, dstIP)
	} else if !owns(src, lip) {
		return fail(sysErr("bind", syscall.EADDRNOTAVAIL))
	}
	port := laddr.Port()
	if port == 0 {
		p, ok := ephemeral(&st.nextTCP, st.tcpPortUsed)
		if !ok {
			return fail(sysErr("connect", syscall.EADDRNOTAVAIL))
		}
		port = p
	} else if st.tcpPortUsed(port) {
		return fail(sysErr("bind", syscall.EADDRINUSE))
	}

	// The context and the deadline are looked at before connecting, as
	// net does.
	now := simrt.Now()
	dl := d.deadline(ctx, now)
	if err := ctx.Err(); err != nil {
		return fail(mapErr(err))
	}
	if !dl.IsZero() && !now.Before(dl) {
		return fail(errTimeout)
	}

	c := newEndpoint(nw, src, network, netip.AddrPortFrom(lip, port), raddr)
	s := newEndpoint(nw, dst, network, raddr, c.laddr)
	join(nw, c, s)
	c.state = stSynSent
	c.ownsPort = true
	c.dialStart = now
	n, _ := mget(st.tcpPorts, port)
	mset(st.tcpPorts, port, n+1)
	st.eps = append(st.eps, c)

	cw := &cancelWake{c: c}
	wake := cw.wake
	stopCtx := onDone(ctx, wake)
	stopCancel := onCancel(d.Cancel, wake)
	stopDL := func() bool { return false }
	if !dl.IsZero() && dl.Sub(now) < never {
		stopDL = simrt.CallAt(dl, c.rdEv.Notify)
	}
	osDL := now.Add(connectTimeout)
	stopOS := simrt.CallAt(osDL, c.rdEv.Notify)
	defer func() {
		stopCtx()
		stopCancel()
		stopDL()
		stopOS()
	}()

	c.out.send(segment{kind: segSyn})
	var err error
	for {
		now := simrt.Now()
		switch {
		case c.state == stEstablished:
			return &TCPConn{e: c}, nil
		case c.state == stRefused:
			err = sysErr("connect", syscall.ECONNREFUSED)
		case c.closed: // the node crashed under a dialer of another node
			err = net.ErrClosed
		case cw.canceled || ctx.Err() != nil:
			if err = ctx.Err(); err == nil {
				err = context.Canceled
			}
			err = mapErr(err)
		case !dl.IsZero() && !now.Before(dl):
			err = errTimeout
		case !now.Before(osDL):
			err = sysErr("connect", syscall.ETIMEDOUT)
		default:
			c.rdEv.Wait("net dial")
			continue
		}
		break
	}
	if !c.closed {
		c.closed = true
		c.stopTimers()
		c.out.clear()
		st.removeEndpoint(c)
	}
	return fail(err)
}

// cancelWake is what cancels a dial: a method, not a closure, because a
// closure is instrumented under -race and runs on the canceling goroutine.
type cancelWake struct {
	c        *endpoint
	canceled bool
}

//go:norace
func (w *cancelWake) wake() {
	w.canceled = true
	w.c.rdEv.Notify()
}
