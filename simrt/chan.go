package simrt

// This file implements channels with Go's semantics (runtime/chan.go is the
// model): unbuffered rendezvous, buffered FIFO, close, nil channels, and the
// runtime's exact panic texts.
//
// Invariants:
//   - A channel with waiting receivers has an empty buffer; a channel with
//     waiting senders has a full buffer (or none). Both queues are non-empty
//     at once only through one select that waits to send and to receive on
//     the same unbuffered channel (`select { case c <- v: case <-c: }`):
//     its waiter sits in both, and a select never matches itself, as in
//     runtime/chan.go.
//   - Waiters are served first in, first out, as in Go.
//   - A waiter is in at most one queue, and is removed from every queue of
//     its select when any case of that select fires (eager removal, so a
//     select in a loop never piles up stale waiters).
//   - Every operation is a scheduling point before it takes effect; the
//     effect itself is atomic.
//
// Independence (for exhaustive exploration's reduction, dpor.go): a send,
// receive or close touches its channel and nothing else, so operations on
// different channels commute; a goroutine woken by one resumes touching it.
// An operation on a native channel touches state outside the simulation
// and is dependent on everything.

// Chan is a simulated channel. Rewritten code uses *Chan[T] for chan T,
// <-chan T and chan<- T alike; a nil *Chan[T] is a nil channel.
type Chan[T any] struct {
	buf    []T // ring buffer, len(buf) is the capacity
	head   int // index of the oldest element
	count  int // elements in buf
	closed bool
	timer  bool // a timer's channel: len and cap report 0, as in Go 1.23+
	recvq  waitq[T]
	sendq  waitq[T]
	native *nativeChan[T] // set for a channel made outside the simulation
	out    chan T         // a real twin handed to code that is not rewritten (ToNative)
}

// waiter is a goroutine blocked on one channel operation, possibly one case
// of a select.
type waiter[T any] struct {
	g          *g
	c          *Chan[T]
	sel        *selWait // nil for a plain send or receive
	idx        int      // case index within sel
	val        T        // value to send, or the value received
	ok         bool     // receive: a value arrived; send: it was taken
	done       bool     // completed by another goroutine
	prev, next *waiter[T]
	queued     bool
	send       bool // in c.sendq rather than c.recvq
}

//go:norace
func (x *waiter[T]) dequeue() {
	if x.send {
		x.c.sendq.remove(x)
	} else {
		x.c.recvq.remove(x)
	}
}

type waitq[T any] struct {
	first, last *waiter[T]
}

//go:norace
func (q *waitq[T]) push(x *waiter[T]) {
	x.next = nil
	x.prev = q.last
	if q.last == nil {
		q.first = x
	} else {
		q.last.next = x
	}
	q.last = x
	x.queued = true
}

//go:norace
func (q *waitq[T]) remove(x *waiter[T]) {
	if !x.queued {
		return
	}
	if x.prev == nil {
		q.first = x.next
	} else {
		x.prev.next = x.next
	}
	if x.next == nil {
		q.last = x.prev
	} else {
		x.next.prev = x.prev
	}
	x.prev, x.next, x.queued = nil, nil, false
}

//go:norace
func (q *waitq[T]) pop() *waiter[T] {
	x := q.first
	if x != nil {
		q.remove(x)
	}
	return x
}

// plainError is a runtime error with Go's own text ("send on closed
// channel"), so that recover() sees what native code would see.
type plainError string

//go:norace
func (e plainError) Error() string { return string(e) }

// RuntimeError marks plainError as a runtime.Error.
//
//go:norace
func (plainError) RuntimeError() {}

// MakeChan is make(chan T, size).
//
//go:norace
func MakeChan[T any](size int) *Chan[T] {
	if size < 0 {
		panic(plainError("makechan: size out of range"))
	}
	c := &Chan[T]{}
	if size > 0 {
		c.buf = make([]T, size)
	}
	return c
}

// wake completes a waiter: the goroutine becomes runnable and, if it was in
// a select, its other cases are withdrawn.
//
//go:norace
func wake(x *g, sel *selWait, idx int) {
	if sel != nil {
		sel.fired = idx
		sel.withdraw(idx)
	}
	x.w.wakeUp(x)
}

// dporObj is the object an operation on c touches, for the reduction.
//
//go:norace
func (c *Chan[T]) dporObj() any {
	if c != nil && c.native != nil {
		return opGlobal
	}
	return c
}

// chanSend is ch <- v: Send (race.go, race_norace.go) calls it.
//
//go:norace
func chanSend[T any](c *Chan[T], v T) {
	w := cw
	if w == nil {
		if c != nil && (c.native != nil || c.closed || c.count < len(c.buf) || c.recvq.first != nil) {
			sendOutside(c, v)
			return
		}
		w = enterAmbient()
		defer leaveAmbient()
	}
	w.on(c.dporObj())
	w.point()
	if c == nil {
		blockForever(w, "chan send (nil chan)")
	}
	if c.native != nil {
		w.selectAfterPoint(false, []Case{OnSend(c, v)})
		return
	}
	raceChanSend(c)
	if c.closed {
		panic(plainError("send on closed channel"))
	}
	if c.trySend(w, v) {
		return
	}
	me := cur
	wt := waiterFor[T](me)
	*wt = waiter[T]{g: me, c: c, val: v, send: true}
	c.sendq.push(wt)
	me.wchan = wt
	w.on(c)
	w.block("chan send")
	me.wchan = nil
	if !wt.ok {
		panic(plainError("send on closed channel"))
	}
}

// trySend performs a send that does not block, if one is possible now. The
// caller has checked that c is open.
//
//go:norace
func (c *Chan[T]) trySend(w *world, v T) bool {
	if c.out != nil {
		c.forward(v)
	}
	if r := c.recvq.pop(); r != nil {
		raceChanPair(c, c.head, r.g)
		raceChanSkip(c)
		r.val = v
		r.ok = true
		r.done = true
		wake(r.g, r.sel, r.idx)
		return true
	}
	if c.count < len(c.buf) {
		i := c.head + c.count
		if i >= len(c.buf) {
			i -= len(c.buf)
		}
		c.buf[i] = v
		c.count++
		raceChanBuf(c, i)
		return true
	}
	return false
}

// forward offers a sent value to the real twin, if it has room: the twin
// stands for c in code that is not rewritten, which sees what it can.
//
//go:norace
func (c *Chan[T]) forward(v T) {
	select {
	case c.out <- v:
	default:
	}
}

// ToNative returns a real channel that stands for c, for the few methods
// whose signature code that is not rewritten dictates (context.Context's
// Done, http.CloseNotifier's CloseNotify): the twin is closed when c is, and
// sees values sent on c while it has room. Rewritten code that receives from
// the twin is handed c itself (NativeRecv).
//
//go:norace
func ToNative[T any](c *Chan[T]) <-chan T {
	if c == nil {
		return nil
	}
	if c.native != nil && c.native.r != nil {
		return c.native.r
	}
	if c.out == nil {
		c.out = make(chan T, max(len(c.buf), 1))
		if c.closed {
			close(c.out)
		}
	}
	if w := cw; w != nil {
		raceUpcall(func() { // -race: simrt's maps are touched on the simrt thread (racecoro.go)
			if w.twins == nil {
				w.twins = make(map[any]any)
			}
			w.twins[(<-chan T)(c.out)] = c
		})
	}
	return c.out
}

// waiterFor returns x's reusable waiter for channels of T. A goroutine
// waits on one plain operation at a time, and its waiter is out of every
// queue once the operation completes, so one per element type suffices and
// a blocking operation allocates nothing in the common case.
//
//go:norace
func waiterFor[T any](x *g) *waiter[T] {
	if wt, ok := x.wcache.(*waiter[T]); ok {
		return wt
	}
	wt := new(waiter[T])
	x.wcache = wt
	return wt
}

// Recv is <-ch.
//
//go:norace
func Recv[T any](c *Chan[T]) T {
	v, _ := Recv2(c)
	return v
}

// Recv2 is v, ok := <-ch.
//
//go:norace
func Recv2[T any](c *Chan[T]) (T, bool) {
	w := cw
	if w == nil {
		if c != nil && (c.native != nil || c.count > 0 || c.closed || c.sendq.first != nil) {
			return recvOutside(c)
		}
		w = enterAmbient()
		defer leaveAmbient()
	}
	w.on(c.dporObj())
	w.point()
	if c == nil {
		blockForever(w, "chan receive (nil chan)")
	}
	if c.native != nil {
		r := OnRecv(c)
		w.selectAfterPoint(false, []Case{r})
		return r.V, r.OK
	}
	if v, ok, done := c.tryRecv(w); done {
		return v, ok
	}
	me := cur
	wt := waiterFor[T](me)
	*wt = waiter[T]{g: me, c: c}
	c.recvq.push(wt)
	me.wchan = wt
	w.on(c)
	w.block("chan receive")
	me.wchan = nil
	return wt.val, wt.ok
}

// tryRecv performs a receive that does not block, if one is possible now.
//
//go:norace
func (c *Chan[T]) tryRecv(w *world) (v T, ok, done bool) {
	if s := c.sendq.pop(); s != nil {
		raceChanPair(c, c.head, s.g)
		if len(c.buf) == 0 {
			v = s.val
		} else {
			// Full buffer: take the oldest, the sender's value goes last.
			v = c.buf[c.head]
			c.buf[c.head] = s.val
			c.head++
			if c.head == len(c.buf) {
				c.head = 0
			}
		}
		s.ok = true
		s.done = true
		wake(s.g, s.sel, s.idx)
		return v, true, true
	}
	if c.count > 0 {
		raceChanBuf(c, c.head)
		var zero T
		v = c.buf[c.head]
		c.buf[c.head] = zero
		c.head++
		if c.head == len(c.buf) {
			c.head = 0
		}
		c.count--
		return v, true, true
	}
	if c.closed {
		raceChanClosed(c)
		return v, false, true
	}
	return v, false, false
}

// chanClose is close(ch): Close (race.go, race_norace.go) calls it.
//
//go:norace
func chanClose[T any](c *Chan[T]) {
	if c == nil {
		panic(plainError("close of nil channel"))
	}
	w := cw
	if w != nil {
		w.on(c.dporObj())
		w.point()
	}
	if c.native != nil {
		c.native.close()
		return
	}
	if c.closed {
		panic(plainError("close of closed channel"))
	}
	c.closed = true
	raceChanClose(c)
	if c.out != nil {
		close(c.out)
	}
	// Receivers get the zero value and ok == false; senders wake up to panic.
	for r := c.recvq.pop(); r != nil; r = c.recvq.pop() {
		var zero T
		r.val = zero
		r.ok = false
		r.done = true
		raceGive(r.g)
		wake(r.g, r.sel, r.idx)
	}
	for s := c.sendq.pop(); s != nil; s = c.sendq.pop() {
		s.ok = false
		s.done = true
		raceGive(s.g)
		wake(s.g, s.sel, s.idx)
	}
}

// Len is len(ch).
//
//go:norace
func Len[T any](c *Chan[T]) int {
	if c == nil || c.timer {
		return 0
	}
	if c.native != nil {
		return c.native.len()
	}
	return c.count
}

// Cap is cap(ch).
//
//go:norace
func Cap[T any](c *Chan[T]) int {
	if c == nil || c.timer {
		return 0
	}
	if c.native != nil {
		return c.native.cap()
	}
	return len(c.buf)
}

// blockForever parks the running goroutine for good (nil channels, empty
// select). It returns only by unwinding.
//
//go:norace
func blockForever(w *world, reason string) {
	for {
		w.block(reason)
	}
}

// sendOutside and recvOutside serve channel operations made outside any
// run that need not wait (Send and Recv2 check; one that must wait runs in
// ambient mode instead). A native channel is used as it is: outside a run
// nothing is simulated that it could block.
//
//go:norace
func sendOutside[T any](c *Chan[T], v T) {
	switch {
	case c.native != nil:
		c.native.s <- v
	case c.closed:
		panic(plainError("send on closed channel"))
	default:
		c.trySend(nil, v)
	}
}

//go:norace
func recvOutside[T any](c *Chan[T]) (T, bool) {
	if c.native != nil {
		v, ok := <-c.native.r
		return v, ok
	}
	v, ok, _ := c.tryRecv(nil)
	return v, ok
}

// RangeChan starts `for v := range ch` in a file before Go 1.22, whose one v
// lives across the loop: it returns ch and v's zero value, so the generated
// for statement can declare v without spelling its type.
//
//go:norace
func RangeChan[T any](c *Chan[T]) (*Chan[T], T) {
	var zero T
	return c, zero
}
