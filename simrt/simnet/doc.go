// Package simnet is package net on the simulated scheduler: TCP streams,
// UDP datagrams, name resolution and net.Pipe between the simulated
// machines (simrt nodes) of a run, with latency, loss, partitions and
// crashes drawn from the run's seed. It is apart from simrt so that simrt
// itself never imports net. simgen rewrites net.Dial, net.Listen,
// net.Dialer, net.TCPConn and the rest of what opens, accepts or resolves
// into the names of this package, which keep net's signatures; the
// interfaces (net.Conn, net.Listener, net.PacketConn), the address types
// and the errors stay net's.
//
// Inside a simulated run (simrt.Simulated) every call acts on the run's
// own network, made fresh for each run. Outside one (package
// initialization, TestMain, a binary built without simgen) every call is
// the real net's, its connections wrapped in this package's types.
//
// # Addressing
//
// Each node has its address 10.0.x.y (simrt.NodeIP) and a loopback of its
// own: 127.0.0.1 (all of 127/8) and ::1 reach the calling node itself,
// never another. The host (the test's own goroutines, simrt.Host) has the
// loopback too, and the address 10.255.255.254 (NodeAddr(simrt.Host)) by
// which nodes reach it. Names resolve without any DNS traffic:
// "localhost" to 127.0.0.1, "host" to 10.255.255.254, a node's name to
// its address, names added with Alias to theirs, IP literals to
// themselves; any other name fails as net does (*net.DNSError,
// IsNotFound, "lookup foo: no such host"). Listening on ":port",
// "0.0.0.0:port" or "[::]:port" binds every address of the node; an
// address the node does not own fails with "bind: cannot assign requested
// address". Port 0 picks a free port from 32768..60999, in order per
// node, so a seed always gets the same ports. An address that belongs to
// no node of the run fails at once: "connect: no route to host" in 10/8,
// "connect: network is unreachable" elsewhere.
//
// # Links
//
// A message from one node to another takes a latency drawn from the fault
// stream uniformly in [MinLatency, MaxLatency] of the link's Link, one per
// direction. Between different nodes the default is 100µs to 1ms with no
// loss (SetDefaultLink changes it); within a node (loopback) it is 5µs to
// 25µs, as a loopback round trip takes tens of microseconds natively, and
// zero under SIM_TIME=exact: a write then reaches the peer's buffer at
// once, and the operation is still a scheduling point. Streams are ordered and reliable while the link is
// up: a segment "lost" to Link.Loss arrives late, after TCP's
// retransmission timeouts (200ms, doubling), never out of order.
// Datagrams are dropped with probability Loss, sent twice with
// probability Duplicate, and, with probability Reorder, held back by an
// extra delay of one to two times max(MaxLatency, 1ms) so that those sent
// after it overtake it; the others keep their order on the link. A
// socket queues at most its receive buffer (208 KiB by default) and drops
// what does not fit; a datagram to a port with no socket is dropped, and a
// connected sender learns it ("read: connection refused"), as from ICMP.
//
// Partition, Cut, Connect and Heal decide which nodes reach which. While
// two nodes cannot reach each other, their datagrams are dropped and
// their stream segments (data, FIN, RST, SYN) are held, as TCP retransmits
// them, and sent when the link comes back, in order, with fresh latency.
// A dial across a partition therefore connects after Heal if it is still
// waiting, and otherwise fails at its timeout, deadline or context
// ("dial tcp 10.0.0.2:80: i/o timeout", as net says it). A dial with none
// of those gives up as Linux does after its six SYN retransmissions:
// 127 seconds of virtual time, "connect: connection timed out". A node
// that is down (never started, or crashed) loses the SYNs sent to it; the
// dialer retransmits at 1, 3, 7, 15, 31 and 63 seconds, so it connects if
// the node comes back and listens in time.
//
// # Streams
//
// A dial takes one round trip (SYN, SYN-ACK); an accepted connection is
// queued on its listener (no backlog limit). Each direction buffers at
// most the writer's send buffer plus the reader's receive buffer (128 KiB
// each by default, SetWriteBuffer and SetReadBuffer change them): a
// writer whose data the reader does not drain blocks. Errors are the ones
// Linux gives and net prints: "connect: connection refused" when nothing
// listens, io.EOF once the peer closed and its data was read, "read:
// connection reset by peer" when the peer closed with unread data (or
// with SetLinger(0)), "write: broken pipe" after that, "use of closed
// network connection" (net.ErrClosed) on a connection closed here, and
// "i/o timeout" (os.ErrDeadlineExceeded) past a deadline of the virtual
// clock.
//
// A crash (simrt.Crash) makes the node's listeners, connections and
// sockets vanish without a FIN; each peer of its connections gets a reset
// after the link's latency (held while partitioned), so its next read or
// write fails with "connection reset by peer". Segments already on the
// wire (sent, a latency away from arriving) still arrive first, after a
// crash as after SetLinger(0); what a partition held back is lost. After a restart the node
// can listen on the same ports again.
//
// Blocking is on simrt.Event ("net read", "net write", "net accept",
// "net dial"); messages travel as simrt.CallAt callbacks, so the network
// runs no goroutine of its own that a crash could leave behind (the one
// exception, a goroutine that watches a Dialer's Cancel channel, belongs
// to the dialing node and ends with the dial). Faults
// worth a line in a failure report (datagrams dropped, duplicated or
// reordered, segments retransmitted, connections reset by a crash,
// partitions and heals) are recorded with simrt.RecordFault.
//
// crypto/tls is rewritten in place (rewrite/std.go), so its Dial and
// Listen use this package's; package simtls has them for a toolchain whose
// crypto/tls stays native.
//
// Not simulated: Unix domain sockets and raw IP (they fail with a clear
// error inside a run), multicast and broadcast, keep-alive probes (the
// settings are accepted and ignored), TIME_WAIT, backlog limits, Nagle,
// and the Control hooks of Dialer and ListenConfig (never called, since
// there is no socket to control). File and SyscallConn fail: a simulated
// socket has no file descriptor.
package simnet

// This file is the package's manual; it holds no code.
//
// Invariants: see each file's header.
