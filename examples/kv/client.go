package kv

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// ErrUnavailable means an operation could not reach a majority of the
// servers in time. Its outcome is unknown: a write may still take effect.
var ErrUnavailable = errors.New("kv: no majority reachable")

// Client reads and writes through majority quorums (ABD).
type Client struct {
	id      string
	servers []string
	timeout time.Duration // per quorum round

	// seq is the highest sequence number this client has written. Each
	// write takes a higher one, so that no two writes share a version
	// (Seq, Writer), even when a write that failed after reaching a
	// minority is followed by one whose majority never saw it.
	mu  sync.Mutex
	seq int64
}

// NewClient returns a client with a unique id for the given servers
// (host:port).
func NewClient(id string, servers []string) *Client {
	return &Client{id: id, servers: servers, timeout: 500 * time.Millisecond}
}

// Get returns the key's value ("" for a key never written).
func (c *Client) Get(ctx context.Context, key string) (string, error) {
	es, err := c.quorum(ctx, Request{Op: "get", Key: key})
	if err != nil {
		return "", err
	}
	newest := newestOf(es)
	// Write back, so that no later read can return an older value.
	if _, err := c.quorum(ctx, Request{Op: "put", Key: key, Entry: newest}); err != nil {
		return "", err
	}
	return newest.Value, nil
}

// Put writes value under key.
func (c *Client) Put(ctx context.Context, key, value string) error {
	es, err := c.quorum(ctx, Request{Op: "get", Key: key})
	if err != nil {
		return err
	}
	seq := newestOf(es).Version.Seq + 1
	c.mu.Lock()
	if seq <= c.seq {
		seq = c.seq + 1
	}
	c.seq = seq
	c.mu.Unlock()
	e := Entry{Version: Version{Seq: seq, Writer: c.id}, Value: value}
	_, err = c.quorum(ctx, Request{Op: "put", Key: key, Entry: e})
	return err
}

func newestOf(es []Entry) Entry {
	var newest Entry
	for _, e := range es {
		if newest.Version.Less(e.Version) {
			newest = e
		}
	}
	return newest
}

// quorum sends req to every server and returns the entries of the first
// majority that answers without error.
func (c *Client) quorum(ctx context.Context, req Request) ([]Entry, error) {
	type result struct {
		e   Entry
		err error
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	results := make(chan result, len(c.servers))
	for _, addr := range c.servers {
		go func(addr string) {
			e, err := c.call(ctx, addr, req)
			results <- result{e, err}
		}(addr)
	}
	need := len(c.servers)/2 + 1
	var es []Entry
	var errs []error
	for range c.servers {
		r := <-results
		if r.err != nil {
			errs = append(errs, r.err)
			if len(errs) > len(c.servers)-need {
				return nil, fmt.Errorf("%w: %v", ErrUnavailable, errors.Join(errs...))
			}
			continue
		}
		es = append(es, r.e)
		if len(es) == need {
			return es, nil
		}
	}
	return nil, ErrUnavailable
}

// call makes one round trip to one server, on a connection of its own.
func (c *Client) call(ctx context.Context, addr string, req Request) (Entry, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return Entry{}, err
	}
	defer conn.Close()
	// A round that has its majority cancels ctx: the stragglers stop.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	if err := json.NewEncoder(conn).Encode(&req); err != nil {
		return Entry{}, err
	}
	line, err := bufio.NewReader(conn).ReadBytes('\n')
	if err != nil {
		return Entry{}, err
	}
	var resp Response
	if err := json.Unmarshal(line, &resp); err != nil {
		return Entry{}, err
	}
	if resp.Err != "" {
		return Entry{}, errors.New(resp.Err)
	}
	return resp.Entry, nil
}
