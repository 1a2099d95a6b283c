#!/bin/sh
# toolchains.sh runs end-to-end cases (default: nethttp, the case that
# rewrites net/http in place in GOROOT) under other Go toolchains than the
# one on PATH: every Go version go.mod allows should generate, build and
# pass them. It is not part of go test ./... (each toolchain is a 240 MB
# download on first use and a cold build of the standard library).
#
# Usage, from the repository root:
#
#	e2e/toolchains.sh [-run REGEXP] [goVERSION...]
#
# The default versions are go1.26.0 (the oldest go.mod allows) and the
# local toolchain. Each toolchain is fetched through the module proxy
# (GOTOOLCHAIN=goVERSION go version) and copied out of the module cache into
# a scratch directory, since the go command refuses overlays of files
# beneath GOMODCACHE, GOROOT included; the e2e test is then built and run
# by that toolchain with GOTOOLCHAIN=local, so the go commands it runs are
# that toolchain's too (go test puts GOROOT/bin first on PATH).
set -eu

run='TestCases/nethttp$'
if [ "${1:-}" = "-run" ]; then
	run=$2
	shift 2
fi
versions=${*:-go1.26.0 local}

scratch=${SIMGEN_TOOLCHAINS:-${TMPDIR:-/tmp}/simgen-toolchains}
mkdir -p "$scratch"
status=0
for v in $versions; do
	if [ "$v" = local ]; then
		bin=$(GOTOOLCHAIN=local go env GOROOT)/bin
	else
		dir=$scratch/$v
		if [ ! -x "$dir/bin/go" ]; then
			GOTOOLCHAIN=$v go version >/dev/null
			root=$(GOTOOLCHAIN=$v go env GOROOT)
			rm -rf "$dir.tmp"
			cp -R "$root" "$dir.tmp"
			chmod -R u+w "$dir.tmp"
			mv "$dir.tmp" "$dir"
		fi
		bin=$dir/bin
	fi
	got=$(PATH=$bin:$PATH GOTOOLCHAIN=local go version)
	echo "== $got"
	start=$(date +%s)
	if PATH=$bin:$PATH GOTOOLCHAIN=local go test -count=1 -run "$run" ./e2e; then
		echo "== $v: ok in $(($(date +%s) - start))s"
	else
		echo "== $v: FAIL"
		status=1
	fi
done
exit $status
