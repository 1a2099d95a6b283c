package simos_test

// This file tests routing: a node's disk over the host's files (read
// through, copied up, never written back), the host's passthrough, FromOS
// identity, walks, and file operations as scheduling points.

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simos"
)

// TestOverlayReadThrough: a node reads the host's testdata (by a path
// relative to the package directory) and a t.TempDir the test filled;
// its writes and removals stay on the node, and the host's later changes
// do not show through a file the node has copied up.
func TestOverlayReadThrough(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		must(t, os.WriteFile(filepath.Join(dir, "host.txt"), []byte("host v1"), 0o644))
		must(t, os.Mkdir(filepath.Join(dir, "hostdir"), 0o755))
		n := simrt.NewNode("over")
		runOn(n, func() {
			b, err := simos.ReadFile("testdata/hello.txt")
			if string(b) != "hello from testdata\n" || err != nil {
				t.Errorf("testdata through the overlay: %q %v", b, err)
			}
			b, err = simos.ReadFile(filepath.Join(dir, "host.txt"))
			if string(b) != "host v1" || err != nil {
				t.Errorf("t.TempDir through the overlay: %q %v", b, err)
			}
			f, err := simos.OpenFile(filepath.Join(dir, "host.txt"), os.O_WRONLY|os.O_APPEND, 0)
			must(t, err)
			f.WriteString(", node")
			f.Close()
			must(t, simos.WriteFile(filepath.Join(dir, "hostdir/new"), []byte("n"), 0o644))
			must(t, simos.Remove(filepath.Join(dir, "hostdir/new")))
			must(t, simos.Remove(filepath.Join(dir, "hostdir")))
			must(t, simos.Rename("testdata/hello.txt", "testdata/moved.txt"))
		})
		if b, _ := os.ReadFile(filepath.Join(dir, "host.txt")); string(b) != "host v1" {
			t.Errorf("the node's write reached the host: %q", b)
		}
		if _, err := os.Stat(filepath.Join(dir, "hostdir")); err != nil {
			t.Errorf("the node's removal reached the host: %v", err)
		}
		if _, err := os.Stat("testdata/hello.txt"); err != nil {
			t.Errorf("the node's rename reached the host: %v", err)
		}
		must(t, os.WriteFile(filepath.Join(dir, "host.txt"), []byte("host v2"), 0o644))
		runOn(n, func() {
			b, _ := simos.ReadFile(filepath.Join(dir, "host.txt"))
			if string(b) != "host v1, node" {
				t.Errorf("the node's copy: %q", b)
			}
			if _, err := simos.Stat(filepath.Join(dir, "hostdir")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a removed host directory: %v", err)
			}
			if _, err := simos.Stat("testdata/hello.txt"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a renamed host file: %v", err)
			}
			if b, _ := simos.ReadFile("testdata/moved.txt"); string(b) != "hello from testdata\n" {
				t.Errorf("the renamed host file: %q", b)
			}
		})
		// Another node sees the host, not the first node.
		runOn(simrt.NewNode("other"), func() {
			b, _ := simos.ReadFile(filepath.Join(dir, "host.txt"))
			if string(b) != "host v2" {
				t.Errorf("another node: %q", b)
			}
		})
	})
}

// TestOverlayDevices: a node opens the host's devices for real.
func TestOverlayDevices(t *testing.T) {
	if _, err := os.Stat(os.DevNull); err != nil {
		t.Skip(err)
	}
	simrt.Test(t, func(t *testing.T) {
		n := simrt.NewNode("dev")
		var f *simos.File
		runOn(n, func() {
			var err error
			f, err = simos.OpenFile(os.DevNull, os.O_WRONLY, 0)
			must(t, err)
			if f.OS() == nil || simos.FromOS(f.OS()) != f {
				t.Errorf("%s on a node is not the real device", os.DevNull)
			}
			if _, err := f.WriteString("discarded"); err != nil {
				t.Error(err)
			}
		})
		simrt.Crash(n)
		if _, err := f.WriteString("x"); !errors.Is(err, os.ErrClosed) {
			t.Errorf("a device stays open after its node crashed: %v", err)
		}
	})
}

// TestWalkOrder: Walk and WalkDir visit a node's merged tree (the host's
// files and the node's own) in lexical order, without the node's removals.
func TestWalkOrder(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		runOn(simrt.NewNode("walker"), func() {
			must(t, simos.WriteFile("testdata/tree/m.txt", nil, 0o644))
			must(t, simos.Mkdir("testdata/tree/sub/c", 0o755))
			must(t, simos.WriteFile("testdata/tree/0.txt", nil, 0o644))
			must(t, simos.Remove("testdata/tree/z.txt"))
			var walked, walkedDir []string
			simos.Walk("testdata/tree", func(path string, fi fs.FileInfo, err error) error {
				walked = append(walked, path)
				return err
			})
			simos.WalkDir("testdata/tree", func(path string, d fs.DirEntry, err error) error {
				walkedDir = append(walkedDir, path)
				return err
			})
			want := "testdata/tree testdata/tree/0.txt testdata/tree/b.txt testdata/tree/m.txt " +
				"testdata/tree/sub testdata/tree/sub/a.txt testdata/tree/sub/c"
			if got := strings.Join(walked, " "); got != want {
				t.Errorf("Walk:\n got %s\nwant %s", got, want)
			}
			if got := strings.Join(walkedDir, " "); got != want {
				t.Errorf("WalkDir:\n got %s\nwant %s", got, want)
			}
			infos, err := simos.IoutilReadDir("testdata/tree")
			var names []string
			for _, fi := range infos {
				names = append(names, fi.Name())
			}
			if strings.Join(names, " ") != "0.txt b.txt m.txt sub" || err != nil {
				t.Errorf("IoutilReadDir: %v %v", names, err)
			}
		})
	})
}

// TestHostPassthrough: on the host, in a run and outside one, simos is
// os: real files, wrapped.
func TestHostPassthrough(t *testing.T) {
	check := func(t *testing.T) {
		dir := t.TempDir()
		name := filepath.Join(dir, "real")
		f, err := simos.Create(name)
		must(t, err)
		if f.OS() == nil {
			t.Fatalf("a host file has no *os.File")
		}
		f.WriteString("real bytes")
		must(t, f.Close())
		if b, _ := os.ReadFile(name); string(b) != "real bytes" {
			t.Errorf("os sees %q", b)
		}
		td, err := simos.TempDir(dir, "x")
		must(t, err)
		if fi, err := os.Stat(td); err != nil || !fi.IsDir() {
			t.Errorf("TempDir on the host: %v", err)
		}
		tf, err := simos.TempFile(td, "y")
		must(t, err)
		tf.Close()
		if _, err := os.Stat(tf.Name()); err != nil {
			t.Errorf("TempFile on the host: %v", err)
		}
		if f, err := simos.Open(filepath.Join(dir, "missing")); f != nil || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open missing on the host: %v %v", f, err)
		}
	}
	t.Run("outside", check)
	simrt.Test(t, func(t *testing.T) { check(t) })
}

// TestFromOS: one *File per *os.File, nil for nil, OS() both ways.
func TestFromOS(t *testing.T) {
	if simos.FromOS(nil) != nil {
		t.Errorf("FromOS(nil) != nil")
	}
	var nilFile *simos.File
	if nilFile.OS() != nil || nilFile.Close() != os.ErrInvalid {
		t.Errorf("nil *File")
	}
	if a, b := simos.FromOS(os.Stdout), simos.FromOS(os.Stdout); a != b || a.OS() != os.Stdout {
		t.Errorf("FromOS(os.Stdout) is not one *File")
	}
	r, w, err := os.Pipe()
	must(t, err)
	defer r.Close()
	sw := simos.FromOS(w)
	if sw.Name() != w.Name() || sw.Fd() != w.Fd() {
		t.Errorf("wrapped file: %s %d", sw.Name(), sw.Fd())
	}
	sw.WriteString("through the pipe")
	must(t, sw.Close())
	b := make([]byte, 64)
	k, _ := r.Read(b)
	if string(b[:k]) != "through the pipe" {
		t.Errorf("pipe: %q", b[:k])
	}
	simrt.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		runOn(simrt.NewNode("mem"), func() {
			f, err := simos.Create(filepath.Join(dir, "m"))
			must(t, err)
			if f.OS() != nil || f.Fd() != ^uintptr(0) {
				t.Errorf("a node's file has an *os.File or a descriptor")
			}
			if _, err := f.SyscallConn(); !errors.Is(err, errors.ErrUnsupported) {
				t.Errorf("SyscallConn: %v", err)
			}
			if err := f.SetDeadline(simrt.Now()); err != os.ErrNoDeadline {
				t.Errorf("SetDeadline: %v", err)
			}
			fi1, _ := f.Stat()
			fi2, _ := simos.Stat(filepath.Join(dir, "m"))
			fi3, _ := simos.Stat(dir)
			if !simos.SameFile(fi1, fi2) || simos.SameFile(fi1, fi3) {
				t.Errorf("SameFile")
			}
		})
	})
}

// TestWritesInterleave: writes are scheduling points, so two goroutines
// appending to one file interleave. The random strategy shows it (PCT
// runs one goroutine until it blocks), so this runs in a child process
// under SIM_STRATEGY=random.
func TestWritesInterleave(t *testing.T) {
	if out, err := runChild(t, "TestWritesInterleaveChild", "SIM_STRATEGY=random", "SIM_SEEDS=3"); err != nil {
		t.Errorf("child: %v\n%s", err, out)
	}
}

// TestWritesInterleaveChild is TestWritesInterleave's body.
func TestWritesInterleaveChild(t *testing.T) {
	if os.Getenv("SIMOS_CHILD") == "" {
		t.Skip("run by TestWritesInterleave")
	}
	simrt.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		name := filepath.Join(dir, "shared")
		n := simrt.NewNode("inter")
		done := simrt.MakeChan[struct{}](2)
		for _, c := range []string{"a", "b"} {
			c := c
			simrt.GoOn(n, func() {
				f, err := simos.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
				must(t, err)
				for i := 0; i < 50; i++ {
					f.WriteString(c)
				}
				f.Close()
				simrt.Send(done, struct{}{})
			})
		}
		simrt.Recv(done)
		simrt.Recv(done)
		runOn(n, func() {
			b, _ := simos.ReadFile(name)
			s := string(b)
			if len(s) != 100 || strings.Count(s, "a") != 50 {
				t.Fatalf("content %q", s)
			}
			if s == strings.Repeat("a", 50)+strings.Repeat("b", 50) || s == strings.Repeat("b", 50)+strings.Repeat("a", 50) {
				t.Errorf("writes did not interleave: %q", s)
			}
		})
	})
}

// TestMethodSet: *File has every method of *os.File, with the same
// signature (*File for *os.File).
func TestMethodSet(t *testing.T) {
	osT, simT := reflect.TypeOf((*os.File)(nil)), reflect.TypeOf((*simos.File)(nil))
	sig := func(m reflect.Method) string {
		return strings.ReplaceAll(m.Type.String(), "*simos.File", "*os.File")
	}
	for i := 0; i < osT.NumMethod(); i++ {
		m := osT.Method(i)
		sm, ok := simT.MethodByName(m.Name)
		if !ok {
			t.Errorf("*File has no method %s", m.Name)
		} else if sig(sm) != sig(m) {
			t.Errorf("%s: %s, want %s", m.Name, sig(sm), sig(m))
		}
	}
}
