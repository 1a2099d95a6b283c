package simnet

// This file holds crypto/tls's dials and listens, which open their sockets
// with net's own Dialer and Listen: rewritten code calls these instead, so
// the connection under the TLS one is simulated. The handshake and the
// records are crypto/tls's, native, as over any simulated connection.
//
// Invariants: every socket under a TLS connection made here is simnet's;
// a handshake is bounded by the dial's deadline on the virtual clock.

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"time"

	"simgen.dev/simgen/simrt"
)

// TLSDialer is tls.Dialer with a simulated NetDialer.
type TLSDialer struct {
	// NetDialer dials the connection under TLS; nil means a zero Dialer.
	NetDialer *Dialer
	// Config is the TLS configuration; nil means the zero one.
	Config *tls.Config
}

// Dial is tls.Dialer.Dial: a connection, then a client handshake over it.
//
//go:norace
func (d *TLSDialer) Dial(network, addr string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, addr)
}

// DialContext is tls.Dialer.DialContext. The returned net.Conn is always a
// *tls.Conn.
//
//go:norace
func (d *TLSDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	nd := d.NetDialer
	if nd == nil {
		nd = new(Dialer)
	}
	c, err := tlsDial(ctx, nd, network, addr, d.Config)
	if err != nil {
		return nil, err // not a typed nil in the interface
	}
	return c, nil
}

// TLSDial is tls.Dial.
//
//go:norace
func TLSDial(network, addr string, config *tls.Config) (*tls.Conn, error) {
	return TLSDialWithDialer(new(Dialer), network, addr, config)
}

// TLSDialWithDialer is tls.DialWithDialer.
//
//go:norace
func TLSDialWithDialer(dialer *Dialer, network, addr string, config *tls.Config) (*tls.Conn, error) {
	return tlsDial(context.Background(), dialer, network, addr, config)
}

// tlsDial is crypto/tls's dial. Outside a run it is crypto/tls's own.
// Inside one, the dial's deadline (the earliest of the Dialer's Timeout
// and Deadline and the context's) bounds the handshake too, as in
// crypto/tls, as a deadline of the virtual clock on the connection: a
// handshake that runs out of time fails with an i/o timeout, where
// crypto/tls reports the context's error. A context canceled during the
// handshake (not before) does not stop it; crypto/tls would watch it from
// a goroutine of its own, outside the simulation.
//
//go:norace
func tlsDial(ctx context.Context, nd *Dialer, network, addr string, config *tls.Config) (*tls.Conn, error) {
	if current() == nil {
		td := &tls.Dialer{NetDialer: nd.native(), Config: config}
		c, err := td.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return c.(*tls.Conn), nil
	}
	deadline := nd.deadline(ctx, simrt.Now())
	raw, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	colon := strings.LastIndex(addr, ":")
	if colon == -1 {
		colon = len(addr)
	}
	if config == nil {
		config = &tls.Config{}
	}
	if config.ServerName == "" {
		c := config.Clone()
		c.ServerName = addr[:colon]
		config = c
	}
	conn := tls.Client(raw, config)
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

// TLSListen is tls.Listen: a simulated listener whose connections are
// TLS server connections.
//
//go:norace
func TLSListen(network, laddr string, config *tls.Config) (net.Listener, error) {
	if config == nil || len(config.Certificates) == 0 &&
		config.GetCertificate == nil && config.GetConfigForClient == nil {
		return nil, errors.New("tls: neither Certificates, GetCertificate, nor GetConfigForClient set in Config")
	}
	l, err := Listen(network, laddr)
	if err != nil {
		return nil, err
	}
	return tls.NewListener(l, config), nil
}
