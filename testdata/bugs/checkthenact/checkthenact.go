// Package checkthenact registers users with unique names.
package checkthenact

import (
	"errors"
	"sync"
)

var ErrTaken = errors.New("name taken")

type Registry struct {
	mu    sync.Mutex
	users map[string]int
	next  int
}

func New() *Registry { return &Registry{users: map[string]int{}} }

func (r *Registry) exists(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.users[name]
	return ok
}

// Register checks that the name is free and inserts it in two critical
// sections: two registrations of one name can both pass the check.
func (r *Registry) Register(name string) (int, error) {
	if r.exists(name) {
		return 0, ErrTaken
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.next++
	r.users[name] = r.next
	return r.next, nil
}

// RegisterFixed checks and inserts in one critical section.
func (r *Registry) RegisterFixed(name string) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.users[name]; ok {
		return 0, ErrTaken
	}
	r.next++
	r.users[name] = r.next
	return r.next, nil
}
