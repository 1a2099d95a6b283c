package simtls_test

// simgen rewrites crypto/tls's Dial, DialWithDialer, Dialer and Listen into
// this package's where crypto/tls stays native, so they must have
// crypto/tls's signatures, with simnet's Dialer standing for net's.

import (
	"crypto/tls"
	"reflect"
	"strings"
	"testing"

	"simgen.dev/simgen/simrt/simtls"
)

var mapped = strings.NewReplacer("*net.Dialer", "*simnet.Dialer", "*tls.Dialer", "*simtls.Dialer")

func TestAPIMatchesTLS(t *testing.T) {
	nt, st := reflect.TypeOf((*tls.Dialer)(nil)), reflect.TypeOf((*simtls.Dialer)(nil))
	if nt.NumMethod() == 0 || nt.NumMethod() != st.NumMethod() {
		t.Errorf("%v has %d methods, %v %d", nt, nt.NumMethod(), st, st.NumMethod())
	}
	for i := 0; i < nt.NumMethod(); i++ {
		m := nt.Method(i)
		sm, ok := st.MethodByName(m.Name)
		if !ok {
			t.Errorf("%v lacks method %s", st, m.Name)
			continue
		}
		if got, want := sm.Type.String(), mapped.Replace(m.Type.String()); got != want {
			t.Errorf("%v.%s is %s, crypto/tls's is %s", st, m.Name, got, want)
		}
	}
	for i := 0; i < nt.Elem().NumField(); i++ {
		f := nt.Elem().Field(i)
		sf, ok := st.Elem().FieldByName(f.Name)
		if !ok {
			t.Errorf("%v lacks field %s", st.Elem(), f.Name)
		} else if got, want := sf.Type.String(), mapped.Replace(f.Type.String()); got != want {
			t.Errorf("%v.%s is %s, crypto/tls's is %s", st.Elem(), f.Name, got, want)
		}
	}
	for _, fn := range []struct{ tls, sim any }{
		{tls.Dial, simtls.Dial},
		{tls.DialWithDialer, simtls.DialWithDialer},
		{tls.Listen, simtls.Listen},
	} {
		if got, want := reflect.TypeOf(fn.sim).String(), mapped.Replace(reflect.TypeOf(fn.tls).String()); got != want {
			t.Errorf("simtls's function is %s, crypto/tls's %s", got, want)
		}
	}
}
