//go:build sim

package sim_test

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"simgen.dev/simgen/sim"
	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simnet"
	"simgen.dev/simgen/simrt/simos"
)

// serve answers every line on :7000 with the node's boot count and the line.
func serve(boots func() int) func() {
	return func() {
		ln, err := simnet.Listen("tcp", ":7000")
		if err != nil {
			panic(err)
		}
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			simrt.Go(func() {
				defer c.Close()
				line, err := bufio.NewReader(c).ReadString('\n')
				if err != nil {
					return
				}
				fmt.Fprintf(c, "%d %s", boots(), line)
			})
		}
	}
}

func ask(addr, msg string) (string, error) {
	c, err := simnet.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(simrt.Now().Add(time.Second))
	fmt.Fprintf(c, "%s\n", msg)
	return bufio.NewReader(c).ReadString('\n')
}

func TestNodesCrashAndRestart(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		if !sim.Enabled() {
			t.Fatal("Enabled is false in a simulated run")
		}
		var a *sim.Node
		a = sim.NewNode("a", serve(func() int { return a.Boots() }))
		if a.Addr() != "10.0.0.1" || a.Name() != "a" || a.Alive() {
			t.Fatalf("a new node: %s %s alive=%v", a.Name(), a.Addr(), a.Alive())
		}
		a.Start()
		a.Start() // up already: nothing
		if got, err := ask("a:7000", "hi"); err != nil || got != "1 hi\n" {
			t.Fatalf("first boot: %q, %v", got, err)
		}
		a.Crash()
		if _, err := ask("a:7000", "hi"); err == nil {
			t.Fatalf("a crashed node answered")
		}
		a.Restart()
		if got, err := ask(a.Addr()+":7000", "again"); err != nil || got != "2 again\n" {
			t.Fatalf("after restart: %q, %v", got, err)
		}
	})
}

func TestPartitionAndHeal(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		a := sim.NewNode("a", serve(func() int { return 1 }))
		b := sim.NewNode("b", nil)
		a.Start()
		b.Start()
		reply := func() error {
			errc := simrt.MakeChan[error](1)
			b.Go(func() {
				_, err := ask("a:7000", "x")
				simrt.Send(errc, err)
			})
			return simrt.Recv(errc)
		}
		if err := reply(); err != nil {
			t.Fatalf("before the partition: %v", err)
		}
		sim.Partition([]*sim.Node{a}, []*sim.Node{b})
		err := reply()
		if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
			t.Fatalf("across a partition: %v, want a timeout", err)
		}
		// The test's own goroutines were named in no group: still reachable.
		if _, err := ask("a:7000", "host"); err != nil {
			t.Fatalf("host to a during the partition: %v", err)
		}
		sim.Heal()
		if err := reply(); err != nil {
			t.Fatalf("after Heal: %v", err)
		}
		sim.Isolate(a)
		if _, err := ask("a:7000", "host"); err == nil {
			t.Fatalf("an isolated node answered the host")
		}
		sim.Heal()
	})
}

func TestLinkLatency(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		a := sim.NewNode("a", serve(func() int { return 1 }))
		a.Start()
		sim.SetLinks(sim.Link{MinLatency: 10 * time.Millisecond, MaxLatency: 10 * time.Millisecond})
		start := simrt.Now()
		if _, err := ask("a:7000", "x"); err != nil {
			t.Fatal(err)
		}
		// Handshake, request and reply: at least three one-way trips.
		if d := simrt.Since(start); d < 30*time.Millisecond {
			t.Errorf("a round trip over 10ms links took %v", d)
		}
	})
}

func TestSwarmWithinRanges(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		c := sim.SwarmConfig{
			Latency:    sim.DurationRange{Min: time.Millisecond, Max: 5 * time.Millisecond},
			Loss:       sim.Range{Min: 0.1, Max: 0.2},
			CrashEvery: sim.DurationRange{Min: time.Second, Max: 2 * time.Second},
		}
		for i := 0; i < 50; i++ {
			w := sim.Swarm(c)
			if w.Link.MaxLatency < time.Millisecond || w.Link.MaxLatency > 5*time.Millisecond ||
				w.Link.Loss < 0.1 || w.Link.Loss > 0.2 ||
				w.CrashEvery < time.Second || w.CrashEvery > 2*time.Second || w.PartitionEvery != 0 {
				t.Fatalf("weather out of its ranges: %v", w)
			}
		}
	})
}

// TestNemesisTranscript plays a nemesis for a virtual minute and logs
// what it did; TestDeterministicFaults compares two runs of it.
func TestNemesisTranscript(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var nodes []*sim.Node
		for i := 0; i < 5; i++ {
			nodes = append(nodes, sim.NewNode(fmt.Sprint("n", i), func() { simrt.Sleep(time.Hour) }))
			nodes[i].Start()
		}
		w := sim.Swarm(sim.SwarmConfig{
			PartitionEvery: sim.DurationRange{Min: time.Second, Max: 3 * time.Second},
			PartitionFor:   sim.DurationRange{Min: 100 * time.Millisecond, Max: time.Second},
			CrashEvery:     sim.DurationRange{Min: 500 * time.Millisecond, Max: 2 * time.Second},
			DownFor:        sim.DurationRange{Min: 100 * time.Millisecond, Max: time.Second},
		})
		stop := sim.Nemesis(w, nodes...)
		fired := 0
		var trace []string
		for i := 0; i < 600; i++ {
			simrt.Sleep(100 * time.Millisecond)
			down := 0
			var st []string
			for _, n := range nodes {
				if !n.Alive() {
					down++
				}
				st = append(st, fmt.Sprint(n.Boots()))
			}
			if down > 2 {
				t.Fatalf("%d of 5 nodes down at once", down)
			}
			if sim.Buggify() {
				fired++
			}
			trace = append(trace, strings.Join(st, ""))
		}
		stop()
		boots := 0
		for _, n := range nodes {
			if !n.Alive() {
				t.Errorf("%s is down after stop", n.Name())
			}
			boots += n.Boots()
		}
		if boots <= 5 {
			t.Errorf("no crash in a virtual minute of %v", w)
		}
		t.Logf("transcript: %s buggify=%d", strings.Join(trace, " "), fired)
	})
}

func TestDeterministicFaults(t *testing.T) {
	if os.Getenv("SIM_SEED") != "" {
		t.Skip("a child run")
	}
	run := func(seed string) string {
		cmd := exec.Command(os.Args[0], "-test.run=^TestNemesisTranscript$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "SIM_SEED="+seed)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("seed %s: %v\n%s", seed, err, out)
		}
		for _, l := range strings.Split(string(out), "\n") {
			if i := strings.Index(l, "transcript: "); i >= 0 {
				return l[i:]
			}
		}
		t.Fatalf("no transcript in\n%s", out)
		return ""
	}
	a, b, c := run("7"), run("7"), run("8")
	if a != b {
		t.Errorf("seed 7 gave two transcripts:\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("seeds 7 and 8 gave the same transcript")
	}
}

func TestDiskFaults(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		n := sim.NewNode("d", nil)
		n.SetDiskFaults(sim.DiskFaults{WriteErrRate: 1})
		errc := simrt.MakeChan[error](1)
		n.Go(func() {
			f, err := simos.Create("/data.log")
			if err != nil {
				simrt.Send(errc, err)
				return
			}
			_, err = f.Write([]byte("x"))
			simrt.Send(errc, err)
		})
		err := simrt.Recv(errc)
		if !errors.Is(err, syscall.EIO) || err.Error() != "write /data.log: input/output error" {
			t.Fatalf("a write at rate 1: %v", err)
		}
	})
}

func TestBuggifyOutsideSimIsFalse(t *testing.T) {
	for i := 0; i < 100; i++ {
		if sim.Buggify() {
			t.Fatal("Buggify fired outside a simulated run")
		}
	}
}

func TestBuggifyModes(t *testing.T) {
	if mode := os.Getenv("SIM_BUGGIFY"); mode != "" {
		simrt.Test(t, func(t *testing.T) {
			fired := 0
			for i := 0; i < 1000; i++ {
				if sim.Buggify() {
					fired++
				}
			}
			t.Logf("fired %d", fired)
		})
		return
	}
	run := func(mode string) string {
		cmd := exec.Command(os.Args[0], "-test.run=^TestBuggifyModes$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "SIM_BUGGIFY="+mode, "SIM_SEED=3")
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	if out := run("off"); !strings.Contains(out, "fired 0\n") {
		t.Errorf("SIM_BUGGIFY=off:\n%s", out)
	}
	// Enabled for sure, firing with probability 1/4: about 250 of 1000.
	out := run("on")
	var n int
	if i := strings.Index(out, "fired "); i < 0 {
		t.Fatalf("SIM_BUGGIFY=on:\n%s", out)
	} else if fmt.Sscan(out[i+len("fired "):], &n); n < 150 || n > 350 {
		t.Errorf("SIM_BUGGIFY=on fired %d of 1000 times", n)
	}
	if out := run("maybe"); !strings.Contains(out, `sim: SIM_BUGGIFY="maybe": want on or off`) {
		t.Errorf("SIM_BUGGIFY=maybe:\n%s", out)
	}
}
