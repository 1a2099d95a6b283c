package kv_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"simgen.dev/simgen/sim"

	"example.com/kv"
)

// TestStoreRecovery: a reopened store holds what was put, and a torn
// record at the end of its log is cut off. It runs natively and under
// simulation.
func TestStoreRecovery(t *testing.T) {
	dir := t.TempDir()
	st, err := kv.OpenStore(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		e := kv.Entry{Version: kv.Version{Seq: int64(i), Writer: "c"}, Value: fmt.Sprint("v", i)}
		if err := st.Put("k", e); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	// A torn record: a header that promises more than follows.
	f, err := os.OpenFile(filepath.Join(dir, "kv.wal"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{40, 0, 0, 0, 1, 2, 3, 4, '{'})
	f.Close()
	st, err = kv.OpenStore(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Get("k"); got.Value != "v3" {
		t.Errorf("after reopening: %+v, want v3", got)
	}
	if err := st.Put("k", kv.Entry{Version: kv.Version{Seq: 4, Writer: "c"}, Value: "v4"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = kv.OpenStore(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got := st.Get("k"); got.Value != "v4" {
		t.Errorf("a record after a cut tail: %+v, want v4", got)
	}
}

// TestPutVersionsAreUnique: a client's writes never share a version, even
// when a write fails and every server still answers reads with the version
// before it (as servers answer that a failed write reached only a
// minority of, and the next write's majority did not see it). Otherwise two values would
// carry the same (Seq, Writer), and a read that meets both returns either
// (the fixed twin's seed 70 under issue 13's clock readings, design.md).
// It runs natively and under simulation.
func TestPutVersionsAreUnique(t *testing.T) {
	var mu sync.Mutex
	values := map[kv.Version]map[string]bool{} // the values stored under each version
	failPuts := true
	var addrs []string
	for i := 0; i < 3; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		addrs = append(addrs, ln.Addr().String())
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go func() {
					defer c.Close()
					var req kv.Request
					if err := json.NewDecoder(c).Decode(&req); err != nil {
						return
					}
					var resp kv.Response
					mu.Lock()
					switch {
					case req.Op == "get":
						resp.Entry = kv.Entry{Version: kv.Version{Seq: 7, Writer: "other"}, Value: "old"}
					case failPuts:
						resp.Err = "disk full"
					default:
						if values[req.Entry.Version] == nil {
							values[req.Entry.Version] = map[string]bool{}
						}
						values[req.Entry.Version][req.Entry.Value] = true
					}
					mu.Unlock()
					json.NewEncoder(c).Encode(&resp)
				}()
			}
		}()
	}
	cl := kv.NewClient("c", addrs)
	if err := cl.Put(context.Background(), "k", "a"); err == nil {
		t.Fatal("a put that every server refused succeeded")
	}
	mu.Lock()
	failPuts = false
	mu.Unlock()
	if err := cl.Put(context.Background(), "k", "b"); err != nil {
		t.Fatal(err)
	}
	if err := cl.Put(context.Background(), "k", "c"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for v, vals := range values {
		if len(vals) > 1 {
			t.Errorf("version %d/%s was written with %d values: %v", v.Seq, v.Writer, len(vals), vals)
		}
	}
}

// TestLinearizable runs three servers on three simulated machines and
// four clients on four more, while a nemesis crashes and restarts the
// servers and partitions the network, with the seed's weather. Then it
// checks the history with porcupine. KV_BUG=ack-before-sync runs the
// servers with the seeded bug.
func TestLinearizable(t *testing.T) {
	if !sim.Enabled() {
		t.Skip("needs simgen's simulated machines: simgen test -run TestLinearizable .")
	}
	buggy := os.Getenv("KV_BUG") == "ack-before-sync"
	dir := t.TempDir()
	var nodes []*sim.Node
	var addrs []string
	for i := 1; i <= 3; i++ {
		name := fmt.Sprintf("kv%d", i)
		n := sim.NewNode(name, func() {
			srv, err := kv.NewServer(kv.Config{Dir: filepath.Join(dir, "data"), AckBeforeSync: buggy})
			if err != nil {
				t.Logf("%s: %v", name, err)
				return
			}
			srv.ListenAndServe(":7000")
		})
		n.Start()
		nodes = append(nodes, n)
		addrs = append(addrs, name+":7000")
	}
	weather := sim.Swarm(sim.SwarmConfig{
		Latency:        sim.DurationRange{Min: time.Millisecond, Max: 20 * time.Millisecond},
		PartitionEvery: sim.DurationRange{Min: time.Second, Max: 5 * time.Second},
		PartitionFor:   sim.DurationRange{Min: 100 * time.Millisecond, Max: 2 * time.Second},
		CrashEvery:     sim.DurationRange{Min: 300 * time.Millisecond, Max: 2 * time.Second},
		DownFor:        sim.DurationRange{Min: 10 * time.Millisecond, Max: time.Second},
	})
	t.Logf("weather: %v", weather)
	// Each client runs on a machine of its own, so that partitions cut
	// clients off from servers too; the nemesis crashes only servers.
	var clients []*sim.Node
	for c := 0; c < 4; c++ {
		clients = append(clients, sim.NewNode(fmt.Sprintf("client%d", c), nil))
	}
	stop := sim.NemesisOf(weather, nodes, append(clients, nodes...))

	h := &history{start: time.Now()}
	var wg sync.WaitGroup
	for c := 0; c < 4; c++ {
		wg.Add(1)
		clients[c].Go(func() {
			defer wg.Done()
			cl := kv.NewClient(fmt.Sprint("client", c), addrs)
			for i := 0; i < 30; i++ {
				time.Sleep(time.Duration(rand.Intn(50)) * time.Millisecond)
				key := []string{"x", "y"}[rand.Intn(2)]
				if rand.Intn(2) == 0 {
					h.do(c, op{put: true, key: key, value: fmt.Sprintf("%d.%d", c, i)}, func() (string, error) {
						return "", cl.Put(context.Background(), key, fmt.Sprintf("%d.%d", c, i))
					})
				} else {
					h.do(c, op{key: key}, func() (string, error) {
						return cl.Get(context.Background(), key)
					})
				}
			}
		})
	}
	wg.Wait()
	stop()

	res, info := porcupine.CheckOperationsVerbose(kvModel, h.ops, 0)
	if res != porcupine.Ok {
		path := filepath.Join(os.TempDir(), fmt.Sprintf("kv-history-%s.html", strings.ReplaceAll(t.Name(), "/", "_")))
		if err := porcupine.VisualizePath(kvModel, info, path); err == nil {
			t.Logf("history drawn in %s", path)
		}
		t.Fatalf("the history is not linearizable (%d operations, %d unknown); a read returned a value older than a write acknowledged before it began:\n%s",
			len(h.ops), h.unknown, h.stale())
	}
	t.Logf("linearizable: %d operations, %d with unknown outcome", len(h.ops), h.unknown)
}

// op is an operation's input; result its output.
type op struct {
	put        bool
	key, value string
}

type result struct {
	value   string
	unknown bool // the operation failed: it may or may not have taken effect
}

var kvModel = porcupine.Model{
	Partition: func(ops []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		for _, o := range ops {
			k := o.Input.(op).key
			byKey[k] = append(byKey[k], o)
		}
		keys := make([]string, 0, len(byKey))
		for k := range byKey {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts [][]porcupine.Operation
		for _, k := range keys {
			parts = append(parts, byKey[k])
		}
		return parts
	},
	Init: func() any { return "" },
	Step: func(state, input, output any) (bool, any) {
		in, out := input.(op), output.(result)
		if in.put {
			return true, in.value
		}
		return out.value == state.(string), state
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(op), output.(result)
		switch {
		case in.put && out.unknown:
			return fmt.Sprintf("put(%s, %s) -> ?", in.key, in.value)
		case in.put:
			return fmt.Sprintf("put(%s, %s)", in.key, in.value)
		default:
			return fmt.Sprintf("get(%s) -> %q", in.key, out.value)
		}
	},
}

// history records operations with their virtual call and return times.
type history struct {
	mu      sync.Mutex
	start   time.Time
	ops     []porcupine.Operation
	unknown int
}

func (h *history) do(client int, in op, f func() (string, error)) {
	call := time.Since(h.start).Nanoseconds()
	v, err := f()
	ret := time.Since(h.start).Nanoseconds()
	h.mu.Lock()
	defer h.mu.Unlock()
	if err != nil {
		if !in.put {
			return // a failed read constrains nothing
		}
		// A failed write may still take effect, at any time after its
		// call: it never returns.
		h.unknown++
		h.ops = append(h.ops, porcupine.Operation{ClientId: client, Input: in, Call: call, Output: result{unknown: true}, Return: math.MaxInt64})
		return
	}
	h.ops = append(h.ops, porcupine.Operation{ClientId: client, Input: in, Call: call, Output: result{value: v}, Return: ret})
}

// stale names the reads that no linearization can explain on their own:
// a read that returned the value of a write V although another write W
// began after V ended and ended before the read began (or the initial
// value, although a write ended before the read began). Every value
// written is unique, so the write a read saw is known.
func (h *history) stale() string {
	var b strings.Builder
	writes := map[string]porcupine.Operation{}
	for _, o := range h.ops {
		if in := o.Input.(op); in.put {
			writes[in.key+"="+in.value] = o
		}
	}
	for _, r := range h.ops {
		in := r.Input.(op)
		if in.put {
			continue
		}
		got := r.Output.(result).value
		v, seen := writes[in.key+"="+got]
		for _, w := range h.ops {
			win := w.Input.(op)
			if !win.put || win.key != in.key || w.Return == math.MaxInt64 || w.Return >= r.Call {
				continue
			}
			if got == "" || (seen && v.Return < w.Call) {
				fmt.Fprintf(&b, "  client %d: get(%s) at +%v returned %q, but put(%s, %s) ran from +%v to +%v, after that value was written\n",
					r.ClientId, in.key, time.Duration(r.Call), got, in.key, win.value, time.Duration(w.Call), time.Duration(w.Return))
				break
			}
		}
	}
	if b.Len() == 0 {
		return "  (no single stale read explains it; see the drawing)"
	}
	return b.String()
}
