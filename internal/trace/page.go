package trace

// This file is the page: it reads a SIM_TRACE=json stream into the run to
// show and renders it as one self-contained HTML page, with the CSS and
// script of tracehtml/ inline and the events as JSON in a script element.
//
// Invariants: the page fetches nothing from the network; no event, test
// output or report can close the script element the events sit in.

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"text/template"
)

var (
	//go:embed tracehtml/trace.html.tmpl
	traceTemplate string
	//go:embed tracehtml/trace.css
	traceCSS string
	//go:embed tracehtml/trace.js
	traceJS string
)

// maxTraceEvents bounds the events a page shows: a run that long fails at
// its end, so the page keeps the last ones.
const maxTraceEvents = 20000

// maxTraceOutput bounds the test output a page shows (its end is kept).
const maxTraceOutput = 64 << 10

// traceRun is one run of a trace file, as the page gets it.
type traceRun struct {
	Test     string            `json:"test"`
	Seed     uint64            `json:"seed"`
	Strategy string            `json:"strategy"`
	Root     int               `json:"root"`
	Events   []json.RawMessage `json:"events"`
	Failure  *traceFailure     `json:"failure,omitempty"`
	Dropped  int               `json:"dropped,omitempty"`
	Package  string            `json:"-"`
	Replay   string            `json:"-"`
	Output   string            `json:"-"` // what go test printed`
	gs       map[int]bool
}

type traceFailure struct {
	Kind   string `json:"kind"`
	Report string `json:"report"`
	G      int    `json:"g,omitempty"` // the goroutine that failed, if one did alone
}

// traceHead is the part of an event readTraceRun needs.
type traceHead struct {
	Op       string `json:"op"`
	G        int    `json:"g"`
	Run      int    `json:"run"`
	By       int    `json:"by"`
	Target   int    `json:"target"`
	Test     string `json:"test"`
	Seed     uint64 `json:"seed"`
	Strategy string `json:"strategy"`
	Kind     string `json:"kind"`
	Report   string `json:"report"`
}

// readTraceRun reads a SIM_TRACE=json stream and returns the run to show:
// the last that failed, or else the last (a -run pattern may match several
// tests, each a run of its own).
func readTraceRun(rd io.Reader) (*traceRun, error) {
	var runs []*traceRun
	var cur *traceRun
	sc := bufio.NewScanner(rd)
	sc.Buffer(nil, 1<<26)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var h traceHead
		if err := json.Unmarshal(b, &h); err != nil {
			return nil, fmt.Errorf("trace line %d: %w", line, err)
		}
		if h.Op == "start" || cur == nil {
			cur = &traceRun{Test: h.Test, Seed: h.Seed, Strategy: h.Strategy, Root: 1, gs: make(map[int]bool)}
			runs = append(runs, cur)
		}
		cur.Events = append(cur.Events, json.RawMessage(bytes.Clone(b)))
		for _, g := range []int{h.G, h.Run, h.By} {
			if g > 0 {
				cur.gs[g] = true
			}
		}
		if h.Op == "spawn" && h.Target > 0 {
			cur.gs[h.Target] = true
		}
		if h.Op == "failure" {
			cur.Failure = &traceFailure{Kind: h.Kind, Report: h.Report, G: h.Target}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return nil, errors.New("the trace is empty: no simulated test ran")
	}
	r := runs[len(runs)-1]
	for i := len(runs) - 1; i >= 0; i-- {
		if runs[i].Failure != nil {
			r = runs[i]
			break
		}
	}
	if n := len(r.Events); n > maxTraceEvents {
		r.Dropped = n - maxTraceEvents
		r.Events = r.Events[r.Dropped:]
	}
	return r, nil
}

// goroutines returns the goroutines the run's events name.
func (r *traceRun) goroutines() map[int]bool { return r.gs }

// renderTrace writes the page for r.
func renderTrace(w io.Writer, r *traceRun) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	// The events sit in a script element: no "<" may close it. Marshal
	// escapes <, > and & in strings already; raw events are made sure of.
	data = bytes.ReplaceAll(data, []byte("<"), []byte(`\u003c`))
	tmpl, err := template.New("trace").Parse(traceTemplate)
	if err != nil {
		return err
	}
	esc := html.EscapeString
	return tmpl.Execute(w, map[string]any{
		"Test":     esc(r.Test),
		"Seed":     r.Seed,
		"Strategy": esc(r.Strategy),
		"Package":  esc(r.Package),
		"Replay":   esc(r.Replay),
		"Output":   esc(r.Output),
		"CSS":      traceCSS,
		"JS":       traceJS,
		"Data":     string(data),
	})
}
