package simrt_test

// Benchmarks of the runtime's core, each with a native twin as a
// sub-benchmark of the same name, so that one `go test -bench` run gives
// the ratio: BenchmarkPingPong/native against BenchmarkPingPong/sim. The
// simulated side runs the way rewritten benchmarks do, through
// simrt.Benchmark. docs/performance.md holds the measured table.

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
)

// BenchmarkPingPong: one round trip over two unbuffered channels between
// the root and one goroutine, per op.
func BenchmarkPingPong(b *testing.B) {
	b.Run("native", func(b *testing.B) {
		ping, pong := make(chan int), make(chan int)
		go func() {
			for v := range ping {
				pong <- v
			}
		}()
		for i := 0; i < b.N; i++ {
			ping <- i
			<-pong
		}
		close(ping)
	})
	b.Run("sim", func(b *testing.B) {
		simrt.Benchmark(b, func(b *testing.B) {
			ping, pong := simrt.MakeChan[int](0), simrt.MakeChan[int](0)
			simrt.Go(func() {
				for {
					v, ok := simrt.Recv2(ping)
					if !ok {
						return
					}
					simrt.Send(pong, v)
				}
			})
			for i := 0; i < b.N; i++ {
				simrt.Send(ping, i)
				simrt.Recv(pong)
			}
			simrt.Close(ping)
		})
	})
}

// BenchmarkProdCons: one value through a buffered channel (capacity 64)
// from a producer goroutine to the consumer, per op.
func BenchmarkProdCons(b *testing.B) {
	b.Run("native", func(b *testing.B) {
		c := make(chan int, 64)
		go func() {
			for i := 0; i < b.N; i++ {
				c <- i
			}
			close(c)
		}()
		for range c {
		}
	})
	b.Run("sim", func(b *testing.B) {
		simrt.Benchmark(b, func(b *testing.B) {
			c := simrt.MakeChan[int](64)
			n := b.N
			simrt.Go(func() {
				for i := 0; i < n; i++ {
					simrt.Send(c, i)
				}
				simrt.Close(c)
			})
			for {
				if _, ok := simrt.Recv2(c); !ok {
					break
				}
			}
		})
	})
}

// BenchmarkSelect4: one select over four channels, fed in turn by four
// producers, per op.
func BenchmarkSelect4(b *testing.B) {
	b.Run("native", func(b *testing.B) {
		var cs [4]chan int
		for k := range cs {
			cs[k] = make(chan int, 16)
			go func(c chan int) {
				for i := k; i < b.N; i += 4 {
					c <- i
				}
			}(cs[k])
		}
		for i := 0; i < b.N; i++ {
			select {
			case <-cs[0]:
			case <-cs[1]:
			case <-cs[2]:
			case <-cs[3]:
			}
		}
	})
	b.Run("sim", func(b *testing.B) {
		simrt.Benchmark(b, func(b *testing.B) {
			var cs [4]*simrt.Chan[int]
			n := b.N
			for k := range cs {
				c := simrt.MakeChan[int](16)
				cs[k] = c
				simrt.Go(func() {
					for i := k; i < n; i += 4 {
						simrt.Send(c, i)
					}
				})
			}
			for i := 0; i < n; i++ {
				c0, c1, c2, c3 := simrt.OnRecv(cs[0]), simrt.OnRecv(cs[1]), simrt.OnRecv(cs[2]), simrt.OnRecv(cs[3])
				switch simrt.Select(false, c0, c1, c2, c3) {
				case 0, 1, 2, 3:
				default:
					panic("unreachable")
				}
			}
		})
	})
}

// BenchmarkSpawnJoin: start 10,000 goroutines and wait for them all, per op.
func BenchmarkSpawnJoin(b *testing.B) {
	const n = 10000
	b.Run("native", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var wg sync.WaitGroup
			for j := 0; j < n; j++ {
				wg.Add(1)
				go func() { wg.Done() }()
			}
			wg.Wait()
		}
	})
	b.Run("sim", func(b *testing.B) {
		simrt.Benchmark(b, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				var wg simrt.WaitGroup
				for j := 0; j < n; j++ {
					wg.Add(1)
					simrt.Go(func() { wg.Done() })
				}
				wg.Wait()
			}
		})
	})
}

// BenchmarkSleepers: 1,000 goroutines each sleep 1 ms 100 times, per op.
// Natively that is at least 100 ms of wall time; simulated, the clock jumps.
func BenchmarkSleepers(b *testing.B) {
	const n, rounds = 1000, 100
	b.Run("native", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var wg sync.WaitGroup
			for j := 0; j < n; j++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for k := 0; k < rounds; k++ {
						time.Sleep(time.Millisecond)
					}
				}()
			}
			wg.Wait()
		}
	})
	b.Run("sim", func(b *testing.B) {
		simrt.Benchmark(b, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				var wg simrt.WaitGroup
				for j := 0; j < n; j++ {
					wg.Add(1)
					simrt.Go(func() {
						defer wg.Done()
						for k := 0; k < rounds; k++ {
							simrt.Sleep(time.Millisecond)
						}
					})
				}
				wg.Wait()
			}
		})
	})
}

// BenchmarkMapRange: one full range over a map[string]int of n entries,
// natively and in the seed's order (simrt.MapRange, what `range m`
// becomes), per op.
func BenchmarkMapRange(b *testing.B) {
	for _, n := range []int{10, 1000, 100000} {
		m := make(map[string]int, n)
		for i := 0; i < n; i++ {
			m[fmt.Sprintf("key%06d", i)] = i
		}
		b.Run(fmt.Sprintf("%d/native", n), func(b *testing.B) {
			sum := 0
			for i := 0; i < b.N; i++ {
				for _, v := range m {
					sum += v
				}
			}
			_ = sum
		})
		b.Run(fmt.Sprintf("%d/sim", n), func(b *testing.B) {
			simrt.Benchmark(b, func(b *testing.B) {
				sum := 0
				for i := 0; i < b.N; i++ {
					for it := simrt.MapRange(m); it.Next(); {
						sum += it.Value()
					}
				}
				_ = sum
			})
		})
	}
}

// pollLeaderNodes and pollLeaderTicks shape BenchmarkPollLeader: node i
// ticks every periods[i], and node 0 becomes leader on its leaderTicks-th
// tick, at +10ms.
var pollLeaderPeriods = [...]time.Duration{5 * time.Millisecond, 3 * time.Millisecond, time.Millisecond}

const pollLeaderTicks = 2

// BenchmarkPollLeader: a consensus library's leader wait (issue 13). Three
// nodes, each a goroutine with a ticker (5, 3 and 1 ms) that answers
// Status() requests over a channel round trip; the poller asks each node in
// turn, without sleeping, until node 0 reports itself leader on its second
// tick, 10 ms in. One op is one whole wait: natively about 10 ms of wall
// time spent spinning; simulated, a fresh world per op, seeds 1 to 8 in
// turn (the per-point cost is drawn per seed, 16-128 ns).
func BenchmarkPollLeader(b *testing.B) {
	b.Run("native", func(b *testing.B) {
		var polls int64
		for i := 0; i < b.N; i++ {
			stop := make(chan struct{})
			var reqs [len(pollLeaderPeriods)]chan chan bool
			for k, p := range pollLeaderPeriods {
				req := make(chan chan bool)
				reqs[k] = req
				go func() {
					tk := time.NewTicker(p)
					defer tk.Stop()
					ticks := 0
					for {
						select {
						case <-tk.C:
							ticks++
						case r := <-req:
							r <- k == 0 && ticks >= pollLeaderTicks
						case <-stop:
							return
						}
					}
				}()
			}
			for leader := false; !leader; {
				for _, req := range reqs {
					polls++
					r := make(chan bool)
					req <- r
					if <-r {
						leader = true
					}
				}
			}
			close(stop)
		}
		b.ReportMetric(float64(polls)/float64(b.N), "polls/op")
	})
	b.Run("sim", func(b *testing.B) {
		var polls, points int64
		for i := 0; i < b.N; i++ {
			_, n := simrt.RunSeedTime(uint64(i%8+1), "", false, 1<<24, func() {
				stop := simrt.MakeChan[struct{}](0)
				var reqs [len(pollLeaderPeriods)]*simrt.Chan[*simrt.Chan[bool]]
				for k, p := range pollLeaderPeriods {
					reqs[k] = simStatusNode(p, stop, func(ticks int) bool { return k == 0 && ticks >= pollLeaderTicks })
				}
				for leader := false; !leader; {
					for _, req := range reqs {
						polls++
						r := simrt.MakeChan[bool](0)
						simrt.Send(req, r)
						if simrt.Recv(r) {
							leader = true
						}
					}
				}
				if d := since(); d != pollLeaderTicks*pollLeaderPeriods[0] {
					panic(fmt.Sprintf("leader at +%v, want +%v", d, pollLeaderTicks*pollLeaderPeriods[0]))
				}
				simrt.Close(stop)
			})
			points += n
		}
		b.ReportMetric(float64(polls)/float64(b.N), "polls/op")
		b.ReportMetric(float64(points)/float64(b.N), "decisions/op")
	})
}

// simStatusNode starts a simulated node on a ticker of period p that
// answers each status request (a reply channel sent on the returned
// channel) with leader(ticks so far), until stop is closed.
func simStatusNode(p time.Duration, stop *simrt.Chan[struct{}], leader func(ticks int) bool) *simrt.Chan[*simrt.Chan[bool]] {
	req := simrt.MakeChan[*simrt.Chan[bool]](0)
	simrt.Go(func() {
		tk := simrt.NewTicker(p)
		defer tk.Stop()
		ticks := 0
		for {
			r := simrt.OnRecv(req)
			switch simrt.Select(false, simrt.OnRecv(tk.C), r, simrt.OnRecv(stop)) {
			case 0:
				ticks++
			case 1:
				simrt.Send(r.V, leader(ticks))
			case 2:
				return
			}
		}
	})
	return req
}
