package simnet_test

// Determinism across processes: the same seed gives the same transcript
// of network events (times, addresses, data, errors, faults), another
// seed another one; and every test of the package passes
// SIM_CHECK_DETERMINISM. The seed is set through the environment, so each
// run is a child process of the test binary.

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simnet"
)

// transcript runs a small cluster through latency, datagram faults, a
// partition and a crash, and notes what each side saw and when.
func transcript(t *testing.T) []string {
	var out []string
	start := simrt.Now()
	note := func(format string, args ...any) {
		out = append(out, fmt.Sprintf("%v %s", simrt.Since(start), fmt.Sprintf(format, args...)))
	}
	simnet.SetDefaultLink(simnet.Link{MinLatency: time.Millisecond, MaxLatency: 5 * time.Millisecond, Loss: 0.2, Duplicate: 0.1, Reorder: 0.1})
	srv, stop := startEcho(t, -1, "srv", "7")
	var pc net.PacketConn
	up := simrt.MakeChan[struct{}](0)
	_, wu := run("udp", func() {
		pc, _ = simnet.ListenPacket("udp", ":9")
		simrt.Close(up)
		b := make([]byte, 8)
		for {
			n, from, err := pc.ReadFrom(b)
			if err != nil {
				return
			}
			note("udp %q from %v", b[:n], from)
		}
	})
	simrt.Recv(up)
	var w simrt.WaitGroup
	for i := 0; i < 3; i++ {
		i := i
		w.Add(1)
		simrt.GoOn(simrt.NewNode(fmt.Sprint("c", i)), func() {
			defer w.Done()
			u, _ := simnet.Dial("udp", "udp:9")
			c, err := simnet.Dial("tcp", "srv:7")
			if err != nil {
				note("c%d dial: %v", i, err)
				return
			}
			note("c%d connected from %v", i, c.LocalAddr())
			for j := 0; j < 5; j++ {
				msg := fmt.Sprintf("%d.%d", i, j)
				u.Write([]byte(msg))
				c.Write([]byte(msg))
				b := make([]byte, len(msg))
				_, err := io.ReadFull(c, b)
				note("c%d echo %q %v", i, b, err)
				if err != nil {
					return
				}
				if i == 0 && j == 2 {
					simnet.Partition([]simrt.NodeID{simrt.CurrentNode()}, []simrt.NodeID{srv})
					simrt.AfterFunc(time.Second, simnet.Heal)
				}
			}
			c.Close()
			u.Close()
		})
	}
	w.Wait()
	simrt.Crash(srv)
	_, err := simnet.DialTimeout("tcp", "srv:7", time.Second)
	note("after crash: %v", err)
	simrt.Sleep(time.Second)
	pc.Close()
	wu.Wait()
	_ = stop
	return out
}

// TestTranscriptHelper is the child process of the transcript tests.
func TestTranscriptHelper(t *testing.T) {
	if os.Getenv("SIMNET_TRANSCRIPT") == "" {
		t.Skip("run by TestSameSeedSameTranscript")
	}
	simrt.Test(t, func(t *testing.T) {
		for _, line := range transcript(t) {
			fmt.Println("T|", line)
		}
	})
}

// child runs the test binary with the given environment and -test.run
// pattern, and returns its output.
func child(t *testing.T, pattern string, env ...string) (string, error) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the test binary again")
	}
	cmd := exec.Command(os.Args[0], "-test.run="+pattern, "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func transcriptOf(t *testing.T, seed int) string {
	out, err := child(t, "^TestTranscriptHelper$", "SIMNET_TRANSCRIPT=1", fmt.Sprint("SIM_SEED=", seed))
	if err != nil {
		t.Fatalf("seed %d: %v\n%s", seed, err, out)
	}
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "T| ") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// TestSameSeedSameTranscript: two processes with one seed see the same
// network, to the nanosecond; another seed sees another.
func TestSameSeedSameTranscript(t *testing.T) {
	a, b, c := transcriptOf(t, 7), transcriptOf(t, 7), transcriptOf(t, 8)
	if a == "" || !strings.Contains(a, "echo") {
		t.Fatalf("empty transcript:\n%s", a)
	}
	if a != b {
		t.Errorf("seed 7 twice, two transcripts:\n%s\n---\n%s", a, b)
	}
	if a == c {
		t.Errorf("seeds 7 and 8 gave the same transcript:\n%s", a)
	}
	if !strings.Contains(a, "after crash: dial tcp 10.0.0.1:7: i/o timeout") {
		t.Errorf("transcript lacks the dial to the crashed node:\n%s", a)
	}
}

// TestCheckDeterminism: every simulated test of the package passes
// SIM_CHECK_DETERMINISM (each seed run twice, decision streams compared)
// under a few seeds and both strategies.
func TestCheckDeterminism(t *testing.T) {
	pattern := "^Test(Echo|HostAndNodes|Refused|ClosedErrors|FreePorts|Deadlines|Backpressure|HalfClose|DialContext|Crash|Partition|Latency|StreamLoss|UDP|Resolve)"
	for _, strategy := range []string{"random", "pct"} {
		out, err := child(t, pattern, "SIM_CHECK_DETERMINISM=1", "SIM_SEEDS=3", "SIM_STRATEGY="+strategy)
		if err != nil || !bytes.Contains([]byte(out), []byte("PASS")) {
			t.Errorf("SIM_STRATEGY=%s SIM_CHECK_DETERMINISM=1: %v\n%s", strategy, err, out)
		}
	}
}
