package simnet

// This file holds UDP: ListenUDP, DialUDP and UDPConn. A datagram is sent
// at once (writes never block) and arrives after the link's latency,
// unless the link drops, duplicates or reorders it, or the partition or a
// crash loses it.
//
// Invariants:
//   - Datagrams on one direction of a link arrive in the order sent,
//     except those the link's Reorder picked, which arrive late: one
//     path per direction queues them with a single pending callback.
//   - A socket's queue holds at most its receive buffer's bytes; a
//     datagram that does not fit is dropped, as the kernel drops it.
//   - A datagram's arrival finds its socket again by address, so a socket
//     closed (or crashed) meanwhile receives nothing.

import (
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"

	"simgen.dev/simgen/simrt"
)

// datagram is a datagram waiting in a socket's queue.
type datagram struct {
	data []byte
	from netip.AddrPort
}

// udpSock is a simulated UDP socket.
type udpSock struct {
	nw         *network
	node       simrt.NodeID
	network    string
	laddr      netip.AddrPort // the address may be unspecified
	raddr      netip.AddrPort // the peer of a connected socket, else invalid
	la, ra     net.Addr
	q          []datagram
	qbytes     int
	rcvBuf     int
	closed     bool
	softErr    syscall.Errno // an ICMP error for a connected socket (ECONNREFUSED)
	rdEv, wrEv simrt.Event
	rdDL, wrDL deadline
}

// defaultUDPRcvBuf is Linux's rmem_default.
const defaultUDPRcvBuf = 212992

// The largest UDP payloads over IPv4 and IPv6.
const (
	maxUDP4 = 65507
	maxUDP6 = 65527
)

//go:norace
func (u *udpSock) localAddr() net.Addr {
	if u.la == nil {
		u.la = udpAddr(u.laddr)
	}
	return u.la
}

//go:norace
func (u *udpSock) remoteAddr() net.Addr {
	if u.ra == nil {
		u.ra = udpAddr(u.raddr)
	}
	return u.ra
}

//go:norace
func (u *udpSock) dead() bool { return u.closed || u.nw != current() }

// udpPortUsed reports whether a UDP socket of the node holds port.
//
//go:norace
func (s *stack) udpPortUsed(port uint16) bool {
	for _, u := range s.udps {
		if u.laddr.Port() == port {
			return true
		}
	}
	return false
}

// bindUDP makes a socket of the calling node bound to laddr (a free port
// when its port is 0).
//
//go:norace
func (nw *network) bindUDP(network string, node simrt.NodeID, laddr netip.AddrPort) (*udpSock, syscall.Errno) {
	ip := laddr.Addr().Unmap()
	if !ip.IsValid() {
		ip = unspecified(network)
	}
	if !owns(node, ip) {
		return nil, syscall.EADDRNOTAVAIL
	}
	st := nw.stack(node)
	port := laddr.Port()
	if port == 0 {
		p, ok := ephemeral(&st.nextUDP, st.udpPortUsed)
		if !ok {
			return nil, syscall.EADDRINUSE
		}
		port = p
	} else {
		for _, u := range st.udps {
			if u.laddr.Port() == port && bindConflict(u.laddr.Addr(), ip) {
				return nil, syscall.EADDRINUSE
			}
		}
	}
	u := &udpSock{nw: nw, node: node, network: network, laddr: netip.AddrPortFrom(ip, port), rcvBuf: defaultUDPRcvBuf}
	st.udps = append(st.udps, u)
	return u, 0
}

//go:norace
func (nw *network) listenUDP(network string, laddr netip.AddrPort, errAddr net.Addr) (*UDPConn, error) {
	simrt.Gosched()
	u, errno := nw.bindUDP(network, simrt.CurrentNode(), laddr)
	if errno != 0 {
		return nil, &net.OpError{Op: "listen", Net: network, Source: nil, Addr: errAddr, Err: sysErr("bind", errno)}
	}
	return &UDPConn{u: u}, nil
}

// dialUDP makes a socket connected to raddr: no datagram is sent.
//
//go:norace
func (nw *network) dialUDP(network string, laddr, raddr netip.AddrPort, errSrc net.Addr) (*UDPConn, error) {
	simrt.Gosched()
	src := simrt.CurrentNode()
	dst, dstIP, errno := nw.route(src, raddr.Addr())
	fail := func(err error) (*UDPConn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Source: errSrc, Addr: udpAddr(raddr), Err: err}
	}
	if errno != 0 {
		return fail(sysErr("connect", errno))
	}
	raddr = netip.AddrPortFrom(dstIP, raddr.Port())
	lip := laddr.Addr().Unmap()
	if !lip.IsValid() || lip.IsUnspecified() {
		lip = source(src, dst, dstIP)
	}
	u, errno := nw.bindUDP(network, src, netip.AddrPortFrom(lip, laddr.Port()))
	if errno != 0 {
		return fail(sysErr("bind", errno))
	}
	u.raddr = raddr
	return &UDPConn{u: u}, nil
}

// send sends one datagram to `to`; call names the system call for errors
// (write for a connected socket, sendto otherwise).
//
//go:norace
func (u *udpSock) send(b []byte, to netip.AddrPort, call string) (int, error) {
	nw := u.nw
	dst, dstIP, errno := nw.route(u.node, to.Addr())
	if errno != 0 {
		return 0, sysErr(call, errno)
	}
	limit := maxUDP4
	if dstIP.Is6() {
		limit = maxUDP6
	}
	if len(b) > limit {
		return 0, sysErr(call, syscall.EMSGSIZE)
	}
	to = netip.AddrPortFrom(dstIP, to.Port())
	from := u.laddr
	if from.Addr().IsUnspecified() {
		from = netip.AddrPortFrom(source(u.node, dst, dstIP), from.Port())
	}
	nw.sendDatagram(u, dst, from, to, b)
	return len(b), nil
}

// sendDatagram puts a datagram on the link from u's node to dst, with
// the link's faults.
//
//go:norace
func (nw *network) sendDatagram(u *udpSock, dst simrt.NodeID, from, to netip.AddrPort, b []byte) {
	src := u.node
	l := nw.link(src, dst)
	if !nw.reachable(src, dst) {
		simrt.RecordFault("net: udp %v->%v dropped (partition)", from, to)
		return
	}
	if l.Loss > 0 && simrt.FaultFloat64() < l.Loss {
		simrt.RecordFault("net: udp %v->%v dropped (loss)", from, to)
		return
	}
	copies := 1
	if l.Duplicate > 0 && simrt.FaultFloat64() < l.Duplicate {
		simrt.RecordFault("net: udp %v->%v duplicated", from, to)
		copies = 2
	}
	now := nowNanos()
	for i := 0; i < copies; i++ {
		at := now + int64(l.latency())
		data := simrt.AppendBytes(nil, b)
		arrive := func() { nw.arriveDatagram(u, src, dst, from, to, data) }
		if l.Reorder > 0 && simrt.FaultFloat64() < l.Reorder {
			m := max(l.MaxLatency, time.Millisecond)
			extra := m + time.Duration(simrt.FaultUint64N(uint64(m)+1))
			simrt.RecordFault("net: udp %v->%v reordered (%v late)", from, to, extra)
			simrt.CallAt(time.Unix(0, at+int64(extra)), arrive)
			continue
		}
		nw.path(src, dst).send(at, now, arrive)
	}
}

// path is one direction of a link as datagrams see it: those not
// reordered arrive in the order sent, through one pending callback
// (callbacks due at one instant run in an order drawn from the seed).
type path struct {
	q       []pending // in order of arrival
	last    int64     // arrival instant of the last datagram queued
	stop    func() bool
	timerAt int64
}

type pending struct {
	at     int64
	arrive func()
}

//go:norace
func (nw *network) path(src, dst simrt.NodeID) *path {
	k := [2]simrt.NodeID{src, dst}
	p, _ := mget(nw.paths, k)
	if p == nil {
		p = &path{}
		mset(nw.paths, k, p)
	}
	return p
}

//go:norace
func (p *path) send(at, now int64, arrive func()) {
	if at < p.last {
		at = p.last
	}
	p.last = at
	if len(p.q) == 0 && at <= now {
		arrive()
		return
	}
	p.q = append(p.q, pending{at: at, arrive: arrive})
	p.arm()
}

//go:norace
func (p *path) arm() {
	if len(p.q) == 0 || (p.stop != nil && p.timerAt == p.q[0].at) {
		return
	}
	if p.stop != nil {
		p.stop()
	}
	p.timerAt = p.q[0].at
	p.stop = simrt.CallAt(time.Unix(0, p.timerAt), p.fire)
}

//go:norace
func (p *path) fire() {
	p.stop = nil
	now := nowNanos()
	for len(p.q) > 0 && p.q[0].at <= now {
		d := p.q[0]
		p.q[0] = pending{}
		p.q = p.q[1:]
		d.arrive()
	}
	p.arm()
}

// arriveDatagram is a datagram's arrival at node dst.
//
//go:norace
func (nw *network) arriveDatagram(sender *udpSock, src, dst simrt.NodeID, from, to netip.AddrPort, data []byte) {
	if !simrt.Alive(dst) {
		return
	}
	if !nw.reachable(src, dst) {
		simrt.RecordFault("net: udp %v->%v dropped (partition)", from, to)
		return
	}
	var best *udpSock
	score := 0
	for _, u := range nw.stack(dst).udps {
		if u.laddr.Port() != to.Port() || !bindMatch(u.network, u.laddr.Addr(), to.Addr()) {
			continue
		}
		sc := 1
		if !u.laddr.Addr().IsUnspecified() {
			sc = 2
		}
		if u.raddr.IsValid() {
			if u.raddr != from {
				continue
			}
			sc = 3
		}
		if sc > score {
			best, score = u, sc
		}
	}
	if best == nil {
		// Port unreachable: a connected sender hears of it (ICMP).
		if !sender.closed && sender.raddr == to {
			back := nowNanos() + int64(nw.link(dst, src).latency())
			simrt.CallAt(time.Unix(0, back), func() {
				if !sender.closed {
					sender.softErr = syscall.ECONNREFUSED
					sender.rdEv.Notify()
				}
			})
		}
		return
	}
	if best.qbytes+len(data) > best.rcvBuf {
		simrt.RecordFault("net: udp %v->%v dropped (receive buffer full)", from, to)
		return
	}
	best.q = append(best.q, datagram{data: data, from: from})
	best.qbytes += len(data)
	best.rdEv.Notify()
}

// read takes the next datagram; call names the system call for errors.
//
//go:norace
func (u *udpSock) read(b []byte, call string) (int, netip.AddrPort, error) {
	if u.dead() {
		return 0, netip.AddrPort{}, net.ErrClosed
	}
	simrt.Gosched()
	for {
		switch {
		case u.closed:
			return 0, netip.AddrPort{}, net.ErrClosed
		case len(u.q) > 0:
			d := u.q[0]
			u.q[0] = datagram{}
			u.q = u.q[1:]
			u.qbytes -= len(d.data)
			n := simrt.CopyBytes(b, d.data)
			if call == "read" {
				// read(2), as syscall.Read annotates it (the bytes read,
				// then the edge); recvfrom is not.
				simrt.IOReadInto(b[:n])
				simrt.IORead()
			}
			return n, d.from, nil
		case u.softErr != 0:
			err := u.softErr
			u.softErr = 0
			return 0, netip.AddrPort{}, sysErr(call, err)
		case u.rdDL.passed():
			return 0, netip.AddrPort{}, os.ErrDeadlineExceeded
		}
		u.rdEv.Wait("net read")
	}
}

// write sends b to `to` (the peer when to is invalid).
//
//go:norace
func (u *udpSock) write(b []byte, to netip.AddrPort) (int, error) {
	if u.dead() {
		return 0, net.ErrClosed
	}
	simrt.Gosched()
	call := "sendto"
	if !to.IsValid() {
		if !u.raddr.IsValid() {
			return 0, sysErr("write", syscall.EDESTADDRREQ)
		}
		to, call = u.raddr, "write"
		simrt.IOWrite() // write(2), as syscall.Write annotates it; sendto is not
	}
	switch {
	case u.closed:
		return 0, net.ErrClosed
	case u.softErr != 0:
		err := u.softErr
		u.softErr = 0
		return 0, sysErr(call, err)
	case u.wrDL.passed():
		return 0, os.ErrDeadlineExceeded
	}
	n, err := u.send(b, to, call)
	if call == "write" {
		simrt.IOWroteFrom(b[:n]) // syscall.Write's record of the bytes it took
	}
	return n, err
}

//go:norace
func (u *udpSock) close() {
	u.closed = true
	u.q = nil
	u.rdDL.clear()
	u.wrDL.clear()
	st := u.nw.stack(u.node)
	for i, x := range st.udps {
		if x == u {
			st.udps = without(st.udps, i)
			break
		}
	}
	u.rdEv.Notify()
}

// UDPConn is net.UDPConn: a simulated UDP socket inside a run, or a real
// one (wrapped) outside. It implements net.Conn and net.PacketConn.
type UDPConn struct {
	u *udpSock
	r *net.UDPConn
}

var (
	_ net.Conn       = (*UDPConn)(nil)
	_ net.PacketConn = (*UDPConn)(nil)
)

//go:norace
func (c *UDPConn) opErr(op string, addr net.Addr, err error) error {
	return &net.OpError{Op: op, Net: c.u.network, Source: c.u.localAddr(), Addr: addr, Err: err}
}

// Read reads the next datagram of a socket (from its peer, when
// connected). Under -race it is instrumented and never inlined, as
// simrt.Send is: its entry records the caller's line, where the detector
// reports a race on b. It touches nothing but its arguments.
//
//go:noinline
func (c *UDPConn) Read(b []byte) (int, error) { return c.read(b) }

//go:norace
func (c *UDPConn) read(b []byte) (int, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.Read(b)
	}
	n, _, err := c.u.read(b, "read")
	if err != nil {
		err = c.opErr("read", c.u.remoteAddr(), err)
	}
	return n, err
}

// ReadFromUDPAddrPort reads the next datagram and its source address. A
// datagram longer than b is truncated.
//
//go:norace
func (c *UDPConn) ReadFromUDPAddrPort(b []byte) (int, netip.AddrPort, error) {
	if !c.ok() {
		return 0, netip.AddrPort{}, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.ReadFromUDPAddrPort(b)
	}
	n, from, err := c.u.read(b, "recvfrom")
	if err != nil {
		err = c.opErr("read", c.u.remoteAddr(), err)
	}
	return n, from, err
}

// ReadFromUDP reads the next datagram and its source address.
//
//go:norace
func (c *UDPConn) ReadFromUDP(b []byte) (int, *net.UDPAddr, error) {
	if !c.ok() {
		return 0, nil, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.ReadFromUDP(b)
	}
	n, from, err := c.ReadFromUDPAddrPort(b)
	if err != nil {
		return n, nil, err
	}
	return n, net.UDPAddrFromAddrPort(from), nil
}

// ReadFrom implements net.PacketConn's ReadFrom.
//
//go:norace
func (c *UDPConn) ReadFrom(b []byte) (int, net.Addr, error) {
	n, from, err := c.ReadFromUDP(b)
	if from == nil {
		return n, nil, err
	}
	return n, from, err
}

// ReadMsgUDPAddrPort reads a datagram; no out-of-band data or flags are
// simulated.
//
//go:norace
func (c *UDPConn) ReadMsgUDPAddrPort(b, oob []byte) (n, oobn, flags int, addr netip.AddrPort, err error) {
	if !c.ok() {
		return 0, 0, 0, netip.AddrPort{}, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.ReadMsgUDPAddrPort(b, oob)
	}
	n, addr, err = c.ReadFromUDPAddrPort(b)
	return n, 0, 0, addr, err
}

// ReadMsgUDP reads a datagram; no out-of-band data or flags are
// simulated.
//
//go:norace
func (c *UDPConn) ReadMsgUDP(b, oob []byte) (n, oobn, flags int, addr *net.UDPAddr, err error) {
	if !c.ok() {
		return 0, 0, 0, nil, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.ReadMsgUDP(b, oob)
	}
	var ap netip.AddrPort
	n, oobn, flags, ap, err = c.ReadMsgUDPAddrPort(b, oob)
	if ap.IsValid() {
		addr = net.UDPAddrFromAddrPort(ap)
	}
	return
}

// Write sends b as one datagram to the peer of a connected socket.
// Instrumented under -race as Read is.
//
//go:noinline
func (c *UDPConn) Write(b []byte) (int, error) { return c.write(b) }

//go:norace
func (c *UDPConn) write(b []byte) (int, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.Write(b)
	}
	n, err := c.u.write(b, netip.AddrPort{})
	if err != nil {
		err = c.opErr("write", c.u.remoteAddr(), err)
	}
	return n, err
}

// WriteToUDPAddrPort sends b as one datagram to addr.
//
//go:norace
func (c *UDPConn) WriteToUDPAddrPort(b []byte, addr netip.AddrPort) (int, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.WriteToUDPAddrPort(b, addr)
	}
	n, err := c.writeTo(b, addr)
	if err != nil {
		err = c.opErr("write", udpAddr(addr), err)
	}
	return n, err
}

//go:norace
func (c *UDPConn) writeTo(b []byte, addr netip.AddrPort) (int, error) {
	if c.u.raddr.IsValid() {
		return 0, net.ErrWriteToConnected
	}
	if !addr.IsValid() {
		return 0, errMissingAddress
	}
	if addr.Addr().Unmap().IsUnspecified() {
		// sendto an unspecified address reaches the loopback, as on Linux.
		addr = netip.AddrPortFrom(addr.Addr().Unmap(), addr.Port())
	}
	return c.u.write(b, addr)
}

// WriteToUDP sends b as one datagram to addr.
//
//go:norace
func (c *UDPConn) WriteToUDP(b []byte, addr *net.UDPAddr) (int, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.WriteToUDP(b, addr)
	}
	var ap netip.AddrPort
	if addr != nil {
		ap = addr.AddrPort()
	}
	n, err := c.writeTo(b, ap)
	if err != nil {
		err = c.opErr("write", opAddrUDP(addr), err)
	}
	return n, err
}

// WriteTo implements net.PacketConn's WriteTo; addr must be a
// *net.UDPAddr.
//
//go:norace
func (c *UDPConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.WriteTo(b, addr)
	}
	a, ok := addr.(*net.UDPAddr)
	if !ok {
		return 0, c.opErr("write", addr, syscall.EINVAL)
	}
	return c.WriteToUDP(b, a)
}

// WriteMsgUDP sends b to addr, or to the peer of a connected socket when
// addr is nil; oob is ignored.
//
//go:norace
func (c *UDPConn) WriteMsgUDP(b, oob []byte, addr *net.UDPAddr) (n, oobn int, err error) {
	if !c.ok() {
		return 0, 0, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.WriteMsgUDP(b, oob, addr)
	}
	if addr == nil {
		n, err = c.Write(b)
		return n, 0, err
	}
	n, err = c.WriteToUDP(b, addr)
	return n, 0, err
}

// WriteMsgUDPAddrPort is WriteMsgUDP with a netip.AddrPort (invalid for
// the peer of a connected socket).
//
//go:norace
func (c *UDPConn) WriteMsgUDPAddrPort(b, oob []byte, addr netip.AddrPort) (n, oobn int, err error) {
	if !c.ok() {
		return 0, 0, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.WriteMsgUDPAddrPort(b, oob, addr)
	}
	if !addr.IsValid() {
		n, err = c.Write(b)
		return n, 0, err
	}
	n, err = c.WriteToUDPAddrPort(b, addr)
	return n, 0, err
}

// Close closes the socket; datagrams queued or on their way to it are
// lost.
//
//go:norace
func (c *UDPConn) Close() error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if c.r != nil {
		return c.r.Close()
	}
	if c.u.dead() {
		return c.opErr("close", c.u.remoteAddr(), net.ErrClosed)
	}
	c.u.close()
	return nil
}

// LocalAddr returns the local address, a *net.UDPAddr.
//
//go:norace
func (c *UDPConn) LocalAddr() net.Addr {
	if !c.ok() {
		return nil
	}
	if c.r != nil {
		return c.r.LocalAddr()
	}
	return c.u.localAddr()
}

// RemoteAddr returns the peer of a connected socket, else nil.
//
//go:norace
func (c *UDPConn) RemoteAddr() net.Addr {
	if !c.ok() {
		return nil
	}
	if c.r != nil {
		return c.r.RemoteAddr()
	}
	return c.u.remoteAddr()
}

//go:norace
func (c *UDPConn) setErr() error {
	return &net.OpError{Op: "set", Net: c.u.network, Source: nil, Addr: c.u.localAddr(), Err: net.ErrClosed}
}

// SetDeadline sets the read and write deadlines, on the virtual clock.
//
//go:norace
func (c *UDPConn) SetDeadline(t time.Time) error {
	return c.setDeadline(t, true, true)
}

// SetReadDeadline sets the read deadline, on the virtual clock.
//
//go:norace
func (c *UDPConn) SetReadDeadline(t time.Time) error {
	return c.setDeadline(t, true, false)
}

// SetWriteDeadline sets the write deadline, on the virtual clock (writes
// never block; one past the deadline fails).
//
//go:norace
func (c *UDPConn) SetWriteDeadline(t time.Time) error {
	return c.setDeadline(t, false, true)
}

// setDeadline sets the read deadline, the write deadline or both.
//
//go:norace
func (c *UDPConn) setDeadline(t time.Time, rd, wr bool) error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.r != nil:
		return setReal(c.r, t, rd, wr)
	case c.u.dead():
		return c.setErr()
	}
	if rd {
		c.u.rdDL.set(t, &c.u.rdEv)
	}
	if wr {
		c.u.wrDL.set(t, &c.u.wrEv)
	}
	return nil
}

// SetReadBuffer sets the receive buffer: datagrams that do not fit are
// dropped.
//
//go:norace
func (c *UDPConn) SetReadBuffer(bytes int) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if c.r != nil {
		return c.r.SetReadBuffer(bytes)
	}
	if c.u.dead() {
		return c.setErr()
	}
	c.u.rcvBuf = max(bytes, minBuf)
	return nil
}

// SetWriteBuffer is accepted and ignored: sends never wait.
//
//go:norace
func (c *UDPConn) SetWriteBuffer(bytes int) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if c.r != nil {
		return c.r.SetWriteBuffer(bytes)
	}
	if c.u.dead() {
		return c.setErr()
	}
	return nil
}

// File fails inside a run: a simulated socket has no file descriptor.
//
//go:norace
func (c *UDPConn) File() (*os.File, error) {
	if !c.ok() {
		return nil, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.File()
	}
	return nil, c.opErr("file", c.u.remoteAddr(), errNoFile)
}

// SyscallConn fails inside a run: a simulated socket has no file
// descriptor.
//
//go:norace
func (c *UDPConn) SyscallConn() (syscall.RawConn, error) {
	if !c.ok() {
		return nil, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.SyscallConn()
	}
	return nil, c.opErr("raw-conn", c.u.remoteAddr(), errNoFile)
}

// ListenUDP is net.ListenUDP: a socket bound to laddr of the calling node
// (all of its addresses when laddr or its IP is nil; a free port when the
// port is 0).
//
//go:norace
func ListenUDP(network string, laddr *net.UDPAddr) (*UDPConn, error) {
	nw := current()
	if nw == nil {
		c, err := net.ListenUDP(network, laddr)
		if err != nil {
			return nil, err
		}
		return &UDPConn{r: c}, nil
	}
	switch network {
	case "udp", "udp4", "udp6":
	default:
		return nil, &net.OpError{Op: "listen", Net: network, Source: nil, Addr: opAddrUDP(laddr), Err: net.UnknownNetworkError(network)}
	}
	ap := netip.AddrPortFrom(unspecified(network), 0)
	if laddr != nil {
		ap = laddr.AddrPort()
		if laddr.IP == nil {
			ap = netip.AddrPortFrom(unspecified(network), ap.Port())
		}
	}
	return nw.listenUDP(network, ap, opAddrUDP(laddr))
}

// DialUDP is net.DialUDP: a socket of the calling node connected to
// raddr. Nothing is sent until the first write.
//
//go:norace
func DialUDP(network string, laddr, raddr *net.UDPAddr) (*UDPConn, error) {
	nw := current()
	if nw == nil {
		c, err := net.DialUDP(network, laddr, raddr)
		if err != nil {
			return nil, err
		}
		return &UDPConn{r: c}, nil
	}
	switch network {
	case "udp", "udp4", "udp6":
	default:
		return nil, &net.OpError{Op: "dial", Net: network, Source: opAddrUDP(laddr), Addr: opAddrUDP(raddr), Err: net.UnknownNetworkError(network)}
	}
	if raddr == nil {
		return nil, &net.OpError{Op: "dial", Net: network, Source: opAddrUDP(laddr), Addr: nil, Err: errMissingAddress}
	}
	var la netip.AddrPort
	if laddr != nil {
		la = laddr.AddrPort()
	}
	ra := raddr.AddrPort()
	if raddr.IP == nil {
		ra = netip.AddrPortFrom(loopback(network), ra.Port())
	}
	return nw.dialUDP(network, la, ra, opAddrUDP(laddr))
}

// ok reports whether c is a socket (net's zero UDPConn is not one).
//
//go:norace
func (c *UDPConn) ok() bool { return c != nil && (c.u != nil || c.r != nil) }
