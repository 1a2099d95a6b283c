package simrt

// This file holds sync.Map on the simulated scheduler. It is deterministic:
// nothing about it depends on addresses or hash seeds.
//
// Map keeps its entries in insertion order (a native map from key to slot
// plus a slice of slots), and Range visits them in an order drawn from the
// world's seed, a fresh one per Range: a program that relies on an order
// sync.Map never promised fails under some seed, and the same seed always
// gives the same order.
//
// Invariants:
//   - m.index[k] == i exactly when m.slots[i] is live and holds key k.
//   - Deleted slots stay in place, dead, so the survivors keep their
//     order; dead slots are compacted away when they outnumber live ones.
//   - Every operation is a scheduling point before it takes effect, and
//     Range is one before each visit, so other goroutines may change the
//     map while it is visited, as Go allows.
//   - Range visits each key at most once, with its value at the time of the
//     visit, and skips keys deleted meanwhile; keys stored after Range began
//     are not visited (Go permits either).
//
// Independence (dpor.go): every operation touches its Map and nothing else.
// Load and each step of Range only read it, so they commute with each
// other; every other operation writes it (per-key independence would not
// hold: a store of a new key changes the order Range draws from). Range's
// shuffle is a draw from the program's random stream (randStream).

// Map is sync.Map on the simulated scheduler. The zero Map is empty and
// ready for use.
type Map struct {
	_     noCopy
	index map[any]int // key to its slot in slots
	slots []mapSlot   // in insertion order, dead slots included
	live  int         // live slots
}

type mapSlot struct {
	key, value any
	dead       bool
}

// syncPoint is the scheduling point of the operations that never block,
// before an operation on obj (a *Map or a *Pool; reading{obj} for a read).
//
//go:norace
func syncPoint(obj any) {
	if w := cw; w != nil {
		w.on(obj)
		w.point()
	}
}

// find returns the slot of key, or nil.
//
//go:norace
func (m *Map) find(key any) *mapSlot {
	if raceEnabled && raceOffSimrt() { // -race: index is a map, touched on the simrt thread (racecoro.go)
		var sl *mapSlot
		raceUpcall(func() { sl = m.find(key) })
		return sl
	}
	i, ok := m.index[key]
	if !ok {
		return nil
	}
	return &m.slots[i]
}

// add appends a new key; the caller has checked it is absent.
//
//go:norace
func (m *Map) add(key, value any) {
	if raceEnabled && raceOffSimrt() { // -race: index is a map, touched on the simrt thread (racecoro.go)
		raceUpcall(func() { m.add(key, value) })
		return
	}
	if m.index == nil {
		m.index = make(map[any]int)
	}
	m.index[key] = len(m.slots)
	m.slots = append(m.slots, mapSlot{key: key, value: value})
	m.live++
}

// del removes the live slot s of key.
//
//go:norace
func (m *Map) del(key any, s *mapSlot) {
	if raceEnabled && raceOffSimrt() { // -race: index is a map, touched on the simrt thread (racecoro.go)
		raceUpcall(func() { m.del(key, s) })
		return
	}
	delete(m.index, key)
	*s = mapSlot{dead: true}
	m.live--
	if dead := len(m.slots) - m.live; dead > 16 && dead > m.live {
		m.compact()
	}
}

// compact drops dead slots, keeping the order of the live ones.
//
//go:norace
func (m *Map) compact() {
	n := 0
	for _, s := range m.slots {
		if !s.dead {
			m.index[s.key] = n
			m.slots[n] = s
			n++
		}
	}
	for i := n; i < len(m.slots); i++ {
		m.slots[i] = mapSlot{}
	}
	m.slots = m.slots[:n]
}

// Load returns the value stored for key, or nil; ok reports whether a value
// was present.
//
//go:norace
func (m *Map) Load(key any) (value any, ok bool) {
	syncPoint(reading{m})
	raceMapRead(m)
	if s := m.find(key); s != nil {
		return s.value, true
	}
	return nil, false
}

// Store sets the value for key.
//
//go:norace
func (m *Map) Store(key, value any) {
	syncPoint(m)
	raceMapWrite(m)
	if s := m.find(key); s != nil {
		s.value = value
		return
	}
	m.add(key, value)
}

// Clear deletes all the entries, leaving an empty Map.
//
//go:norace
func (m *Map) Clear() {
	syncPoint(m)
	raceMapWrite(m)
	m.index = nil
	m.slots = nil
	m.live = 0
}

// LoadOrStore returns the existing value for key if present (loaded is
// true); otherwise it stores value and returns it.
//
//go:norace
func (m *Map) LoadOrStore(key, value any) (actual any, loaded bool) {
	syncPoint(m)
	raceMapWrite(m)
	if s := m.find(key); s != nil {
		return s.value, true
	}
	m.add(key, value)
	return value, false
}

// LoadAndDelete deletes the value for key, returning the previous value if
// any; loaded reports whether the key was present.
//
//go:norace
func (m *Map) LoadAndDelete(key any) (value any, loaded bool) {
	syncPoint(m)
	raceMapWrite(m)
	s := m.find(key)
	if s == nil {
		return nil, false
	}
	value = s.value
	m.del(key, s)
	return value, true
}

// Delete deletes the value for key.
//
//go:norace
func (m *Map) Delete(key any) {
	m.LoadAndDelete(key)
}

// Swap stores value for key and returns the previous value if any; loaded
// reports whether the key was present.
//
//go:norace
func (m *Map) Swap(key, value any) (previous any, loaded bool) {
	syncPoint(m)
	raceMapWrite(m)
	if s := m.find(key); s != nil {
		previous, s.value = s.value, value
		return previous, true
	}
	m.add(key, value)
	return nil, false
}

// CompareAndSwap swaps the old and new values for key if the value stored
// in the map equals old. The old value must be of a comparable type.
//
//go:norace
func (m *Map) CompareAndSwap(key, old, new any) (swapped bool) {
	syncPoint(m)
	raceMapWrite(m)
	s := m.find(key)
	if s == nil || s.value != old {
		return false
	}
	s.value = new
	return true
}

// CompareAndDelete deletes the entry for key if its value equals old. The
// old value must be of a comparable type. If there is no current value for
// key, it returns false, even if old is nil.
//
//go:norace
func (m *Map) CompareAndDelete(key, old any) (deleted bool) {
	syncPoint(m)
	raceMapWrite(m)
	s := m.find(key)
	if s == nil || s.value != old {
		return false
	}
	m.del(key, s)
	return true
}

// Range calls f for each key and value present in the map, in an order
// drawn from the seed, until f returns false. Keys deleted during the Range
// are skipped, and a key stored again is visited with its current value;
// f may call any method of m.
//
//go:norace
func (m *Map) Range(f func(key, value any) bool) {
	w := cw
	if w != nil {
		w.on(reading{m})
		w.point()
	}
	keys := make([]any, 0, m.live)
	for _, s := range m.slots {
		if !s.dead {
			keys = append(keys, s.key)
		}
	}
	if w != nil && len(keys) > 1 {
		w.userRand().Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		w.dec.event(evRand, len(keys))
	}
	for i, k := range keys {
		if i > 0 && w != nil {
			w.on(reading{m})
			w.point()
		}
		s := m.find(k)
		if s == nil {
			continue
		}
		raceMapRead(m)
		if !f(k, s.value) {
			return
		}
	}
}
