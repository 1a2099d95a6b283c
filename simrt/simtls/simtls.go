// Package simtls holds crypto/tls's dials and listens for the one build
// where crypto/tls is not simulated: a toolchain in the module cache, whose
// GOROOT the go command refuses to overlay (rewrite/std.go). crypto/tls
// opens its connections with net's own Dialer and Listen, so rewritten
// code calls these instead and the connection under the TLS one is
// simnet's. The handshake and the records are crypto/tls's, native, as
// over any simulated connection, and crypto/tls's locks are real ones.
//
// Everywhere else crypto/tls is rewritten in place like net/http, and
// rewritten code calls its own Dial and Listen, whose net.Dialer and
// net.Listen are simnet's; this package is then not in the build.
//
// Invariants:
//   - Every socket under a TLS connection made here is simnet's.
//   - A handshake is bounded by the dial's deadline on the virtual clock.
//   - Only rewritten code imports this package, and only when crypto/tls
//     stays native: no other package of the runtime imports it, since it
//     imports crypto/tls, which would import the runtime once rewritten
//     (rewrite's TestRuntimeImportsNoStdPackage).
package simtls

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"time"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simnet"
)

// Dialer is tls.Dialer with a simulated NetDialer.
type Dialer struct {
	// NetDialer dials the connection under TLS; nil means a zero Dialer.
	NetDialer *simnet.Dialer
	// Config is the TLS configuration; nil means the zero one.
	Config *tls.Config
}

// Dial is tls.Dialer.Dial: a connection, then a client handshake over it.
//
//go:norace
func (d *Dialer) Dial(network, addr string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, addr)
}

// DialContext is tls.Dialer.DialContext. The returned net.Conn is always a
// *tls.Conn.
//
//go:norace
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	nd := d.NetDialer
	if nd == nil {
		nd = new(simnet.Dialer)
	}
	c, err := dial(ctx, nd, network, addr, d.Config)
	if err != nil {
		return nil, err // not a typed nil in the interface
	}
	return c, nil
}

// Dial is tls.Dial.
//
//go:norace
func Dial(network, addr string, config *tls.Config) (*tls.Conn, error) {
	return DialWithDialer(new(simnet.Dialer), network, addr, config)
}

// DialWithDialer is tls.DialWithDialer.
//
//go:norace
func DialWithDialer(dialer *simnet.Dialer, network, addr string, config *tls.Config) (*tls.Conn, error) {
	return dial(context.Background(), dialer, network, addr, config)
}

// dial is crypto/tls's dial. Outside a run it is crypto/tls's own, over
// the Dialer's (native) connection: the context bounds the handshake.
// Inside one, the dial's deadline (the earliest of the Dialer's Timeout
// and Deadline and the context's) bounds the handshake too, as in
// crypto/tls, as a deadline of the virtual clock on the connection: a
// handshake that runs out of time fails with an i/o timeout, where
// crypto/tls reports the context's error. A context canceled during the
// handshake (not before) does not stop it: native crypto/tls would watch
// it with a callback that closes the connection from outside the
// simulation.
//
//go:norace
func dial(ctx context.Context, nd *simnet.Dialer, network, addr string, config *tls.Config) (*tls.Conn, error) {
	if !simrt.Simulated() {
		return nativeDial(ctx, nd, network, addr, config)
	}
	deadline := simnet.DialDeadline(nd, ctx, simrt.Now())
	raw, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	conn := tls.Client(raw, withServerName(config, addr))
	if !deadline.IsZero() {
		_ = raw.SetDeadline(deadline)
	}
	if err := conn.Handshake(); err != nil {
		raw.Close()
		return nil, err
	}
	if !deadline.IsZero() {
		_ = raw.SetDeadline(time.Time{})
	}
	return conn, nil
}

// nativeDial is crypto/tls's dial outside a run, where nd dials the real
// network.
//
//go:norace
func nativeDial(ctx context.Context, nd *simnet.Dialer, network, addr string, config *tls.Config) (*tls.Conn, error) {
	if nd.Timeout != 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, nd.Timeout)
		defer cancel()
	}
	if !nd.Deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, nd.Deadline)
		defer cancel()
	}
	raw, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	conn := tls.Client(raw, withServerName(config, addr))
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return conn, nil
}

// withServerName is config, or a copy of it naming the host of addr when
// it names no server, as crypto/tls's dial does.
//
//go:norace
func withServerName(config *tls.Config, addr string) *tls.Config {
	if config == nil {
		config = &tls.Config{}
	}
	if config.ServerName != "" {
		return config
	}
	colon := strings.LastIndex(addr, ":")
	if colon == -1 {
		colon = len(addr)
	}
	c := config.Clone()
	c.ServerName = addr[:colon]
	return c
}

// Listen is tls.Listen: a simulated listener whose connections are TLS
// server connections.
//
//go:norace
func Listen(network, laddr string, config *tls.Config) (net.Listener, error) {
	if config == nil || len(config.Certificates) == 0 &&
		config.GetCertificate == nil && config.GetConfigForClient == nil {
		return nil, errors.New("tls: neither Certificates, GetCertificate, nor GetConfigForClient set in Config")
	}
	l, err := simnet.Listen(network, laddr)
	if err != nil {
		return nil, err
	}
	return tls.NewListener(l, config), nil
}
