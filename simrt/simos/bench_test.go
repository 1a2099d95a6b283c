package simos_test

// This file holds benchmarks with their native twins: appends with a Sync
// every 16 of them, to a real file and to a node's disk.

import (
	"os"
	"path/filepath"
	"testing"

	"simgen.dev/simgen/simrt"
	"simgen.dev/simgen/simrt/simos"
)

var record = []byte("a log record of some sixty-four bytes, give or take a few.....\n")

func BenchmarkAppendSync(b *testing.B) {
	b.Run("native", func(b *testing.B) {
		f, err := os.Create(filepath.Join(b.TempDir(), "log"))
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		for i := 0; i < b.N; i++ {
			f.Write(record)
			if i%16 == 15 {
				f.Sync()
			}
		}
	})
	b.Run("node", func(b *testing.B) {
		simrt.Benchmark(b, func(b *testing.B) {
			dir := b.TempDir()
			runOn(simrt.NewNode("bench"), func() {
				f, err := simos.Create(filepath.Join(dir, "log"))
				if err != nil {
					b.Fatal(err)
				}
				defer f.Close()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					f.Write(record)
					if i%16 == 15 {
						f.Sync()
					}
				}
			})
		})
	})
}
