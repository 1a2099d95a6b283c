package explore

// This file computes a failure's signature from a test process's output:
// the test, the kind of failure and the positions in the user's code that
// it involves. Exploration groups failing seeds by signature, so that one
// bug hit by a thousand seeds is reported once, with its smallest seed.
//
// The signature is read from the text go test prints (the section under
// "--- FAIL: TestName" and, for a data race or a crashed process, the
// process's own output), which is what simrt's reports and the testing
// package already write; nothing extra is asked of the test binary.
//
// Invariants:
//   - A signature names positions by the file's path relative to the
//     package directory when it lies inside it, else by its last two path
//     elements, never by an absolute path: shards run in different
//     checkouts on different machines must agree on it.
//   - Positions are file:line only (no column, no function offset), at most
//     maxFrames of them, so that the same bug reached by different
//     schedules gives the same signature.

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Failure kinds, as reported in signatures and JSON results.
const (
	kindAssertion   = "failed assertion" // t.Error, t.Fatal and friends
	kindPanic       = "panic"
	kindFatal       = "fatal error" // sync: unlock of unlocked mutex, ...
	kindDeadlock    = "deadlock"
	kindLivelock    = "livelock" // simrt's livelock report (SIM_LIVELOCK), or the clock passed SIM_TIMELIMIT
	kindLeak        = "leak"     // goroutines left behind, with SIM_LEAKS=fail
	kindRace        = "race"     // the race detector (-race)
	kindNondet      = "nondeterminism"
	kindTimeout     = "timeout" // go test's -timeout ended the process
	kindHang        = "hang"    // simrt's watchdog: a goroutine did not yield for SIM_WATCHDOG of wall time
	kindCrash       = "crash"   // the process ended otherwise (os.Exit, a panic outside the simulation)
	maxFrames       = 3
	signatureFormat = 1 // bump when the way signatures are computed changes
)

// signature identifies a distinct failure of one test.
type signature struct {
	Test string   `json:"test"`
	Kind string   `json:"kind"`
	At   []string `json:"at"` // file:line positions in the user's code, most relevant first
}

// id is a short stable name for the signature within a package.
func (s signature) id(pkg string) string {
	h := sha256.New()
	for _, f := range append([]string{pkg, s.Test, s.Kind}, s.At...) {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// String is the signature as the report prints it.
func (s signature) String() string {
	if len(s.At) == 0 {
		return s.Test + ": " + s.Kind
	}
	return s.Test + ": " + s.Kind + " at " + strings.Join(s.At, ", ")
}

// failSection returns the lines go test printed under "--- FAIL: test",
// with the section's indentation removed, or nil if there is none.
func failSection(out, test string) []string {
	head := "--- FAIL: " + test + " ("
	var sec []string
	in := false
	for line := range strings.Lines(out) {
		line = strings.TrimRight(line, "\r\n")
		if !in {
			in = strings.HasPrefix(line, head)
			continue
		}
		if line != "" && line[0] != ' ' && line[0] != '\t' {
			break
		}
		sec = append(sec, strings.TrimPrefix(line, "    "))
	}
	return sec
}

// goPos matches a position in a stack trace line: "\t/dir/file.go:12 +0x1f".
var goPos = regexp.MustCompile(`^\s*(\S+\.go):(\d+)(?: \+0x[0-9a-f]+)?$`)

// logPos matches the position that testing puts before a t.Error line.
var logPos = regexp.MustCompile(`^\s*([\w./-]+\.go):(\d+): `)

// classify reads the signature of a failure of test from the output of the
// process it ran in; dir is the package directory, for relative positions;
// crashed says that the process ended without reporting the failure itself.
func classify(out, test, dir string, crashed bool) signature {
	sig := signature{Test: test}
	sec := failSection(out, test)
	text := strings.Join(sec, "\n")
	switch {
	case crashed && strings.Contains(out, "panic: test timed out after"):
		sig.Kind = kindTimeout
		sig.At = stackPositions(afterLine(strings.Split(out, "\n"), "panic: test timed out after"), dir, 1)
	case crashed && strings.Contains(out, "simrt: watchdog:"):
		sig.Kind = kindHang
		sig.At = stackPositions(afterLine(strings.Split(out, "\n"), "simrt: watchdog:"), dir, maxFrames)
	case crashed:
		sig.Kind = kindCrash
		sig.At = stackPositions(afterLine(strings.Split(out, "\n"), "panic: "), dir, maxFrames)
	case strings.Contains(text, "simrt: a simulated goroutine panicked"):
		sig.Kind = kindPanic
		sig.At = stackPositions(afterLine(sec, "goroutine "), dir, maxFrames)
	case hasLinePrefix(sec, "fatal error: "):
		sig.Kind = kindFatal
		sig.At = stackPositions(afterLine(sec, "goroutine "), dir, maxFrames)
	case strings.Contains(text, "simrt: nondeterminism:"):
		sig.Kind = kindNondet
	case strings.Contains(text, " deadlock: every simulated goroutine is blocked"):
		sig.Kind = kindDeadlock
		sig.At = blockedPositions(sec, dir)
	case strings.Contains(text, " virtual time limit: ") || strings.Contains(text, " livelock: "):
		sig.Kind = kindLivelock
		sig.At = blockedPositions(sec, dir)
	case strings.Contains(text, "still alive when the test ended") && strings.Contains(text, "(SIM_LEAKS=fail)"):
		sig.Kind = kindLeak
		sig.At = blockedPositions(sec, dir)
	case strings.Contains(text, "race detected during execution of test"):
		sig.Kind = kindRace
		sig.At = racePositions(out, dir)
	default:
		sig.Kind = kindAssertion
		for _, l := range sec {
			if m := logPos.FindStringSubmatch(l); m != nil && !strings.HasPrefix(strings.TrimSpace(l), "testing.go:") {
				sig.At = []string{relPos(m[1], dir) + ":" + m[2]}
				break
			}
		}
	}
	return sig
}

func hasLinePrefix(lines []string, prefix string) bool {
	return slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, prefix) })
}

// afterLine returns the lines after the first that starts with prefix.
func afterLine(lines []string, prefix string) []string {
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), prefix) {
			return lines[i+1:]
		}
	}
	return nil
}

// stackPositions returns the first n positions in the user's code of the
// stack trace that starts lines, up to the blank line that ends it.
func stackPositions(lines []string, dir string, n int) []string {
	var at []string
	for i, l := range lines {
		if strings.TrimSpace(l) == "" && i > 0 {
			break
		}
		if pos, ok := userPos(l, dir, lines, i); ok && !slices.Contains(at, pos) {
			at = append(at, pos)
			if len(at) == n {
				break
			}
		}
	}
	return at
}

// userPos returns the position on a stack trace line if its function (on
// the line before) is the user's code, not the Go runtime's or simrt's.
func userPos(l, dir string, lines []string, i int) (string, bool) {
	m := goPos.FindStringSubmatch(l)
	if m == nil || i == 0 {
		return "", false
	}
	fn := strings.TrimSpace(lines[i-1])
	for _, p := range []string{"runtime.", "runtime/", "testing.", "simgen.dev/simgen/simrt", "iter.", "created by ", "panic("} {
		if strings.HasPrefix(fn, p) {
			return "", false
		}
	}
	if strings.Contains(m[1], "/src/runtime/") || strings.Contains(m[1], "/src/testing/") {
		return "", false
	}
	return relPos(m[1], dir) + ":" + m[2], true
}

// blockedPositions returns, for each goroutine a report lists, the first
// position in the user's code on its stack: where each one was stuck.
// They are sorted, so the order in which goroutines were created does not
// make two signatures of one deadlock.
func blockedPositions(sec []string, dir string) []string {
	var at []string
	for i, l := range sec {
		if !strings.HasPrefix(l, "goroutine ") {
			continue
		}
		if p := stackPositions(sec[i+1:], dir, 1); len(p) > 0 && !slices.Contains(at, p[0]) {
			at = append(at, p[0])
		}
	}
	slices.Sort(at)
	if len(at) > maxFrames {
		at = at[:maxFrames]
	}
	return at
}

// racePositions returns the first user position of each access the race
// detector reported in out.
func racePositions(out, dir string) []string {
	lines := strings.Split(out, "\n")
	var at []string
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if !(strings.HasPrefix(t, "Write at ") || strings.HasPrefix(t, "Read at ") ||
			strings.HasPrefix(t, "Previous write at ") || strings.HasPrefix(t, "Previous read at ")) {
			continue
		}
		if p := stackPositions(lines[i+1:], dir, 1); len(p) > 0 && !slices.Contains(at, p[0]) {
			at = append(at, p[0])
		}
		if len(at) == 2 {
			break
		}
	}
	slices.Sort(at)
	return at
}

// relPos names a file by its path relative to the package directory when
// it is inside it, else by its last two path elements.
func relPos(file, dir string) string {
	if dir != "" {
		if rel, err := filepath.Rel(dir, file); err == nil && filepath.IsLocal(rel) {
			return filepath.ToSlash(rel)
		}
	}
	file = filepath.ToSlash(file)
	parts := strings.Split(file, "/")
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
	}
	return strings.Join(parts, "/")
}

// rawSection returns go test's output for a failure of test: the "--- FAIL"
// line and the lines under it, as printed.
func rawSection(out, test string) string {
	head := "--- FAIL: " + test + " ("
	var b strings.Builder
	in := false
	for line := range strings.Lines(out) {
		if !in {
			if in = strings.HasPrefix(line, head); in {
				b.WriteString(line)
			}
			continue
		}
		if t := strings.TrimRight(line, "\r\n"); t != "" && t[0] != ' ' && t[0] != '\t' {
			break
		}
		b.WriteString(line)
	}
	return b.String()
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "")
}
