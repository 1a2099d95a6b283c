package rewrite

// Rule: package net, onto the simulated network of simnet.
//
//	ln, err := net.Listen("tcp", ":80")         ln, err := simnet.Listen("tcp", ":80")
//	c, err := net.DialTimeout("tcp", a, d)  ->  c, err := simnet.DialTimeout("tcp", a, d)
//	d := &net.Dialer{Timeout: d}                d := &simnet.Dialer{Timeout: d}
//	var tc *net.TCPConn                         var tc *simnet.TCPConn
//	a, b := net.Pipe()                          a, b := simnet.Pipe()
//	td := &tls.Dialer{NetDialer: d}             td := &tls.Dialer{NetDialer: d}
//
// The mapping table (mapping.go) says what moves: the dials, listens and
// lookups, the types that own a socket or resolve (Dialer, ListenConfig,
// TCPConn, TCPListener, UDPConn, Resolver) and DefaultResolver. crypto/tls
// is rewritten in place (std.go), so its Dial, DialWithDialer, Dialer and
// Listen, which open their connections with net's, stay: its net.Dialer
// is simnet's. Where crypto/tls stays native (a toolchain in the module
// cache), they move to package simtls, which opens the connection under
// TLS on the simulated network, and TLS runs natively over it. The
// interfaces (Conn, Listener, PacketConn, Addr), the address types and the
// errors stay, so values still cross into code that is not rewritten as
// they are: simnet hands its connections out as net.Conn and net.Listener.
// Unix and IP sockets and connections made from files stay real and are
// diagnosed (blocking.go).
//
// What is not converted: a *net.TCPConn (or another moved type) that code
// that is not rewritten made and hands out inside an interface. A type
// assertion to *net.TCPConn in rewritten code asks for *simnet.TCPConn, and
// fails for it. Only net.FileConn and friends make such values, and they
// are diagnosed.

import "go/ast"

func (r *fileRewriter) ruleNet(n ast.Node) (string, bool) {
	if r.run.rewritten["crypto/tls"] {
		return r.mappedRef(n, "net")
	}
	return r.mappedRef(n, "net", "crypto/tls")
}
