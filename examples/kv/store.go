// Package kv is a small replicated key-value store, the bundled example of
// simgen's simulated machines: three servers, each with its own disk, and
// clients that read and write through majority quorums over TCP (the ABD
// algorithm: a write takes a version higher than any a majority has seen
// and stores it on a majority; a read takes the highest version a majority
// holds and writes it back to a majority before it returns). As long as
// every server keeps what it acknowledged, every history is linearizable,
// through crashes, restarts and partitions.
//
// The store has one real, seeded bug, behind Config.AckBeforeSync: the
// server acknowledges a write as soon as it is in the operating system's
// hands, before fsync. A crash can then lose a write a majority
// acknowledged, and a later read returns an older value. kv_test.go finds
// it with many seeds and porcupine's linearizability checker.
package kv

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// Version orders the writes of one key: a sequence number, ties broken by
// the writer's id.
type Version struct {
	Seq    int64  `json:"seq"`
	Writer string `json:"writer"`
}

// Less reports whether v is older than u.
func (v Version) Less(u Version) bool {
	if v.Seq != u.Seq {
		return v.Seq < u.Seq
	}
	return v.Writer < u.Writer
}

// Entry is a key's value with its version.
type Entry struct {
	Version Version `json:"version"`
	Value   string  `json:"value"`
}

// Store is a server's durable map: every accepted write is appended to a
// write-ahead log, a record of a length, a CRC-32 and a JSON body.
// Opening the store replays the log and cuts off a torn or partial tail.
type Store struct {
	mu   sync.Mutex
	f    *os.File
	data map[string]Entry
	sync bool // fsync each record before Put returns
}

type record struct {
	Key   string `json:"key"`
	Entry Entry  `json:"entry"`
}

// OpenStore opens (or creates) the store in dir. With syncWrites, Put
// returns only once its record is durable.
func OpenStore(dir string, syncWrites bool) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	name := filepath.Join(dir, "kv.wal")
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	s := &Store{f: f, data: map[string]Entry{}, sync: syncWrites}
	good, err := s.replay()
	if err != nil {
		f.Close()
		return nil, err
	}
	// Cut a torn tail, so the next record follows the last good one.
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// replay applies the log's records and returns the offset after the last
// whole one.
func (s *Store) replay() (int64, error) {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	r := bufio.NewReader(s.f)
	var good int64
	var hdr [8]byte
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return good, nil // end of log, or a torn header
		}
		n := binary.LittleEndian.Uint32(hdr[:4])
		sum := binary.LittleEndian.Uint32(hdr[4:])
		if n > 1<<20 {
			return good, nil
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil || crc32.ChecksumIEEE(body) != sum {
			return good, nil // a torn record
		}
		var rec record
		if err := json.Unmarshal(body, &rec); err != nil {
			return good, nil
		}
		s.apply(rec.Key, rec.Entry)
		good += int64(len(hdr)) + int64(n)
	}
}

func (s *Store) apply(key string, e Entry) bool {
	if old, ok := s.data[key]; ok && !old.Version.Less(e.Version) {
		return false
	}
	s.data[key] = e
	return true
}

// Get returns the key's entry (the zero Entry for a key never written).
func (s *Store) Get(key string) Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data[key]
}

// Put stores e for key if it is newer than what the store holds, and
// returns once the record is written (and synced, if the store syncs).
func (s *Store) Put(key string, e Entry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.data[key]; ok && !old.Version.Less(e.Version) {
		return nil // an older or repeated write: nothing to do
	}
	body, err := json.Marshal(record{Key: key, Entry: e})
	if err != nil {
		return err
	}
	buf := make([]byte, 8+len(body))
	binary.LittleEndian.PutUint32(buf[:4], uint32(len(body)))
	binary.LittleEndian.PutUint32(buf[4:8], crc32.ChecksumIEEE(body))
	copy(buf[8:], body)
	if _, err := s.f.Write(buf); err != nil {
		return fmt.Errorf("wal write: %w", err)
	}
	if s.sync {
		if err := s.f.Sync(); err != nil {
			return fmt.Errorf("wal sync: %w", err)
		}
	}
	s.data[key] = e
	return nil
}

// Flush syncs the log: the group commit of a store that does not sync
// each write.
func (s *Store) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return errors.New("kv: store closed")
	}
	return s.f.Sync()
}

// Close closes the log.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return errors.New("kv: store closed")
	}
	err := s.f.Close()
	s.f = nil
	return err
}
