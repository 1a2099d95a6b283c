package simnet_test

// simgen rewrites net's names into this package's, so every method and
// field of net's types must exist here with the same signature (this
// package's types standing for net's), and the zero values must behave.

import (
	"net"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"simgen.dev/simgen/simrt/simnet"
)

// mapped spells a type of net's API as this package spells it.
var mapped = strings.NewReplacer(
	"*net.TCPConn", "*simnet.TCPConn",
	"*net.TCPListener", "*simnet.TCPListener",
	"*net.UDPConn", "*simnet.UDPConn",
	"*net.Resolver", "*simnet.Resolver",
	"*net.Dialer", "*simnet.Dialer",
	"<-chan struct {}", "*simrt.Chan[struct {}]",
)

func TestAPIMatchesNet(t *testing.T) {
	for _, c := range []struct{ net, sim any }{
		{(*net.TCPConn)(nil), (*simnet.TCPConn)(nil)},
		{(*net.TCPListener)(nil), (*simnet.TCPListener)(nil)},
		{(*net.UDPConn)(nil), (*simnet.UDPConn)(nil)},
		{(*net.Dialer)(nil), (*simnet.Dialer)(nil)},
		{(*net.ListenConfig)(nil), (*simnet.ListenConfig)(nil)},
		{(*net.Resolver)(nil), (*simnet.Resolver)(nil)},
	} {
		nt, st := reflect.TypeOf(c.net), reflect.TypeOf(c.sim)
		for i := 0; i < nt.NumMethod(); i++ {
			m := nt.Method(i)
			sm, ok := st.MethodByName(m.Name)
			if !ok {
				t.Errorf("%v lacks method %s", st, m.Name)
				continue
			}
			if got, want := sig(sm.Type), mapped.Replace(sig(m.Type)); got != want {
				t.Errorf("%v.%s is %s, net's is %s", st, m.Name, got, want)
			}
		}
		ne, se := nt.Elem(), st.Elem()
		for i := 0; i < ne.NumField(); i++ {
			f := ne.Field(i)
			if !f.IsExported() {
				continue
			}
			sf, ok := se.FieldByName(f.Name)
			if !ok {
				t.Errorf("%v lacks field %s", se, f.Name)
				continue
			}
			if got, want := sf.Type.String(), mapped.Replace(f.Type.String()); got != want {
				t.Errorf("%v.%s is %s, net's is %s", se, f.Name, got, want)
			}
		}
	}
}

// sig is a method's signature without its receiver.
func sig(m reflect.Type) string {
	var in, out []string
	for i := 1; i < m.NumIn(); i++ {
		in = append(in, m.In(i).String())
	}
	for i := 0; i < m.NumOut(); i++ {
		out = append(out, m.Out(i).String())
	}
	return "(" + strings.Join(in, ", ") + ") (" + strings.Join(out, ", ") + ")"
}

// TestZeroValues: methods of zero and nil values fail with EINVAL, as
// net's do, rather than panic.
func TestZeroValues(t *testing.T) {
	var c simnet.TCPConn
	if _, err := c.Read(nil); err != syscall.EINVAL {
		t.Errorf("zero TCPConn Read: %v", err)
	}
	var u *simnet.UDPConn
	if err := u.Close(); err != syscall.EINVAL || u.LocalAddr() != nil {
		t.Errorf("nil UDPConn Close: %v", err)
	}
	var l simnet.TCPListener
	if _, err := l.Accept(); err != syscall.EINVAL {
		t.Errorf("zero TCPListener Accept: %v", err)
	}
}
