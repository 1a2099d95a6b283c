package explore

import (
	"testing"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	dir := "/src/mod/pkg"
	panicOut := `--- FAIL: TestBug (0.00s)
    panic: assignment to entry in nil map
    
    goroutine 2 [running]:
    	example.com/pkg.(*Cache).Put
    		/src/mod/pkg/cache.go:31
    	example.com/pkg.TestBug.func1
    		/src/mod/pkg/cache_test.go:12
    created at /src/mod/pkg/cache_test.go:11 by goroutine 1
    
    simrt: a simulated goroutine panicked (seed 3, strategy random, step 9, virtual time +0s)
FAIL
`
	assertOut := `--- FAIL: TestX (0.00s)
    x_test.go:9: want 2, got 3
    simrt: replay with: SIM_SEED=4 go test
`
	timeoutOut := `panic: test timed out after 1s
	running tests:
		TestSpin (1s)

goroutine 7 [running]:
testing.(*M).startAlarm.func1()
	/usr/local/go/src/testing/testing.go:2484 +0x394
created by time.goFunc
	/usr/local/go/src/time/sleep.go:215 +0x2d
`
	for _, tc := range []struct {
		out, test string
		crashed   bool
		want      string
	}{
		{panicOut, "TestBug", false, "TestBug: panic at cache.go:31, cache_test.go:12"},
		{assertOut, "TestX", false, "TestX: failed assertion at x_test.go:9"},
		{timeoutOut, "TestSpin", true, "TestSpin: timeout"},
		{"--- FAIL: TestL (0.00s)\n    simrt: livelock: 100000 scheduling points in a row (seed 1)\n    \n    goroutine 2 [runnable]:\n    \texample.com/pkg.spin\n    \t\t/src/mod/pkg/l.go:7\n", "TestL", false, "TestL: livelock at l.go:7"},
		{"", "TestY", true, "TestY: crash"},
	} {
		if got := classify(tc.out, tc.test, dir, tc.crashed).String(); got != tc.want {
			t.Errorf("classify %s: got %q, want %q", tc.test, got, tc.want)
		}
	}
	if relPos("/elsewhere/mod/other/x.go", dir) != "other/x.go" {
		t.Errorf("relPos outside the package: %q", relPos("/elsewhere/mod/other/x.go", dir))
	}
}
