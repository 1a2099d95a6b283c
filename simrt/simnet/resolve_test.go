package simnet_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simnet"
)

// TestResolve: node names, localhost, host, aliases and literals resolve;
// unknown names fail as net's lookups do.
func TestResolve(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		kv1 := simrt.NewNode("kv1")
		simrt.NewNode("kv2")
		simnet.Alias("db.example.com", kv1)
		for _, c := range []struct{ host, want string }{
			{"kv1", "[10.0.0.1]"},
			{"kv2.", "[10.0.0.2]"},
			{"localhost", "[127.0.0.1]"},
			{"host", "[10.255.255.254]"},
			{"db.example.com", "[10.0.0.1]"},
			{"10.9.9.9", "[10.9.9.9]"},
			{"::1", "[::1]"},
		} {
			got, err := simnet.LookupHost(c.host)
			if fmt.Sprint(got) != c.want || err != nil {
				t.Errorf("LookupHost(%q) = %v, %v; want %s", c.host, got, err, c.want)
			}
		}
		_, err := simnet.LookupHost("nope")
		var de *net.DNSError
		if got, want := errText(err), "lookup nope: no such host"; got != want || !errors.As(err, &de) || !de.IsNotFound {
			t.Errorf("LookupHost(nope) = %s (%#v), want %s", got, err, want)
		}
		_, err = simnet.Dial("tcp", "nope:80")
		if got, want := errText(err), "dial tcp: lookup nope: no such host"; got != want {
			t.Errorf("Dial = %s, want %s", got, want)
		}
		for _, c := range []struct{ network, address, want string }{
			{"tcp", "foo", "dial tcp: address foo: missing port in address"},
			{"tcp", "kv1:99999", "dial tcp: address 99999: invalid port"},
			{"tcpx", "kv1:80", "dial tcpx: unknown network tcpx"},
			{"tcp4", "[::1]:80", "dial tcp4: address ::1: no suitable address found"},
			{"tcp", "", "dial tcp: missing address"},
			{"tcp", "10.0.7.7:80", "dial tcp 10.0.7.7:80: connect: no route to host"},
			{"tcp", "8.8.8.8:53", "dial tcp 8.8.8.8:53: connect: network is unreachable"},
			{"unix", "/tmp/x.sock", "dial unix: simnet: network unix is not simulated"},
		} {
			_, err := simnet.Dial(c.network, c.address)
			if got := errText(err); got != c.want {
				t.Errorf("Dial(%s, %q) = %s, want %s", c.network, c.address, got, c.want)
			}
		}
		if ips, err := simnet.LookupIP("kv2"); err != nil || len(ips) != 1 || !ips[0].Equal(net.IPv4(10, 0, 0, 2)) {
			t.Errorf("LookupIP = %v, %v", ips, err)
		}
		if ips, err := simnet.DefaultResolver.LookupNetIP(context.Background(), "ip6", "kv1"); err == nil {
			t.Errorf("LookupNetIP(ip6, kv1) = %v: nodes have IPv4 only", ips)
		}
		if names, err := simnet.LookupAddr("10.0.0.2"); fmt.Sprint(names) != "[kv2]" || err != nil {
			t.Errorf("LookupAddr = %v, %v", names, err)
		}
		if names, err := simnet.LookupAddr("127.0.0.1"); fmt.Sprint(names) != "[localhost]" || err != nil {
			t.Errorf("LookupAddr(127.0.0.1) = %v, %v", names, err)
		}
		if _, err := simnet.LookupAddr("10.9.9.9"); errText(err) != "lookup 10.9.9.9: no such host" {
			t.Errorf("LookupAddr(unknown) = %v", err)
		}
		if a, err := simnet.ResolveTCPAddr("tcp", "kv1:http"); err != nil || a.String() != "10.0.0.1:80" {
			t.Errorf("ResolveTCPAddr = %v, %v", a, err)
		}
		if a, err := simnet.ResolveTCPAddr("tcp", ":80"); err != nil || a.String() != ":80" || a.IP != nil {
			t.Errorf("ResolveTCPAddr(:80) = %v, %v", a, err)
		}
		if a, err := simnet.ResolveUDPAddr("udp", "localhost:53"); err != nil || a.String() != "127.0.0.1:53" {
			t.Errorf("ResolveUDPAddr = %v, %v", a, err)
		}
		if a, err := simnet.ResolveIPAddr("ip", "kv2"); err != nil || a.String() != "10.0.0.2" {
			t.Errorf("ResolveIPAddr = %v, %v", a, err)
		}
		if _, err := simnet.ResolveTCPAddr("tcp", "nope:1"); errText(err) != "lookup nope: no such host" {
			t.Errorf("ResolveTCPAddr(nope) = %v", err)
		}
		if p, err := simnet.LookupPort("tcp", "https"); p != 443 || err != nil {
			t.Errorf("LookupPort = %d, %v", p, err)
		}
		if cn, err := simnet.LookupCNAME("kv1"); cn != "kv1" || err != nil {
			t.Errorf("LookupCNAME = %q, %v", cn, err)
		}
	})
}

// TestOutsideRun: outside a simulated run the package is the real net,
// with its connections in this package's types.
func TestOutsideRun(t *testing.T) {
	l, err := simnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback: %v", err)
	}
	defer l.Close()
	if _, ok := l.(*simnet.TCPListener); !ok {
		t.Errorf("Listen returned %T", l)
	}
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		c.Write([]byte("real"))
		c.Close()
	}()
	c, err := simnet.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	tc, ok := c.(*simnet.TCPConn)
	if !ok {
		t.Fatalf("Dial returned %T", c)
	}
	b := make([]byte, 4)
	if n, err := tc.Read(b); string(b[:n]) != "real" || err != nil {
		t.Errorf("Read = %q, %v", b[:n], err)
	}
	tc.Close()
	if simnet.DefaultLink().MaxLatency != simnet.DefaultMaxLatency || !simnet.Reachable(1, 2) {
		t.Errorf("DefaultLink or Reachable outside a run")
	}
	u, err := simnet.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	if _, err := simnet.LookupHost("localhost"); err != nil {
		t.Errorf("LookupHost(localhost): %v", err)
	}
}
