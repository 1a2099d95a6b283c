//go:build sim

package bufreuse

import "testing"

// Bug: a buffer reused for the next message while a goroutine still writes the previous one to the connection.
// Interleaving: the second Send encodes into the buffer before the first message's goroutine has written it (conn.Write reads it, as syscall.Write records).
func TestBug(t *testing.T) {
	if _, err := Bug(); err != nil {
		t.Fatal(err)
	}
}

func TestFixed(t *testing.T) {
	n, err := Fixed()
	if err != nil {
		t.Fatal(err)
	}
	if n != 12 {
		t.Errorf("the server got %d bytes, want 12", n)
	}
}
