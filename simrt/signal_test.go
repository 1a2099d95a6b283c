//go:build unix

package simrt_test

import (
	"os"
	"syscall"
	"testing"
	"time"

	"simgen.dev/simgen/simrt"
)

// signal.Notify with a simulated channel (reugn/go-quartz's examples, whose
// error stopped generation of the whole module): the signal is caught, so
// the process survives it, and never delivered on the simulated channel.
func TestSignalNotifyCatches(t *testing.T) {
	simrt.Test(t, func(t *testing.T) {
		c := simrt.MakeChan[os.Signal](1)
		simrt.SignalNotify(c, syscall.SIGUSR1)
		defer simrt.SignalStop(c)
		if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond) // real time: let the signal arrive
		if n := simrt.Len(c); n != 0 {
			t.Fatalf("%d signals delivered on the simulated channel", n)
		}
	})
}

func TestSignalNotifyNil(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("SignalNotify(nil) did not panic")
		}
	}()
	simrt.SignalNotify(nil)
}
