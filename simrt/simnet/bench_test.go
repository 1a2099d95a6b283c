package simnet_test

import (
	"io"
	"net"
	"testing"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simnet"
)

// BenchmarkLoopbackEcho: a 4 KiB round trip over a node's loopback, with
// its native twin.
func BenchmarkLoopbackEcho(b *testing.B) {
	simrt.Benchmark(b, func(b *testing.B) {
		l := listen(b, "127.0.0.1:0")
		done := simrt.MakeChan[struct{}](0)
		simrt.Go(func() { serveEcho(l); simrt.Close(done) })
		c, err := simnet.Dial("tcp", l.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		echo(b, c)
		c.Close()
		l.Close()
		simrt.Recv(done)
	})
}

func BenchmarkLoopbackEchoNative(b *testing.B) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Skip(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err == nil {
			io.Copy(c, c)
		}
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	echo(b, c)
}

func echo(b *testing.B, c net.Conn) {
	buf := make([]byte, 4096)
	b.SetBytes(int64(len(buf)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Write(buf)
		io.ReadFull(c, buf)
	}
}
