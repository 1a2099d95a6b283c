//go:build race

package simrt_test

// Under -race, a simulation must show the detector the program's own
// happens-before edges and nothing else: every racy program here is
// reported within a few seeds, at its own line, with a replay line that
// reports the same race again; every correctly synchronised one, covering
// each primitive, stays clean over 100 seeds. The programs run in a child
// process (the detector's report fails the test that holds it).

import (
	"context"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simatomic"
	"simgen.dev/simgen/simrt/simnet"
	"simgen.dev/simgen/simrt/simos"
)

// racyProgs are racy programs: each marks its racing accesses with a RACE comment.
var racyProgs = map[string]func(t *testing.T){
	"counter": func(t *testing.T) {
		var wg simrt.WaitGroup
		n := 0
		for i := 0; i < 2; i++ {
			wg.Add(1)
			simrt.Go(func() {
				defer wg.Done()
				n++ // RACE
			})
		}
		wg.Wait()
	},
	"map": func(t *testing.T) {
		var wg simrt.WaitGroup
		m := map[int]int{}
		for i := 0; i < 2; i++ {
			wg.Add(1)
			simrt.Go(func() {
				defer wg.Done()
				m[i] = i // RACE
			})
		}
		wg.Wait()
	},
	"flag": func(t *testing.T) {
		var data int
		var ready bool
		simrt.Go(func() {
			data = 42    // RACE
			ready = true // RACE
		})
		for !ready { // RACE
			simrt.Gosched()
		}
		_ = data // RACE
	},
	"lazyinit": func(t *testing.T) {
		type cfg struct{ v int }
		var mu simrt.Mutex
		var inst *cfg
		get := func() *cfg {
			if inst == nil { // RACE
				mu.Lock()
				if inst == nil {
					inst = &cfg{v: 1} // RACE
				}
				mu.Unlock()
			}
			return inst
		}
		done := simrt.MakeChan[int](2)
		for i := 0; i < 2; i++ {
			simrt.Go(func() { simrt.Send(done, get().v) }) // RACE
		}
		simrt.Recv(done)
		simrt.Recv(done)
	},
	"addinside": func(t *testing.T) {
		var wg simrt.WaitGroup
		total := 0
		simrt.Go(func() {
			wg.Add(1) // too late: Wait may have returned
			defer wg.Done()
			total = 1 // RACE
		})
		wg.Wait()
		_ = total // RACE
	},
	"selectdefault": func(t *testing.T) {
		c := simrt.MakeChan[int](1)
		x := 0
		simrt.Go(func() {
			x = 1 // RACE
			simrt.Send(c, 1)
		})
		for {
			r := simrt.OnRecv(c)
			if simrt.Select(true, r) == 0 {
				break
			}
			_ = x // RACE
			simrt.Gosched()
		}
	},
	"sendclose": func(t *testing.T) {
		// A send racing a close: chansend reads the channel, closechan
		// writes it.
		c := simrt.MakeChan[int](1)
		done := simrt.MakeChan[struct{}](0)
		simrt.Go(func() {
			defer simrt.Close(done)
			defer func() { _ = recover() }() // a send after the close panics
			simrt.Send(c, 1)                 // RACE
		})
		simrt.Close(c) // RACE
		simrt.Recv(done)
	},
	"nodes": func(t *testing.T) {
		// Two machines' goroutines share the host's memory.
		n := 0
		var wg simrt.WaitGroup
		for _, name := range []string{"a", "b"} {
			wg.Add(1)
			simrt.GoOn(simrt.NewNode(name), func() {
				defer wg.Done()
				n++ // RACE
			})
		}
		wg.Wait()
	},
	"dialaccept": func(t *testing.T) {
		// Dial and accept order nothing, as natively: only bytes do.
		x := 0
		ready := simrt.MakeChan[struct{}](0)
		done := simrt.MakeChan[struct{}](0)
		simrt.GoOn(simrt.NewNode("srv"), func() {
			l, err := simnet.Listen("tcp", ":80")
			if err != nil {
				panic(err)
			}
			simrt.Close(ready)
			c, err := l.Accept()
			if err != nil {
				panic(err)
			}
			_ = x // RACE
			c.Close()
			simrt.Close(done)
		})
		simrt.Recv(ready)
		x = 1 // RACE
		c, err := simnet.Dial("tcp", "srv:80")
		if err != nil {
			t.Fatal(err)
		}
		simrt.Recv(done)
		c.Close()
	},
	"writebuf": func(t *testing.T) {
		// A buffer handed to Write is read by it, as syscall.Write's
		// annotation reads it natively: refilling the buffer for the next
		// message while another goroutine still writes the previous one
		// races.
		ready := simrt.MakeChan[struct{}](0)
		simrt.GoOn(simrt.NewNode("srv"), func() {
			l, err := simnet.Listen("tcp", ":80")
			if err != nil {
				panic(err)
			}
			simrt.Close(ready)
			c, err := l.Accept()
			if err != nil {
				panic(err)
			}
			buf := make([]byte, 16)
			for {
				if _, err := c.Read(buf); err != nil {
					c.Close()
					return
				}
			}
		})
		simrt.Recv(ready)
		c, err := simnet.Dial("tcp", "srv:80")
		if err != nil {
			t.Fatal(err)
		}
		buf := []byte("first")
		done := simrt.MakeChan[struct{}](0)
		simrt.Go(func() {
			c.Write(buf) // RACE
			simrt.Close(done)
		})
		copy(buf, "again") // RACE
		simrt.Recv(done)
		c.Close()
	},
	"readbuf": func(t *testing.T) {
		// A buffer handed to Read is written by it, as syscall.Read's
		// annotation writes it natively (os.File's ReadAt, pread(2), too).
		id := simrt.NewNode("disk")
		done := simrt.MakeChan[struct{}](0)
		simrt.GoOn(id, func() {
			defer simrt.Close(done)
			if err := simos.WriteFile("/data", []byte("payload"), 0o644); err != nil {
				panic(err)
			}
			f, err := simos.Open("/data")
			if err != nil {
				panic(err)
			}
			defer f.Close()
			buf := make([]byte, 7)
			got := simrt.MakeChan[struct{}](0)
			simrt.Go(func() {
				f.ReadAt(buf, 0) // RACE
				simrt.Close(got)
			})
			_ = buf[0] // RACE
			simrt.Recv(got)
		})
		simrt.Recv(done)
	},
}

// cleanProgs are correctly synchronised programs: one or more for each primitive; none may be reported.
var cleanProgs = map[string]func(t *testing.T){
	"go": func(t *testing.T) {
		x := 1
		done := simrt.MakeChan[struct{}](0)
		simrt.Go(func() { x++; simrt.Close(done) })
		simrt.Recv(done)
		_ = x
	},
	"unbuffered": func(t *testing.T) {
		c := simrt.MakeChan[int](0)
		x, y := 0, 0
		simrt.Go(func() {
			x = 1
			simrt.Send(c, 1) // the send happens before the receive completes
			_ = y            // the receive happens before the send completes
		})
		y = 2
		simrt.Recv(c)
		_ = x
		simrt.Sleep(time.Millisecond)
	},
	"buffered": func(t *testing.T) {
		c := simrt.MakeChan[*int](4)
		simrt.Go(func() {
			for i := 0; i < 8; i++ {
				v := i
				simrt.Send(c, &v)
			}
		})
		for i := 0; i < 8; i++ {
			_ = *simrt.Recv(c)
		}
	},
	"semaphore": func(t *testing.T) {
		// The k-th receive happens before the (k+C)-th send completes.
		sem := simrt.MakeChan[struct{}](1)
		var wg simrt.WaitGroup
		n := 0
		for i := 0; i < 3; i++ {
			wg.Go(func() {
				simrt.Send(sem, struct{}{})
				n++
				simrt.Recv(sem)
			})
		}
		wg.Wait()
	},
	"semaphore2": func(t *testing.T) {
		// Capacity 2: two holders at once, each on its own counter.
		sem := simrt.MakeChan[int](2)
		var wg simrt.WaitGroup
		var mu [2]simrt.Mutex
		n := []int{0, 0}
		for i := 0; i < 6; i++ {
			wg.Go(func() {
				simrt.Send(sem, i)
				mu[i%2].Lock()
				n[i%2]++
				mu[i%2].Unlock()
				simrt.Recv(sem)
			})
		}
		wg.Wait()
	},
	"close": func(t *testing.T) {
		c := simrt.MakeChan[int](0)
		x := 0
		for i := 0; i < 3; i++ {
			simrt.Go(func() {
				if _, ok := simrt.Recv2(c); !ok {
					_ = x
				}
			})
		}
		x = 1
		simrt.Close(c)
		simrt.Sleep(time.Millisecond)
	},
	"select": func(t *testing.T) {
		a, b := simrt.MakeChan[int](0), simrt.MakeChan[int](1)
		x := 0
		simrt.Go(func() {
			x = 1
			simrt.Select(false, simrt.OnSend(a, 1), simrt.OnSend(b, 2))
		})
		r1, r2 := simrt.OnRecv(a), simrt.OnRecv(b)
		simrt.Select(false, r1, r2)
		_ = x
	},
	"mutex": func(t *testing.T) {
		var mu simrt.Mutex
		var wg simrt.WaitGroup
		n := 0
		for i := 0; i < 4; i++ {
			wg.Go(func() {
				mu.Lock()
				n++
				mu.Unlock()
				if mu.TryLock() {
					n++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		_ = n
	},
	"rwmutex": func(t *testing.T) {
		var mu simrt.RWMutex
		var wg simrt.WaitGroup
		m := map[int]int{}
		for i := 0; i < 4; i++ {
			wg.Go(func() {
				if i%2 == 0 {
					mu.Lock()
					m[i] = i
					mu.Unlock()
					return
				}
				mu.RLock()
				_ = m[0]
				mu.RUnlock()
			})
		}
		wg.Wait()
	},
	"once": func(t *testing.T) {
		var once simrt.Once
		var v *int
		val := simrt.OnceValue(func() int { return 7 })
		f := simrt.OnceFunc(func() {})
		var wg simrt.WaitGroup
		for i := 0; i < 3; i++ {
			wg.Go(func() {
				once.Do(func() { x := 1; v = &x })
				_ = *v + val()
				f()
			})
		}
		wg.Wait()
	},
	"cond": func(t *testing.T) {
		var mu simrt.Mutex
		c := simrt.NewCond(&mu)
		var queue []int
		simrt.Go(func() {
			for i := 0; i < 3; i++ {
				mu.Lock()
				queue = append(queue, i)
				mu.Unlock()
				c.Signal()
			}
		})
		got := 0
		mu.Lock()
		for got < 3 {
			for len(queue) == 0 {
				c.Wait()
			}
			queue = queue[1:]
			got++
		}
		mu.Unlock()
	},
	"syncmap": func(t *testing.T) {
		type rec struct{ a, b int }
		var m simrt.Map
		var wg simrt.WaitGroup
		for i := 0; i < 3; i++ {
			wg.Go(func() {
				m.Store(i, &rec{a: i, b: i})
				if v, ok := m.Load((i + 1) % 3); ok {
					_ = v.(*rec).a
				}
				m.Range(func(k, v any) bool { _ = v.(*rec).b; return true })
			})
		}
		wg.Wait()
	},
	"atomic": func(t *testing.T) {
		var ready int32
		data := 0
		simrt.Go(func() {
			data = 42
			simatomic.StoreInt32(&ready, 1)
		})
		for simatomic.LoadInt32(&ready) == 0 {
			simrt.Gosched()
		}
		_ = data
	},
	"context": func(t *testing.T) {
		ctx, cancel := simrt.WithCancel(context.Background())
		x := 0
		done := simrt.MakeChan[struct{}](0)
		simrt.Go(func() {
			simrt.Recv(simrt.NativeRecv(ctx.Done()))
			_ = x
			simrt.Close(done)
		})
		x = 1
		cancel()
		simrt.Recv(done)
	},
	"deadline": func(t *testing.T) {
		x := 1
		ctx, cancel := simrt.WithTimeout(context.Background(), time.Second)
		defer cancel()
		done := simrt.MakeChan[struct{}](0)
		simrt.Go(func() {
			simrt.Recv(simrt.NativeRecv(ctx.Done()))
			_ = x
			simrt.Close(done)
		})
		simrt.Recv(done)
	},
	"afterfunc": func(t *testing.T) {
		x := 0
		done := simrt.MakeChan[struct{}](0)
		simrt.Go(func() {
			x = 1
			simrt.AfterFunc(time.Millisecond, func() { x++; simrt.Close(done) })
		})
		simrt.Recv(done)
		_ = x
	},
	"timerchan": func(t *testing.T) {
		x := 0
		c := simrt.MakeChan[*simrt.Timer](1)
		simrt.Go(func() {
			x = 1
			simrt.Send(c, simrt.NewTimer(time.Millisecond))
		})
		tm := simrt.Recv(c)
		simrt.Recv(tm.C)
		_ = x
	},
	"simnet": func(t *testing.T) {
		// The write of bytes happens before the read that returns them.
		x := 0
		ready := simrt.MakeChan[struct{}](0)
		done := simrt.MakeChan[struct{}](0)
		simrt.GoOn(simrt.NewNode("srv"), func() {
			defer simrt.Close(done)
			l, err := simnet.Listen("tcp", ":80")
			if err != nil {
				panic(err)
			}
			simrt.Close(ready)
			c, err := l.Accept()
			if err != nil {
				panic(err)
			}
			defer c.Close()
			buf := make([]byte, 1)
			if _, err := c.Read(buf); err != nil {
				panic(err)
			}
			_ = x
			x = 2
			c.Write([]byte{'k'})
		})
		simrt.Recv(ready)
		c, err := simnet.Dial("tcp", "srv:80")
		if err != nil {
			t.Fatal(err)
		}
		x = 1
		c.Write([]byte{'x'})
		buf := make([]byte, 1)
		c.Read(buf)
		_ = x
		simrt.Recv(done)
		c.Close()
	},
	"simos": func(t *testing.T) {
		// A write to a file happens before the read that sees it.
		x := 0
		var wg simrt.WaitGroup
		id := simrt.NewNode("disk")
		wg.Add(2)
		simrt.GoOn(id, func() {
			defer wg.Done()
			x = 1
			if err := simos.WriteFile("/flag", []byte("up"), 0o644); err != nil {
				panic(err)
			}
		})
		simrt.GoOn(id, func() {
			defer wg.Done()
			for {
				if b, err := simos.ReadFile("/flag"); err == nil && len(b) > 0 {
					_ = x
					return
				}
				simrt.Sleep(time.Millisecond)
			}
		})
		wg.Wait()
	},
	"buffers": func(t *testing.T) {
		// A buffer handed to Write is free again once Write returns, and a
		// buffer Read filled is handed on through a channel: the fixes of
		// writebuf and readbuf.
		ready := simrt.MakeChan[struct{}](0)
		got := simrt.MakeChan[[]byte](0)
		simrt.GoOn(simrt.NewNode("srv"), func() {
			l, err := simnet.Listen("tcp", ":80")
			if err != nil {
				panic(err)
			}
			simrt.Close(ready)
			c, err := l.Accept()
			if err != nil {
				panic(err)
			}
			defer c.Close()
			for {
				buf := make([]byte, 5)
				if _, err := io.ReadFull(c, buf); err != nil {
					simrt.Close(got)
					return
				}
				simrt.Send(got, buf)
			}
		})
		simrt.Recv(ready)
		c, err := simnet.Dial("tcp", "srv:80")
		if err != nil {
			t.Fatal(err)
		}
		buf := []byte("first")
		var wg simrt.WaitGroup
		wg.Go(func() { c.Write(buf) })
		wg.Wait()
		copy(buf, "again")
		c.Write(buf)
		simrt.Recv(got)[0] = 'F'
		simrt.Recv(got)[0] = 'A'
		c.Close()
		simrt.Recv(got)
	},
	"restart": func(t *testing.T) {
		// A crash comes after all its node did; a restart is a go
		// statement: incarnations of a node's main do not race.
		state := 0
		id := simrt.NewNode("db")
		never := simrt.MakeChan[struct{}](0)
		main := func() { // a server: it runs until its machine crashes
			state++
			simrt.Sleep(time.Millisecond)
			state++
			simrt.Recv(never)
		}
		for i := 0; i < 3; i++ {
			simrt.GoOn(id, main)
			simrt.Sleep(time.Duration(i) * 500 * time.Microsecond)
			simrt.Crash(id)
		}
		_ = state
	},
	"sendthenclose": func(t *testing.T) {
		// The send happens before the close: the fix of sendclose.
		c := simrt.MakeChan[int](1)
		var wg simrt.WaitGroup
		wg.Go(func() {
			simrt.Select(false, simrt.OnSend(c, 1))
		})
		wg.Wait()
		simrt.Close(c)
		simrt.Recv(c)
	},
	"sleep": func(t *testing.T) {
		// Sleeping orders nothing, but distinct variables never race.
		a, b := 0, 0
		var wg simrt.WaitGroup
		wg.Go(func() { simrt.Sleep(time.Millisecond); a++ })
		wg.Go(func() { simrt.Sleep(time.Millisecond); b++ })
		wg.Wait()
		_, _ = a, b
	},
}

// TestRaceProgram is the child: it runs the program SIMRT_RACE_PROGRAM names
// (kind/name), or every program of a kind for "kind/".
func TestRaceProgram(t *testing.T) {
	sel := os.Getenv("SIMRT_RACE_PROGRAM")
	if sel == "" {
		t.Skip("run by TestRaceReported and TestRaceClean")
	}
	kind, name, _ := strings.Cut(sel, "/")
	progs := racyProgs
	if kind == "clean" {
		progs = cleanProgs
	}
	for n, p := range progs {
		if name == "" || n == name {
			t.Run(n, func(t *testing.T) { simrt.Test(t, p) })
		}
	}
}

// runChild runs TestRaceProgram for sel with the environment env.
func runChild(t *testing.T, sel string, env ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRaceProgram$", "-test.count=1")
	cmd.Env = append(os.Environ(), append([]string{"SIMRT_RACE_PROGRAM=" + sel, "SIM_RACE=on"}, env...)...)
	out, _ := cmd.CombinedOutput()
	return string(out)
}

// raceLines is the set of lines of this file marked RACE.
func raceLines(t *testing.T) map[int]bool {
	_, file, _, _ := runtime.Caller(0)
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := map[int]bool{}
	for i, l := range strings.Split(string(src), "\n") {
		if strings.HasSuffix(l, "// RACE") {
			lines[i+1] = true
		}
	}
	return lines
}

var (
	accessRe    = regexp.MustCompile(`(?m)^(?:Previous )?(?:[Ww]rite|[Rr]ead) at 0x[0-9a-f]+ by goroutine \d+:\n  (\S+)\n\s+(\S+):(\d+)`)
	replayRe    = regexp.MustCompile(`simrt: replay with: SIM_SEED=(\d+) (?:SIM_RACE=on )?go test .* -race `)
	addressRe   = regexp.MustCompile(`0x[0-9a-f]+`)
	goroutineRe = regexp.MustCompile(`[Gg]oroutine \d+`)
)

// reports returns the DATA RACE blocks of out, addresses blanked.
func reports(out string) []string {
	var rs []string
	for _, b := range strings.Split(out, "==================\n")[1:] {
		if strings.HasPrefix(b, "WARNING: DATA RACE") {
			rs = append(rs, addressRe.ReplaceAllString(b, "0x?"))
		}
	}
	return rs
}

func TestRaceReported(t *testing.T) {
	marked := raceLines(t)
	for name := range racyProgs {
		t.Run(name, func(t *testing.T) {
			out := runChild(t, "racy/"+name, "SIM_SEEDS=10")
			for _, want := range []string{"WARNING: DATA RACE", "race detected during execution of test"} {
				if !strings.Contains(out, want) {
					t.Fatalf("no %q in:\n%s", want, out)
				}
			}
			accesses := accessRe.FindAllStringSubmatch(out, -1)
			if len(accesses) == 0 {
				t.Fatalf("no access in:\n%s", out)
			}
			for _, a := range accesses {
				fn, file, line := a[1], a[2], a[3]
				if strings.HasPrefix(fn, "simgen.dev/simgen/simrt.") {
					t.Errorf("the racing access is simrt's own (%s at %s:%s):\n%s", fn, file, line, out)
				}
				n, _ := strconv.Atoi(line)
				if strings.HasSuffix(file, "race_test.go") && !marked[n] {
					t.Errorf("access reported at unmarked line %s:%s:\n%s", file, line, out)
				}
			}
			m := replayRe.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("no replay line with -race in:\n%s", out)
			}
			// The replay reports the race again; two replays report it
			// byte for byte alike, addresses aside. (Goroutine numbers
			// differ from the exploring run's, which ran earlier seeds.)
			replay := strings.Join(reports(runChild(t, "racy/"+name, "SIM_SEED="+m[1])), "")
			again := strings.Join(reports(runChild(t, "racy/"+name, "SIM_SEED="+m[1])), "")
			if replay == "" || replay != again {
				t.Errorf("seed %s reports differently when replayed:\n%s\n---- again:\n%s", m[1], replay, again)
			}
			first := goroutineRe.ReplaceAllString(strings.Join(reports(out), ""), "goroutine N")
			if r := goroutineRe.ReplaceAllString(replay, "goroutine N"); first != r {
				t.Errorf("seed %s reports another race when replayed:\n%s\n---- replay:\n%s", m[1], first, r)
			}
		})
	}
}

func TestRaceClean(t *testing.T) {
	seeds := "100"
	if testing.Short() {
		seeds = "20"
	}
	for name := range cleanProgs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out := runChild(t, "clean/"+name, "SIM_SEEDS="+seeds)
			if strings.Contains(out, "DATA RACE") || !strings.Contains(out, "\nok") && !strings.Contains(out, "PASS") {
				t.Errorf("a correctly synchronised program failed under -race:\n%s", out)
			}
		})
	}
}

// SIM_TRACE works under -race: the tracer's state stays out of the
// detector's sight, correct programs stay clean, racy ones are reported.
func TestRaceTrace(t *testing.T) {
	for _, name := range []string{"clean/unbuffered", "clean/simnet", "clean/select"} {
		out := runChild(t, name, "SIM_SEEDS=20", "SIM_TRACE=1")
		if strings.Contains(out, "DATA RACE") || !strings.Contains(out, "spawn") {
			t.Errorf("%s under SIM_TRACE: a report, or no trace:\n%s", name, out)
		}
	}
	out := runChild(t, "racy/counter", "SIM_SEEDS=10", "SIM_TRACE=1")
	if !strings.Contains(out, "WARNING: DATA RACE") || !replayRe.MatchString(out) {
		t.Errorf("racy/counter under SIM_TRACE: no report with a replay line:\n%s", out)
	}
}
