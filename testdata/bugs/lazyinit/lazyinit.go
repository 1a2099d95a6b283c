// Package lazyinit loads a configuration on first use.
package lazyinit

import (
	"sync"
	"sync/atomic"
)

type Config struct{ Name string }

var (
	cfg   atomic.Pointer[Config]
	once  sync.Once
	loads atomic.Int32
)

func load() *Config {
	loads.Add(1)
	return &Config{Name: "prod"}
}

// Get initializes lazily with a nil check and no sync.Once: two first
// callers can both see nil and both load.
func Get() *Config {
	if c := cfg.Load(); c != nil {
		return c
	}
	c := load()
	cfg.Store(c)
	return c
}

// GetFixed initializes with sync.Once.
func GetFixed() *Config {
	once.Do(func() { cfg.Store(load()) })
	return cfg.Load()
}

// Reset forgets the configuration (for tests).
func Reset() {
	cfg.Store(nil)
	once = sync.Once{}
	loads.Store(0)
}
