package simnet

// This file holds TCP connections: a connection is two endpoints joined
// by two flows, one per direction. A flow carries segments (SYN, SYN-ACK,
// data, FIN, RST) from its source endpoint to its destination with the
// link's latency, in order, and holds them while the link is down. What
// has arrived waits in the flow's receive buffer until the destination
// reads it.
//
// Invariants:
//   - A flow's segments arrive in the order sent: arrival instants never
//     decrease along f.q (each is at least the previous one's), and one
//     callback (f.stop) is pending for the head while the flow is not
//     held. A held flow has every segment at -1 and no callback; it is
//     listed in network.held until changed() releases it.
//   - Bytes in a direction (f.qbytes in flight plus len(f.rbuf) arrived)
//     stay within the writer's send buffer plus the reader's receive
//     buffer: Write waits on the writer's wrEv for room, and Read, which
//     makes room, notifies it.
//   - An endpoint that is closed (Close, or its node crashed) delivers
//     nothing more to its user: reads and writes fail with net.ErrClosed.
//     One that vanished (crash) takes no segment at all; one that is gone
//     already answered a stray segment with a reset (or refused a SYN)
//     and answers no more.
//   - Every change that can let a blocked operation proceed notifies the
//     event it waits on, and every wait re-checks its conditions in a loop.

import (
	"io"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"

	"simgen.dev/simgen/simrt"
)

type segKind uint8

const (
	segData segKind = iota
	segFin
	segRst
	segSyn
	segSynAck
)

// segment is one message of a flow.
type segment struct {
	kind segKind
	data []byte
	at   int64 // arrival instant, Unix nanoseconds; -1 while held
}

// flow is one direction of a connection.
type flow struct {
	nw       *network
	src, dst *endpoint
	q        []segment // sent, not arrived, in order
	qbytes   int       // data bytes in q
	rbuf     []byte    // arrived, not read by dst
	lastAt   int64     // arrival instant of the last segment scheduled
	held     bool      // the link was down: q waits for changed()
	listed   bool      // f is in nw.held
	timerAt  int64     // instant of the pending callback
	stop     func() bool
}

// Retransmission timeouts: Linux's minimum RTO (data) and initial SYN
// RTO, doubled per loss up to the maximum, for at most maxRetries losses
// of one segment (tcp_retries2).
const (
	rtoData    = 200 * time.Millisecond
	rtoSyn     = time.Second
	rtoMax     = 120 * time.Second
	maxRetries = 15
)

// delay draws the time a segment takes: the link's latency, plus a
// retransmission timeout for each time the link's Loss loses it.
//
//go:norace
func (f *flow) delay(s segment) time.Duration {
	l := f.nw.link(f.src.node, f.dst.node)
	d := l.latency()
	if l.Loss > 0 {
		rto := rtoData
		if s.kind == segSyn {
			rto = rtoSyn
		}
		var extra time.Duration
		for k := 0; k < maxRetries && simrt.FaultFloat64() < l.Loss; k++ {
			extra += rto
			if rto *= 2; rto > rtoMax {
				rto = rtoMax
			}
		}
		if extra > 0 {
			simrt.RecordFault("net: tcp %v->%v segment lost, retransmitted after %v", f.src.laddr, f.src.raddr, extra)
			d += extra
		}
	}
	return d
}

// send puts a segment on its way: at once when the link has no latency
// and nothing is ahead of it, at its arrival instant otherwise, and held
// while the link is down.
//
//go:norace
func (f *flow) send(s segment) {
	if f.held || !f.nw.reachable(f.src.node, f.dst.node) {
		s.at = -1
		f.push(s)
		f.hold()
		return
	}
	now := nowNanos()
	at := now + int64(f.delay(s))
	if at < f.lastAt {
		at = f.lastAt
	}
	f.lastAt = at
	if len(f.q) == 0 && at <= now {
		f.deliver(s)
		return
	}
	s.at = at
	f.push(s)
	f.arm()
}

//go:norace
func (f *flow) push(s segment) {
	f.q = append(f.q, s)
	f.qbytes += len(s.data)
}

// hold stops the flow until the link comes back (network.changed).
//
//go:norace
func (f *flow) hold() {
	f.held = true
	if f.stop != nil {
		f.stop()
		f.stop = nil
	}
	if !f.listed {
		f.listed = true
		f.nw.held = append(f.nw.held, f)
	}
}

// release sends what a held flow holds, in order, with fresh latencies.
//
//go:norace
func (f *flow) release() {
	f.held = false
	now := nowNanos()
	prev := now
	for i := range f.q {
		at := now + int64(f.delay(f.q[i]))
		if at < prev {
			at = prev
		}
		prev = at
		f.q[i].at = at
	}
	f.lastAt = prev
	f.arm()
}

// arm keeps one callback pending, for the head segment's arrival.
//
//go:norace
func (f *flow) arm() {
	if f.held || len(f.q) == 0 {
		if f.stop != nil {
			f.stop()
			f.stop = nil
		}
		return
	}
	at := f.q[0].at
	if f.stop != nil {
		if f.timerAt == at {
			return
		}
		f.stop()
	}
	f.timerAt = at
	f.stop = simrt.CallAt(time.Unix(0, at), f.fire)
}

// fire delivers the segments due, unless the link went down meanwhile:
// then the flow holds them, as TCP would keep retransmitting.
//
//go:norace
func (f *flow) fire() {
	f.stop = nil
	now := nowNanos()
	for len(f.q) > 0 && !f.held && f.q[0].at <= now {
		if !f.nw.reachable(f.src.node, f.dst.node) {
			for i := range f.q {
				f.q[i].at = -1
			}
			f.hold()
			return
		}
		s := f.q[0]
		f.q[0] = segment{}
		f.q = f.q[1:]
		f.qbytes -= len(s.data)
		f.deliver(s)
	}
	f.arm()
}

// clear drops what the flow has not delivered (a reset discards the send
// queue).
//
//go:norace
func (f *flow) clear() {
	for i := range f.q {
		f.q[i] = segment{}
	}
	f.q, f.qbytes = nil, 0
	f.held = false
	if f.stop != nil {
		f.stop()
		f.stop = nil
	}
	f.src.wrEv.Notify()
}

// dropUnsent drops what the flow has not put on the wire: a held flow's
// segments, which TCP would have gone on retransmitting. Segments in
// flight (a latency away from their arrival) are on the wire already and
// still arrive, as after a reset or a power loss on a real network.
//
//go:norace
func (f *flow) dropUnsent() {
	if f.held {
		f.clear()
		return
	}
	f.src.wrEv.Notify()
}

// deliver is a segment's arrival at the flow's destination.
//
//go:norace
func (f *flow) deliver(s segment) {
	d := f.dst
	if d.vanished {
		return
	}
	switch s.kind {
	case segSyn:
		f.nw.accept(f)
	case segSynAck:
		switch {
		case d.state == stSynSent && !d.closed:
			d.state = stEstablished
			d.rdEv.Notify()
		case d.closed && !d.gone:
			// The dialer gave up: the half-open peer is reset.
			d.gone = true
			d.abort()
		}
	case segData:
		if d.closed {
			f.src.wrEv.Notify()
			if !d.gone {
				d.gone = true
				d.abort()
			}
			return
		}
		f.rbuf = simrt.AppendBytes(f.rbuf, s.data)
		d.rdEv.Notify()
	case segFin:
		d.finRcvd = true
		d.rdEv.Notify()
	case segRst:
		switch {
		case d.state == stSynSent:
			d.state = stRefused
			d.rdEv.Notify()
		case d.state == stEstablished && !d.closed:
			d.reset()
		}
	}
}

type epState uint8

const (
	stNone        epState = iota // a dial's far end, before its SYN arrives
	stSynSent                    // dialing
	stEstablished                // connected (or queued on a listener)
	stRefused                    // the dial was answered with a reset
)

// endpoint is one end of a TCP connection.
type endpoint struct {
	nw           *network
	node         simrt.NodeID
	network      string // as the user named it, for errors
	laddr, raddr netip.AddrPort
	la, ra       net.Addr // laddr and raddr as net.Addrs, made on first use
	in, out      *flow
	state        epState
	closed       bool // Close was called, or the node crashed
	vanished     bool // the node crashed: no segment arrives any more
	gone         bool // a reset was sent for good: stray segments are dropped
	rdShut       bool // CloseRead
	wrShut       bool // CloseWrite or Close: a FIN is on its way
	finRcvd      bool
	rstRcvd      bool
	softErr      syscall.Errno // the error the next read or write reports (sk_err)
	linger       int           // SetLinger; 0 makes Close abort
	sndBuf       int
	rcvBuf       int
	wbusy        bool // a Write is in progress (writes do not interleave)
	ownsPort     bool // laddr's port is held for this endpoint in its stack
	rdEv, wrEv   simrt.Event
	rdDL, wrDL   deadline
	dialStart    time.Time
	synTries     int
	retx         func() bool // pending SYN retransmission
}

// Default buffer sizes: a direction holds at most the writer's send
// buffer plus the reader's receive buffer.
const (
	defaultSndBuf = 128 << 10
	defaultRcvBuf = 128 << 10
	maxSegment    = 64 << 10
	minBuf        = 4 << 10
)

//go:norace
func newEndpoint(nw *network, node simrt.NodeID, network string, laddr, raddr netip.AddrPort) *endpoint {
	return &endpoint{nw: nw, node: node, network: network, laddr: laddr, raddr: raddr,
		linger: -1, sndBuf: defaultSndBuf, rcvBuf: defaultRcvBuf}
}

// join makes the two flows between a and b.
//
//go:norace
func join(nw *network, a, b *endpoint) {
	ab := &flow{nw: nw, src: a, dst: b}
	ba := &flow{nw: nw, src: b, dst: a}
	a.out, a.in = ab, ba
	b.out, b.in = ba, ab
}

//go:norace
func (e *endpoint) localAddr() net.Addr {
	if e.la == nil {
		e.la = tcpAddr(e.laddr)
	}
	return e.la
}

//go:norace
func (e *endpoint) remoteAddr() net.Addr {
	if e.ra == nil {
		e.ra = tcpAddr(e.raddr)
	}
	return e.ra
}

// opErr wraps err as net does for an operation on the connection.
//
//go:norace
func (e *endpoint) opErr(op string, err error) error {
	return &net.OpError{Op: op, Net: e.network, Source: e.localAddr(), Addr: e.remoteAddr(), Err: err}
}

// setErr is the error of a Set call (deadlines, buffers) on a closed
// connection: net names only the local address.
//
//go:norace
func (e *endpoint) setErr() error {
	return &net.OpError{Op: "set", Net: e.network, Source: nil, Addr: e.localAddr(), Err: net.ErrClosed}
}

// dead reports whether the endpoint is closed, or belongs to another run.
//
//go:norace
func (e *endpoint) dead() bool {
	return e.closed || e.nw != current()
}

// reset is a reset's arrival: the next read or write fails with
// ECONNRESET (EPIPE once the peer's FIN came), later reads see EOF and
// writes EPIPE, as Linux has it. What was not sent is dropped.
//
//go:norace
func (e *endpoint) reset() {
	e.rstRcvd = true
	e.softErr = syscall.ECONNRESET
	if e.finRcvd {
		e.softErr = syscall.EPIPE
	}
	e.out.clear()
	e.rdEv.Notify()
	e.wrEv.Notify()
}

// abort drops what was not sent and resets the peer. Segments on the
// wire still arrive, ahead of the reset.
//
//go:norace
func (e *endpoint) abort() {
	e.out.dropUnsent()
	e.out.send(segment{kind: segRst})
}

// vanish is a crash of the endpoint's node: the peer is reset after the
// link's latency, as it would learn when it next heard from the node.
//
//go:norace
func (e *endpoint) vanish() {
	if e.vanished {
		return
	}
	e.closed = true
	e.out.dropUnsent()
	if e.state == stSynSent || e.state == stEstablished {
		if !e.gone && e.out.dst.node != e.node {
			if e.state == stEstablished {
				simrt.RecordFault("net: tcp %v->%v reset: %s crashed", e.raddr, e.laddr, simrt.NodeName(e.node))
			}
			e.out.send(segment{kind: segRst})
		}
	}
	e.gone, e.vanished = true, true
	e.stopTimers()
	e.rdEv.Notify()
	e.wrEv.Notify()
}

//go:norace
func (e *endpoint) stopTimers() {
	e.rdDL.clear()
	e.wrDL.clear()
	if e.retx != nil {
		e.retx()
		e.retx = nil
	}
}

// close is Close: a FIN after the data sent, or a reset when data sent to
// this end was left unread (or SetLinger(0)), as the kernel does.
//
//go:norace
func (e *endpoint) close() {
	e.closed = true
	e.stopTimers()
	switch {
	case e.rstRcvd || e.gone:
	case e.linger == 0 || len(e.in.rbuf) > 0:
		e.gone = true
		e.abort()
	case !e.wrShut:
		e.wrShut = true
		e.out.send(segment{kind: segFin})
	}
	e.nw.stack(e.node).removeEndpoint(e)
	e.rdEv.Notify()
	e.wrEv.Notify()
}

//go:norace
func (e *endpoint) read(b []byte) (int, error) {
	if e.dead() {
		return 0, net.ErrClosed
	}
	simrt.Gosched()
	for {
		if e.closed {
			return 0, net.ErrClosed
		}
		if len(b) == 0 {
			return 0, nil
		}
		f := e.in
		switch {
		case e.rdShut:
			simrt.IORead() // read(2) returned 0: syscall.Read's edge
			return 0, io.EOF
		case len(f.rbuf) > 0:
			n := simrt.CopyBytes(b, f.rbuf)
			simrt.IOReadInto(b[:n]) // syscall.Read's record of the bytes read, then its edge:
			simrt.IORead()          // the bytes' write happens before
			if f.rbuf = f.rbuf[n:]; len(f.rbuf) == 0 {
				f.rbuf = nil
			}
			f.src.wrEv.Notify()
			return n, nil
		case e.finRcvd:
			simrt.IORead()
			return 0, io.EOF
		case e.softErr != 0:
			err := e.softErr
			e.softErr = 0
			return 0, sysErr("read", err)
		case e.rstRcvd:
			return 0, io.EOF
		case e.rdDL.passed():
			return 0, os.ErrDeadlineExceeded
		}
		e.rdEv.Wait("net read")
	}
}

// writeErr is the error a write meets before sending anything more.
//
//go:norace
func (e *endpoint) writeErr() error {
	switch {
	case e.closed:
		return net.ErrClosed
	case e.softErr != 0:
		err := e.softErr
		e.softErr = 0
		return sysErr("write", err)
	case e.rstRcvd || e.wrShut:
		return sysErr("write", syscall.EPIPE)
	case e.wrDL.passed():
		return os.ErrDeadlineExceeded
	}
	return nil
}

//go:norace
func (e *endpoint) write(b []byte) (int, error) {
	if e.dead() {
		return 0, net.ErrClosed
	}
	simrt.Gosched()
	for e.wbusy {
		if e.closed {
			return 0, net.ErrClosed
		}
		if e.wrDL.passed() {
			return 0, os.ErrDeadlineExceeded
		}
		e.wrEv.Wait("net write")
	}
	e.wbusy = true
	simrt.IOWrite()     // syscall.Write's edge: before every later read of bytes
	defer e.writeDone() // a method: a closure would be instrumented under -race
	if len(b) == 0 {
		return 0, e.writeErr()
	}
	n, err := e.enqueue(b)
	simrt.IOWroteFrom(b[:n]) // syscall.Write's record of the bytes it took
	return n, err
}

// enqueue puts b in the connection's buffers, waiting for room, and returns
// how much of it went before an error.
//
//go:norace
func (e *endpoint) enqueue(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		if err := e.writeErr(); err != nil {
			return n, err
		}
		f := e.out
		room := e.sndBuf + f.dst.rcvBuf - f.qbytes - len(f.rbuf)
		if room <= 0 {
			e.wrEv.Wait("net write")
			continue
		}
		chunk := min(room, len(b)-n, maxSegment)
		f.send(segment{kind: segData, data: simrt.AppendBytes(nil, b[n:n+chunk])})
		n += chunk
	}
	return n, nil
}

// writeDone ends a write: the next writer may go.
//
//go:norace
func (e *endpoint) writeDone() {
	e.wbusy = false
	e.wrEv.Notify()
}

// shutdown is CloseRead or CloseWrite.
//
//go:norace
func (e *endpoint) shutdown(write bool) error {
	if e.dead() {
		return e.opErr("close", net.ErrClosed)
	}
	if e.rstRcvd {
		return e.opErr("close", sysErr("shutdown", syscall.ENOTCONN))
	}
	if !write {
		e.rdShut = true
		e.rdEv.Notify()
		return nil
	}
	if !e.wrShut {
		e.wrShut = true
		e.out.send(segment{kind: segFin})
	}
	e.wrEv.Notify()
	return nil
}

// TCPConn is net.TCPConn: a simulated TCP connection inside a run, or a
// real one (wrapped) outside. It implements net.Conn.
type TCPConn struct {
	e *endpoint    // simulated
	r *net.TCPConn // real, outside a run
}

var (
	_ net.Conn      = (*TCPConn)(nil)
	_ io.ReaderFrom = (*TCPConn)(nil)
	_ io.WriterTo   = (*TCPConn)(nil)
)

// Read implements net.Conn's Read: it waits for data, the peer's FIN
// (io.EOF), a reset, or the read deadline. Under -race it is instrumented
// and never inlined, as simrt.Send is: its entry records the caller's
// line, where the detector reports a race on b. It touches nothing but
// its arguments.
//
//go:noinline
func (c *TCPConn) Read(b []byte) (int, error) { return c.read(b) }

//go:norace
func (c *TCPConn) read(b []byte) (int, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.Read(b)
	}
	n, err := c.e.read(b)
	if err != nil && err != io.EOF {
		err = c.e.opErr("read", err)
	}
	return n, err
}

// Write implements net.Conn's Write: it returns once all of b is in the
// connection's buffers, waiting for the reader to make room. Instrumented
// under -race as Read is.
//
//go:noinline
func (c *TCPConn) Write(b []byte) (int, error) { return c.write(b) }

//go:norace
func (c *TCPConn) write(b []byte) (int, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.Write(b)
	}
	n, err := c.e.write(b)
	if err != nil {
		err = c.e.opErr("write", err)
	}
	return n, err
}

// Close implements net.Conn's Close.
//
//go:norace
func (c *TCPConn) Close() error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if c.r != nil {
		return c.r.Close()
	}
	e := c.e
	if e.dead() {
		return e.opErr("close", net.ErrClosed)
	}
	e.close()
	return nil
}

// CloseRead shuts down the reading side: reads return io.EOF.
//
//go:norace
func (c *TCPConn) CloseRead() error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if c.r != nil {
		return c.r.CloseRead()
	}
	return c.e.shutdown(false)
}

// CloseWrite shuts down the writing side: the peer reads io.EOF after the
// data sent.
//
//go:norace
func (c *TCPConn) CloseWrite() error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if c.r != nil {
		return c.r.CloseWrite()
	}
	return c.e.shutdown(true)
}

// LocalAddr returns the local address, a *net.TCPAddr.
//
//go:norace
func (c *TCPConn) LocalAddr() net.Addr {
	if !c.ok() {
		return nil
	}
	if c.r != nil {
		return c.r.LocalAddr()
	}
	return c.e.localAddr()
}

// RemoteAddr returns the peer's address, a *net.TCPAddr.
//
//go:norace
func (c *TCPConn) RemoteAddr() net.Addr {
	if !c.ok() {
		return nil
	}
	if c.r != nil {
		return c.r.RemoteAddr()
	}
	return c.e.remoteAddr()
}

// SetDeadline sets the read and write deadlines, on the virtual clock.
//
//go:norace
func (c *TCPConn) SetDeadline(t time.Time) error {
	return c.setDeadline(t, true, true)
}

// SetReadDeadline sets the read deadline, on the virtual clock.
//
//go:norace
func (c *TCPConn) SetReadDeadline(t time.Time) error {
	return c.setDeadline(t, true, false)
}

// SetWriteDeadline sets the write deadline, on the virtual clock.
//
//go:norace
func (c *TCPConn) SetWriteDeadline(t time.Time) error {
	return c.setDeadline(t, false, true)
}

// setDeadline sets the read deadline, the write deadline or both.
//
//go:norace
func (c *TCPConn) setDeadline(t time.Time, rd, wr bool) error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.r != nil:
		return setReal(c.r, t, rd, wr)
	case c.e.dead():
		return c.e.setErr()
	}
	if rd {
		c.e.rdDL.set(t, &c.e.rdEv)
	}
	if wr {
		c.e.wrDL.set(t, &c.e.wrEv)
	}
	return nil
}

// setOpt is a socket option the simulation accepts and ignores.
//
//go:norace
func (c *TCPConn) setOpt() error {
	if c.e.dead() {
		return c.e.opErr("set", net.ErrClosed)
	}
	return nil
}

// SetKeepAlive is accepted and ignored: no keep-alive probes are
// simulated.
//
//go:norace
func (c *TCPConn) SetKeepAlive(keepalive bool) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if c.r != nil {
		return c.r.SetKeepAlive(keepalive)
	}
	return c.setOpt()
}

// SetKeepAlivePeriod is accepted and ignored.
//
//go:norace
func (c *TCPConn) SetKeepAlivePeriod(d time.Duration) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if c.r != nil {
		return c.r.SetKeepAlivePeriod(d)
	}
	return c.setOpt()
}

// SetKeepAliveConfig is accepted and ignored.
//
//go:norace
func (c *TCPConn) SetKeepAliveConfig(config net.KeepAliveConfig) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if c.r != nil {
		return c.r.SetKeepAliveConfig(config)
	}
	return c.setOpt()
}

// SetNoDelay is accepted and ignored: segments are never delayed to
// coalesce.
//
//go:norace
func (c *TCPConn) SetNoDelay(noDelay bool) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if c.r != nil {
		return c.r.SetNoDelay(noDelay)
	}
	return c.setOpt()
}

// SetLinger sets what Close does with data not yet sent: sec == 0 makes
// Close reset the connection at once; other values close gracefully.
//
//go:norace
func (c *TCPConn) SetLinger(sec int) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if c.r != nil {
		return c.r.SetLinger(sec)
	}
	if err := c.setOpt(); err != nil {
		return err
	}
	c.e.linger = sec
	return nil
}

// SetReadBuffer sets the size of the receive buffer (at least 4 KiB).
//
//go:norace
func (c *TCPConn) SetReadBuffer(bytes int) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if c.r != nil {
		return c.r.SetReadBuffer(bytes)
	}
	if c.e.dead() {
		return c.e.setErr()
	}
	c.e.rcvBuf = max(bytes, minBuf)
	c.e.in.src.wrEv.Notify()
	return nil
}

// SetWriteBuffer sets the size of the send buffer (at least 4 KiB).
//
//go:norace
func (c *TCPConn) SetWriteBuffer(bytes int) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if c.r != nil {
		return c.r.SetWriteBuffer(bytes)
	}
	if c.e.dead() {
		return c.e.setErr()
	}
	c.e.sndBuf = max(bytes, minBuf)
	c.e.wrEv.Notify()
	return nil
}

// writerOnly and readerOnly hide a TCPConn's ReadFrom and WriteTo from
// io.Copy, which would otherwise call back into them.
type writerOnly struct{ io.Writer }
type readerOnly struct{ io.Reader }

// ReadFrom implements io.ReaderFrom: it copies r into the connection.
//
//go:norace
func (c *TCPConn) ReadFrom(r io.Reader) (int64, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.ReadFrom(r)
	}
	n, err := io.Copy(writerOnly{c}, r)
	if err != nil && err != io.EOF {
		err = c.e.opErr("readfrom", err)
	}
	return n, err
}

// WriteTo implements io.WriterTo: it copies the connection into w until
// EOF.
//
//go:norace
func (c *TCPConn) WriteTo(w io.Writer) (int64, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.WriteTo(w)
	}
	n, err := io.Copy(w, readerOnly{c})
	if err != nil && err != io.EOF {
		err = c.e.opErr("writeto", err)
	}
	return n, err
}

// File fails inside a run: a simulated socket has no file descriptor.
//
//go:norace
func (c *TCPConn) File() (*os.File, error) {
	if !c.ok() {
		return nil, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.File()
	}
	return nil, c.e.opErr("file", errNoFile)
}

// SyscallConn fails inside a run: a simulated socket has no file
// descriptor.
//
//go:norace
func (c *TCPConn) SyscallConn() (syscall.RawConn, error) {
	if !c.ok() {
		return nil, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.SyscallConn()
	}
	return nil, c.e.opErr("raw-conn", errNoFile)
}

// MultipathTCP reports false inside a run: simulated connections are
// plain TCP.
//
//go:norace
func (c *TCPConn) MultipathTCP() (bool, error) {
	if !c.ok() {
		return false, syscall.EINVAL
	}
	if c.r != nil {
		return c.r.MultipathTCP()
	}
	return false, nil
}

// ok reports whether c is a connection (net's zero TCPConn is not one).
//
//go:norace
func (c *TCPConn) ok() bool { return c != nil && (c.e != nil || c.r != nil) }
