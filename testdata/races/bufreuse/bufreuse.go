// Package bufreuse: a client that sends length-prefixed messages on a
// connection without waiting for the network. Each message is encoded
// into one buffer that the sender reuses, and written by a goroutine of
// its own.
package bufreuse

import (
	"io"
	"net"
	"sync"
)

// Sender sends messages on a connection.
type Sender struct {
	conn  net.Conn
	buf   []byte
	wg    sync.WaitGroup
	fresh bool // encode each message into a buffer of its own
}

// Send encodes msg and writes it in the background.
func (s *Sender) Send(msg string) {
	var b []byte
	if s.fresh {
		b = make([]byte, 0, 1+len(msg))
	} else {
		b = s.buf[:0] // reused while the previous write may still read it
	}
	b = append(b, byte(len(msg)))
	b = append(b, msg...)
	s.buf = b
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.conn.Write(b)
	}()
}

// Close waits for the writes and closes the connection.
func (s *Sender) Close() error {
	s.wg.Wait()
	return s.conn.Close()
}

// run sends msgs to a server on the loopback interface and returns the
// number of bytes it received.
func run(fresh bool, msgs ...string) (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	got := make(chan int, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			got <- 0
			return
		}
		defer c.Close()
		n, _ := io.Copy(io.Discard, c)
		got <- int(n)
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		return 0, err
	}
	s := &Sender{conn: c, buf: make([]byte, 0, 64), fresh: fresh}
	for _, m := range msgs {
		s.Send(m)
	}
	if err := s.Close(); err != nil {
		return 0, err
	}
	return <-got, nil
}

// Bug reuses one buffer for every message.
func Bug() (int, error) { return run(false, "hello", "world") }

// Fixed encodes each message into a buffer of its own.
func Fixed() (int, error) { return run(true, "hello", "world") }
