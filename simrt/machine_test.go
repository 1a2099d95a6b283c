package simrt_test

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
)

// TestCrashStopsGoroutinesAndTimers: a crash removes the node's goroutines
// (no deferred call runs), deletes its timers, leaves the host running, and
// a restart runs fresh goroutines on the node.
func TestCrashStopsGoroutinesAndTimers(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var log []string
		n := simrt.NewNode("a")
		if got := simrt.NodeIP(n); got != [4]byte{10, 0, 0, 1} {
			t.Errorf("NodeIP = %v", got)
		}
		if simrt.Alive(n) {
			t.Errorf("a node is alive before it starts")
		}
		mu := &simrt.Mutex{}
		simrt.GoOn(n, func() {
			defer func() { log = append(log, "deferred call ran") }()
			if simrt.CurrentNode() != n {
				t.Errorf("CurrentNode = %d, want %d", simrt.CurrentNode(), n)
			}
			simrt.AfterFunc(time.Second, func() { log = append(log, "node timer fired") })
			simrt.Go(func() { // inherits the node
				mu.Lock()
				simrt.Sleep(time.Hour)
				log = append(log, "child woke")
			})
			simrt.Sleep(time.Hour)
			log = append(log, "main woke")
		})
		simrt.Sleep(time.Millisecond)
		simrt.Crash(n)
		if simrt.Alive(n) {
			t.Errorf("alive after crash")
		}
		if got := simrt.NumGoroutine(); got != 1 {
			t.Errorf("NumGoroutine after crash = %d, want 1", got)
		}
		simrt.Sleep(2 * time.Hour)
		if len(log) != 0 {
			t.Errorf("crashed node still ran: %v", log)
		}
		simrt.GoOn(n, func() { log = append(log, "restarted") })
		simrt.Sleep(time.Millisecond)
		if strings.Join(log, ",") != "restarted" || simrt.Boots(n) != 2 {
			t.Errorf("after restart: %v, boots %d", log, simrt.Boots(n))
		}
	})
}

// TestCrashSelf: a goroutine that crashes its own node does not return.
func TestCrashSelf(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		n := simrt.NewNode("self")
		after := false
		simrt.GoOn(n, func() {
			simrt.Crash(n)
			after = true
		})
		simrt.Sleep(time.Second)
		if after || simrt.Alive(n) {
			t.Errorf("Crash returned on the crashed node (after=%v alive=%v)", after, simrt.Alive(n))
		}
	})
}

// TestCrashHooksAndFaults: hooks run in order with the node's id, and
// faults are recorded with their node.
func TestCrashHooksAndFaults(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var got []string
		simrt.OnCrash(func(id simrt.NodeID) { got = append(got, fmt.Sprint("crash ", simrt.NodeName(id))) })
		simrt.OnStart(func(id simrt.NodeID) { got = append(got, fmt.Sprint("start ", simrt.NodeName(id))) })
		n := simrt.NewNode("b")
		simrt.GoOn(n, func() { simrt.Sleep(time.Hour) })
		simrt.Crash(n)
		simrt.Crash(n) // down already: nothing
		if strings.Join(got, ",") != "start b,crash b" {
			t.Errorf("hooks: %v", got)
		}
		if id, ok := simrt.NodeByName("b"); !ok || id != n {
			t.Errorf("NodeByName")
		}
		if id, ok := simrt.NodeByIP([4]byte{10, 0, 0, 1}); !ok || id != n {
			t.Errorf("NodeByIP")
		}
	})
}

// TestEventAndCallAt: a waiter on an Event wakes at a callback's Notify,
// at the callback's virtual time.
func TestEventAndCallAt(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		var e simrt.Event
		start := simrt.Now()
		simrt.CallAt(start.Add(3*time.Second), e.Notify)
		stop := simrt.CallAt(start.Add(time.Second), func() { t.Errorf("stopped call ran") })
		if !stop() {
			t.Errorf("stop reported false")
		}
		e.Wait("test event")
		if d := simrt.Since(start); d != 3*time.Second {
			t.Errorf("woke after %v, want 3s", d)
		}
	})
}

// TestFaultStreamDeterministic: the fault stream depends on the seed only.
func TestFaultStreamDeterministic(t *testing.T) {
	draw := func(seed uint64) (v [4]uint64) {
		simrt.RunSeed(seed, "", func() {
			for i := range v {
				v[i] = simrt.FaultUint64N(1 << 40)
			}
		})
		return v
	}
	a, b := draw(7), draw(7)
	if a != b {
		t.Errorf("seed 7 drew two fault streams")
	}
	if a == draw(8) {
		t.Errorf("seeds 7 and 8 drew the same fault stream")
	}
}

// TestFaultInTrace: SIM_TRACE shows an injected fault as a line of its own.
func TestFaultInTrace(t *testing.T) {
	if os.Getenv("SIM_TRACE") != "" {
		simrt.Test(t, func(t *testing.T) {
			simrt.Sleep(time.Second)
			simrt.RecordFault("a test fault")
		})
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFaultInTrace$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "SIM_TRACE=1", "SIM_SEED=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !regexp.MustCompile(`\+1s +g1 +fault: host: a test fault`).Match(out) {
		t.Errorf("no fault line in the trace:\n%s", out)
	}
}

// TestCrashedGoroutinesLeaveStack: a leak checker reading runtime.Stack
// does not see the goroutines of a crashed machine.
func TestCrashedGoroutinesLeaveStack(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		n := simrt.NewNode("gone")
		simrt.GoOn(n, func() { crashedNodeMain() })
		simrt.Sleep(time.Millisecond)
		buf := make([]byte, 1<<20)
		if !strings.Contains(string(buf[:simrt.Stack(buf, true)]), "crashedNodeMain") {
			t.Fatalf("the node's goroutine is not in the dump before the crash")
		}
		simrt.Crash(n)
		if dump := string(buf[:simrt.Stack(buf, true)]); strings.Contains(dump, "crashedNodeMain") {
			t.Errorf("a crashed machine's goroutine is in the dump:\n%s", dump)
		}
	})
}

func crashedNodeMain() { simrt.Sleep(time.Hour) }
