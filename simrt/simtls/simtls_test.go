package simtls_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"os"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simnet"
	"simgen.dev/simgen/simrt/simtls"
)

// testCert is a self-signed certificate for the name "srv".
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "srv"},
		DNSNames:              []string{"srv"},
		NotBefore:             time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// TestTLSDialer: crypto/tls's dials over the simulated network. A client
// node dials a TLS listener of a server node by name with Dialer, Dial
// and DialWithDialer, verifies its certificate against the name
// it dialed (ServerName taken from the address, as crypto/tls does) and
// gets its bytes back.
func TestTLSDialer(t *testing.T) {
	cert, pool := testCert(t)
	simrt.Test(t, func(t *testing.T) {
		var l net.Listener
		up := simrt.MakeChan[struct{}](0)
		_, srvDone := run("srv", func() {
			var err error
			l, err = simtls.Listen("tcp", ":443", &tls.Config{Certificates: []tls.Certificate{cert}})
			if err != nil {
				t.Errorf("Listen: %v", err)
			}
			simrt.Close(up)
			serveEcho(l)
		})
		simrt.Recv(up)
		_, cliDone := run("cli", func() {
			cfg := &tls.Config{RootCAs: pool}
			dials := map[string]func() (net.Conn, error){
				"Dialer": func() (net.Conn, error) {
					d := &simtls.Dialer{NetDialer: &simnet.Dialer{Timeout: time.Second}, Config: cfg}
					return d.Dial("tcp", "srv:443")
				},
				"Dial": func() (net.Conn, error) { return simtls.Dial("tcp", "srv:443", cfg) },
				"DialWithDialer": func() (net.Conn, error) {
					return simtls.DialWithDialer(&simnet.Dialer{}, "tcp", "srv:443", cfg)
				},
			}
			for _, name := range []string{"Dialer", "Dial", "DialWithDialer"} {
				c, err := dials[name]()
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				tc, ok := c.(*tls.Conn)
				if !ok {
					t.Errorf("%s returned %T, want *tls.Conn", name, c)
				} else if got := tc.ConnectionState().ServerName; got != "srv" {
					t.Errorf("%s: ServerName %q, want srv", name, got)
				}
				if _, err := io.WriteString(c, "hello"); err != nil {
					t.Errorf("%s: write: %v", name, err)
				}
				buf := make([]byte, 5)
				if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "hello" {
					t.Errorf("%s: read %q, %v", name, buf, err)
				}
				c.Close()
			}
			if cfg.ServerName != "" {
				t.Errorf("the caller's Config was changed: ServerName %q", cfg.ServerName)
			}
		})
		cliDone.Wait()
		l.Close()
		srvDone.Wait()
	})
}

// TestTLSHandshakeTimeout: the Dialer's Timeout bounds the handshake too,
// on the virtual clock: a server that accepts and never answers fails
// the dial after the Timeout, with a timeout error.
func TestTLSHandshakeTimeout(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		l := listen(t, ":443")
		simrt.Go(func() {
			c, err := l.Accept()
			if err == nil {
				io.Copy(io.Discard, c)
			}
		})
		start := simrt.Now()
		d := &simtls.Dialer{NetDialer: &simnet.Dialer{Timeout: 3 * time.Second}}
		c, err := d.Dial("tcp", "127.0.0.1:443")
		if err == nil {
			c.Close()
			t.Fatal("handshake with a silent server succeeded")
		}
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("err = %v, want a deadline exceeded", err)
		}
		if got := simrt.Since(start); got != 3*time.Second {
			t.Errorf("failed after %v, want the Timeout, 3s", got)
		}
		l.Close()
	})
}

// TestTLSListenNeedsCertificate: tls.Listen's check of its Config.
func TestTLSListenNeedsCertificate(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		if _, err := simtls.Listen("tcp", ":443", nil); err == nil {
			t.Error("Listen with no Config succeeded")
		}
	})
}

// run starts fn on a new node named name.
func run(name string, fn func()) (simrt.NodeID, *simrt.WaitGroup) {
	n := simrt.NewNode(name)
	wg := new(simrt.WaitGroup)
	wg.Add(1)
	simrt.GoOn(n, func() {
		defer wg.Done()
		fn()
	})
	return n, wg
}

// listen listens on address of the calling node or fails the test.
func listen(t testing.TB, address string) net.Listener {
	t.Helper()
	l, err := simnet.Listen("tcp", address)
	if err != nil {
		t.Fatalf("listen %s: %v", address, err)
	}
	return l
}

// serveEcho echoes every connection of l, each on its own goroutine,
// until l closes; it waits for the connections to end.
func serveEcho(l net.Listener) {
	var wg simrt.WaitGroup
	defer wg.Wait()
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		wg.Add(1)
		simrt.Go(func() {
			defer wg.Done()
			defer c.Close()
			io.Copy(c, c)
		})
	}
}
