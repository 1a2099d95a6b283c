module example.com/kv

go 1.26.0

require simgen.dev/simgen v0.0.0

require github.com/anishathalye/porcupine v1.3.1

replace simgen.dev/simgen => ../..
