package simrt

// This file implements select (runtime/select.go is the model).
//
// Generated code builds one case value per case, in source order, which also
// evaluates channel operands and send values in source order as the spec
// requires, then calls Select:
//
//	switch c0, c1 := simrt.OnRecv(a), simrt.OnSend(b, x); simrt.Select(false, c0, c1) {
//	case 0: v, ok := c0.V, c0.OK ...
//
// Invariants:
//   - When several cases are ready, the seed picks one uniformly.
//   - A blocked select has one waiter queued on each non-nil simulated
//     channel of its cases and, if it has cases on native channels, is in
//     w.pollers. When a case fires, every other waiter is withdrawn
//     (selWait.withdraw) before the goroutine runs again.
//   - Nil channels never become ready; a select of only nil channels and no
//     default blocks forever, as in Go.
//
// Independence (dpor.go): a select touches the channel of each of its
// cases (a nil channel is none), as the operation on each would: with or
// without a default it reads every channel's readiness, and commits one.
// A case on a native channel makes it global. A blocked select resumes
// touching all of them: the channel whose case fired, and the others its
// waiters were withdrawn from. Selects over disjoint channels commute.

// Case is one case of a select, made by OnRecv or OnSend.
type Case interface {
	isNil() bool
	isNative() bool
	ready() bool       // a simulated case can proceed now (does not consume)
	commit(w *world)   // perform a ready simulated case
	try(w *world) bool // attempt a native case without blocking
	enqueue(*selWait, int)
	dequeue()
	dporObj() any // what the case touches, for the reduction (dpor.go); nil for a nil channel
	finish()      // after the case fired while blocked
	raceSend()    // -race: a send case reads its channel, as selectgo does
}

// selWait is a select (or a single operation on a native channel) that is
// blocked.
type selWait struct {
	g     *g
	cases []Case
	fired int // index of the case that fired, -1 until then
}

//go:norace
func (s *selWait) withdraw(except int) {
	for i, c := range s.cases {
		if i != except {
			c.dequeue()
		}
	}
	if s.hasNative() {
		s.g.w.removePoller(s)
	}
}

//go:norace
func (s *selWait) hasNative() bool {
	for _, c := range s.cases {
		if c.isNative() {
			return true
		}
	}
	return false
}

// RecvOp is a receive case. After the select chose it, V and OK hold what
// `v, ok := <-ch` would.
type RecvOp[T any] struct {
	V  T
	OK bool
	c  *Chan[T]
	wt waiter[T]
}

// SendOp is a send case.
type SendOp[T any] struct {
	c  *Chan[T]
	v  T
	wt waiter[T]
}

// OnRecv makes a receive case on c.
//
//go:norace
func OnRecv[T any](c *Chan[T]) *RecvOp[T] { return &RecvOp[T]{c: c} }

// OnSend makes a case sending v on c.
//
//go:norace
func OnSend[T any](c *Chan[T], v T) *SendOp[T] { return &SendOp[T]{c: c, v: v} }

//go:norace
func (r *RecvOp[T]) dporObj() any {
	if r.c == nil {
		return nil
	}
	return r.c.dporObj()
}

//go:norace
func (r *RecvOp[T]) isNil() bool { return r.c == nil }

// raceSend does nothing: only a send reads the channel for the detector.
//
//go:norace
func (r *RecvOp[T]) raceSend() {}

//go:norace
func (r *RecvOp[T]) isNative() bool { return r.c != nil && r.c.native != nil }

//go:norace
func (r *RecvOp[T]) ready() bool {
	c := r.c
	return c.sendq.first != nil || c.count > 0 || c.closed
}

//go:norace
func (r *RecvOp[T]) commit(w *world) { r.V, r.OK, _ = r.c.tryRecv(w) }

//go:norace
func (r *RecvOp[T]) try(w *world) bool {
	v, ok, done := r.c.native.tryRecv()
	if done {
		r.V, r.OK = v, ok
	}
	return done
}

//go:norace
func (r *RecvOp[T]) enqueue(s *selWait, i int) {
	if r.c == nil || r.c.native != nil {
		return
	}
	r.wt = waiter[T]{g: s.g, c: r.c, sel: s, idx: i}
	r.c.recvq.push(&r.wt)
}

//go:norace
func (r *RecvOp[T]) dequeue() {
	if r.c != nil && r.c.native == nil {
		r.c.recvq.remove(&r.wt)
	}
}

//go:norace
func (r *RecvOp[T]) finish() {
	if r.c.native == nil {
		r.V, r.OK = r.wt.val, r.wt.ok
	}
}

//go:norace
func (s *SendOp[T]) dporObj() any {
	if s.c == nil {
		return nil
	}
	return s.c.dporObj()
}

//go:norace
func (s *SendOp[T]) isNil() bool { return s.c == nil }

//go:norace
func (s *SendOp[T]) raceSend() {
	if s.c != nil && s.c.native == nil {
		raceChanSend(s.c)
	}
}

//go:norace
func (s *SendOp[T]) isNative() bool { return s.c != nil && s.c.native != nil }

//go:norace
func (s *SendOp[T]) ready() bool {
	c := s.c
	return c.closed || c.recvq.first != nil || c.count < len(c.buf)
}

//go:norace
func (s *SendOp[T]) commit(w *world) {
	if s.c.closed {
		panic(plainError("send on closed channel"))
	}
	s.c.trySend(w, s.v)
}

//go:norace
func (s *SendOp[T]) try(w *world) bool { return s.c.native.trySend(s.v) }

//go:norace
func (s *SendOp[T]) enqueue(sw *selWait, i int) {
	if s.c == nil || s.c.native != nil {
		return
	}
	s.wt = waiter[T]{g: sw.g, c: s.c, sel: sw, idx: i, val: s.v, send: true}
	s.c.sendq.push(&s.wt)
}

//go:norace
func (s *SendOp[T]) dequeue() {
	if s.c != nil && s.c.native == nil {
		s.c.sendq.remove(&s.wt)
	}
}

//go:norace
func (s *SendOp[T]) finish() {
	if s.c.native == nil && !s.wt.ok {
		panic(plainError("send on closed channel"))
	}
}

// selectCases is a select statement: Select (race.go, race_norace.go)
// calls it.
//
//go:norace
func selectCases(hasDefault bool, cases []Case) int {
	w := cw
	if w == nil {
		w = enterAmbient()
		defer leaveAmbient()
	}
	w.onCases(cases)
	w.point()
	return w.selectAfterPoint(hasDefault, cases)
}

// onCases states that the coming operation touches the channels of cases
// (dpor.go).
//
//go:norace
func (w *world) onCases(cases []Case) {
	if w.xr == nil {
		return
	}
	w.on(nil)
	for _, c := range cases {
		w.onAlso(c.dporObj())
	}
}

// selectAfterPoint is Select once the scheduling point has passed.
//
//go:norace
func (w *world) selectAfterPoint(hasDefault bool, cases []Case) int {
	if raceOn {
		for _, c := range cases {
			c.raceSend()
		}
	}
	if i, ok := w.selectReady(cases); ok {
		return i
	}
	if hasDefault {
		w.dec.event(evSelect, -1)
		return -1
	}
	live := false
	for _, c := range cases {
		if !c.isNil() {
			live = true
		}
	}
	if !live {
		blockForever(w, "select (no cases)")
	}
	sw := &selWait{g: cur, cases: cases, fired: -1}
	for i, c := range cases {
		c.enqueue(sw, i)
	}
	if sw.hasNative() {
		w.pollers = append(w.pollers, sw)
	}
	sw.g.sel = sw
	w.onCases(cases)
	w.block("select")
	sw.g.sel = nil
	w.dec.event(evSelect, sw.fired)
	cases[sw.fired].finish()
	return sw.fired
}

// selectReady performs one ready case, chosen by the seed, if any is ready.
//
//go:norace
func (w *world) selectReady(cases []Case) (int, bool) {
	native := false
	nready := 0
	for _, c := range cases {
		switch {
		case c.isNil():
		case c.isNative():
			native = true
		case c.ready():
			nready++
		}
	}
	if !native {
		if nready == 0 {
			return 0, false
		}
		k := 0
		if nready > 1 {
			if w.xr != nil {
				k = w.xr.pickCase(nready) // a node of exhaustive exploration
			} else {
				k = w.intn(nready)
			}
		}
		for i, c := range cases {
			if c.isNil() || !c.ready() {
				continue
			}
			if k == 0 {
				w.dec.event(evSelect, i)
				c.commit(w)
				return i, true
			}
			k--
		}
	}
	// With native cases readiness cannot be tested without consuming, so
	// visit the cases in a seeded random order, as Go's pollorder does.
	for _, i := range w.rng.Perm(len(cases)) {
		c := cases[i]
		switch {
		case c.isNil():
		case c.isNative():
			if c.try(w) {
				w.dec.event(evSelect, i)
				return i, true
			}
		case c.ready():
			w.dec.event(evSelect, i)
			c.commit(w)
			return i, true
		}
	}
	return 0, false
}

// pollNative completes blocked selects whose native cases became ready, and
// runs the watchers of native state.
//
//go:norace
func (w *world) pollNative() {
	for i := 0; i < len(w.watchers); i++ {
		if w.watchers[i]() {
			w.watchers = append(w.watchers[:i], w.watchers[i+1:]...)
			i--
		}
	}
	for i := 0; i < len(w.pollers); i++ {
		sw := w.pollers[i]
		for k, c := range sw.cases {
			if c.isNative() && c.try(w) {
				wake(sw.g, sw, k) // removes sw from w.pollers
				i--
				break
			}
		}
	}
}

//go:norace
func (w *world) removePoller(sw *selWait) {
	for i, p := range w.pollers {
		if p == sw {
			copy(w.pollers[i:], w.pollers[i+1:])
			w.pollers[len(w.pollers)-1] = nil
			w.pollers = w.pollers[:len(w.pollers)-1]
			return
		}
	}
}
