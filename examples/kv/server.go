package kv

import (
	"bufio"
	"encoding/json"
	"errors"
	"net"
	"sync"
	"time"
)

// Config configures a server.
type Config struct {
	// Dir is where the server keeps its log.
	Dir string
	// AckBeforeSync is the seeded bug: acknowledge a write once it is
	// written, and sync the log in the background every SyncEvery (a
	// group commit that trades durability for latency).
	AckBeforeSync bool
	// SyncEvery is the background sync interval with AckBeforeSync
	// (default 1s, as Redis's appendfsync everysec).
	SyncEvery time.Duration
}

// Request is one line a client sends.
type Request struct {
	Op    string `json:"op"` // "get" or "put"
	Key   string `json:"key"`
	Entry Entry  `json:"entry"` // for put
}

// Response is one line a server answers.
type Response struct {
	Entry Entry  `json:"entry"` // for get
	Err   string `json:"err,omitempty"`
}

// Server serves a Store over TCP, one JSON request and response per line.
type Server struct {
	cfg   Config
	store *Store
	ln    net.Listener
	wg    sync.WaitGroup
	done  chan struct{}
}

// NewServer opens the store in cfg.Dir.
func NewServer(cfg Config) (*Server, error) {
	st, err := OpenStore(cfg.Dir, !cfg.AckBeforeSync)
	if err != nil {
		return nil, err
	}
	if cfg.SyncEvery == 0 {
		cfg.SyncEvery = time.Second
	}
	return &Server{cfg: cfg, store: st, done: make(chan struct{})}, nil
}

// ListenAndServe listens on addr and serves until Close.
func (s *Server) ListenAndServe(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Serve serves connections from ln until Close.
func (s *Server) Serve(ln net.Listener) error {
	s.ln = ln
	if s.cfg.AckBeforeSync {
		s.wg.Add(1)
		go s.syncLoop()
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			select {
			case <-s.done:
				return nil
			default:
				return err
			}
		}
		s.wg.Add(1)
		go s.serveConn(c)
	}
}

func (s *Server) syncLoop() {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.SyncEvery)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			s.store.Flush()
		}
	}
}

func (s *Server) serveConn(c net.Conn) {
	defer s.wg.Done()
	defer c.Close()
	r := bufio.NewReader(c)
	enc := json.NewEncoder(c)
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			return
		}
		var req Request
		var resp Response
		if err := json.Unmarshal(line, &req); err != nil {
			resp.Err = "bad request: " + err.Error()
		} else {
			switch req.Op {
			case "get":
				resp.Entry = s.store.Get(req.Key)
			case "put":
				if err := s.store.Put(req.Key, req.Entry); err != nil {
					resp.Err = err.Error()
				}
			default:
				resp.Err = "unknown op " + req.Op
			}
		}
		if err := enc.Encode(&resp); err != nil {
			return
		}
	}
}

// Close stops the server and closes its store.
func (s *Server) Close() error {
	close(s.done)
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	s.wg.Wait()
	if cerr := s.store.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}
