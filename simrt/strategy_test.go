package simrt_test

import (
	"testing"

	"simgen.dev/simgen/simrt"
)

// TestPCTNoLivelock: two goroutines pass a value back and forth while the
// root waits to stop them. Strict priorities would let the two run forever;
// PCT must still let the root run (as Go's fair scheduler does), under every
// seed, and end.
func TestPCTNoLivelock(t *testing.T) {
	for seed := uint64(80); seed < 180; seed++ {
		simrt.RunSeed(seed, "pct:3", func() {
			table := simrt.MakeChan[int](0)
			done := simrt.MakeChan[struct{}](0)
			hits := simrt.MakeChan[int](8)
			var wg simrt.WaitGroup
			player := func() {
				defer wg.Done()
				for {
					ball := simrt.OnRecv(table)
					if simrt.Select(false, ball, simrt.OnRecv(done)) == 1 {
						return
					}
					simrt.Select(true, simrt.OnSend(hits, ball.V+1))
					if simrt.Select(false, simrt.OnSend(table, ball.V+1), simrt.OnRecv(done)) == 1 {
						return
					}
				}
			}
			wg.Add(2)
			simrt.Go(player)
			simrt.Go(player)
			simrt.Send(table, 0)
			for {
				if simrt.Recv(hits) >= 3 {
					simrt.Close(done)
					break
				}
			}
			wg.Wait()
		})
	}
}
