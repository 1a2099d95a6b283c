package explore

// This file is the exploration's progress display: a line redrawn in
// place on a terminal, a plain line every few seconds otherwise, cleared
// before the report.

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// display shows the exploration's progress: a line redrawn in place on a
// terminal, a plain line every few seconds otherwise.
type display struct {
	w           io.Writer
	tty         bool
	start       time.Time
	last        time.Time // of the last line shown
	shown       bool      // a progress line is on the terminal
	total       int       // seeds to explore, 0: unbounded
	budget      time.Duration
	budgetSpent bool
}

const (
	ttyEvery   = 250 * time.Millisecond
	plainEvery = 5 * time.Second
	ttyAfter   = time.Second // a short exploration draws no progress line
)

func newDisplay(w io.Writer, budget time.Duration, total int) *display {
	d := &display{w: w, start: time.Now(), budget: budget, total: total}
	if f, ok := w.(*os.File); ok && os.Getenv("TERM") != "dumb" {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			d.tty = true
		}
	}
	d.last = d.start
	return d
}

// update shows the progress if it is time to.
func (d *display) update(pkgs []*pkgRun, force bool) {
	now := time.Now()
	elapsed := now.Sub(d.start)
	switch {
	case force:
	case d.tty && (elapsed < ttyAfter || now.Sub(d.last) < ttyEvery):
		return
	case !d.tty && now.Sub(d.last) < plainEvery:
		return
	}
	d.last = now
	done, fails := tally(pkgs)
	var b strings.Builder
	b.WriteString("simgen: ")
	if d.total > 0 {
		fmt.Fprintf(&b, "%d/%d seeds", done, d.total)
	} else {
		fmt.Fprintf(&b, "%d seeds", done)
	}
	fmt.Fprintf(&b, ", %.0f seeds/s, %s, %s", rate(done, elapsed), plural(fails, "failure"), elapsed.Round(100*time.Millisecond))
	if d.budget > 0 {
		fmt.Fprintf(&b, " of %s", d.budget)
	}
	if d.tty {
		fmt.Fprintf(d.w, "\r\033[K%s", b.String())
		d.shown = true
		return
	}
	fmt.Fprintln(d.w, b.String())
}

// clear removes the progress line from the terminal before other output.
func (d *display) clear() {
	if d.shown {
		fmt.Fprint(d.w, "\r\033[K")
		d.shown = false
	}
}

// tally counts the seeds explored and the failures seen.
func tally(pkgs []*pkgRun) (done, fails int) {
	for _, p := range pkgs {
		if p.s != nil {
			done += p.s.explored()
			fails += p.s.fails
		}
	}
	return done, fails
}

// roundDuration rounds d for the summary: to milliseconds below a
// second, to hundredths of a second above.
func roundDuration(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Millisecond)
}

// rate is n per second of d.
func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}
