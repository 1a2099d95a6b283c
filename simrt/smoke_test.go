package simrt_test

import (
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
)

func TestSmokePingPong(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		ping, pong := simrt.MakeChan[int](0), simrt.MakeChan[int](0)
		simrt.Go(func() {
			for {
				v, ok := simrt.Recv2(ping)
				if !ok {
					break
				}
				simrt.Send(pong, v+1)
			}
			simrt.Close(pong)
		})
		sum := 0
		for i := 0; i < 1000; i++ {
			simrt.Send(ping, i)
			sum += simrt.Recv(pong)
		}
		simrt.Close(ping)
		if _, ok := simrt.Recv2(pong); ok {
			t.Fatal("pong open")
		}
		if sum != 1000*1001/2 {
			t.Fatal(sum)
		}
	})
}

func TestSmokeSleep(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		start := simrt.Now()
		var wg simrt.WaitGroup
		for i := 0; i < 100; i++ {
			wg.Add(1)
			simrt.Go(func() {
				defer wg.Done()
				for j := 0; j < 10; j++ {
					simrt.Sleep(time.Millisecond)
				}
			})
		}
		wg.Wait()
		if d := simrt.Since(start); d != 10*time.Millisecond {
			t.Fatal(d)
		}
	})
}
