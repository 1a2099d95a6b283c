#!/usr/bin/env bash
# e2e/slurm/run.sh: a simgen campaign on a real workload manager.
#
# It brings up a single-node Slurm cluster on this machine (munged,
# slurmctld and slurmd on localhost, from Debian's slurm-wlm and munge
# packages), runs a campaign as a job array of N shards over examples/bank
# and over the bug corpus (testdata/bugs), merges the shards' results with
# simgen merge, and checks that the merged report is the one a single
# simgen run over the same seeds prints (all but the last line, which
# holds wall times). It needs root (to start the daemons) and takes a few
# minutes, so it is not part of go test ./...:
#
#	apt-get install -y slurm-wlm munge      # once
#	e2e/slurm/run.sh [shards] [bank seeds] [corpus seeds]
#
# Each shard runs in its own copy of the module, as it would on its own
# machine. The daemons and the copies are removed on exit.
set -euo pipefail
shards=${1:-4}
bankSeeds=${2:-2000}
corpusSeeds=${3:-100}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/simgen-slurm.XXXXXX)
chmod 755 "$work"
host=$(hostname -s)
cpus=$(nproc)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	sleep 1
	rm -rf "$work"
}
trap cleanup EXIT
say() { echo "e2e/slurm: $*"; }

for cmd in munged slurmctld slurmd sbatch squeue sinfo; do
	command -v "$cmd" >/dev/null || { say "$cmd not found: apt-get install -y slurm-wlm munge"; exit 2; }
done
[ "$(id -u)" = 0 ] || { say "needs root to start munged, slurmctld and slurmd"; exit 2; }

# munge: a key of our own, and a daemon on a socket of our own.
mkdir -p "$work/munge"/{etc,run,log,lib}
dd if=/dev/urandom of="$work/munge/etc/munge.key" bs=1024 count=1 status=none
chmod 700 "$work/munge"/{etc,run,log,lib}
chmod 400 "$work/munge/etc/munge.key"
sock=$work/munge/run/munge.socket
munged --force --key-file="$work/munge/etc/munge.key" --socket="$sock" \
	--pid-file="$work/munge/run/munged.pid" --log-file="$work/munge/log/munged.log" \
	--seed-file="$work/munge/lib/munged.seed"
pids+=("$(cat "$work/munge/run/munged.pid")")

# Slurm: one node, this machine, every CPU; no cgroups (containers often
# have none to give).
mkdir -p "$work/slurm"/{state,spool,log}
conf=$work/slurm/slurm.conf
cat >"$conf" <<CONF
ClusterName=simgen
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
StateSaveLocation=$work/slurm/state
SlurmdSpoolDir=$work/slurm/spool
SlurmctldPidFile=$work/slurm/slurmctld.pid
SlurmdPidFile=$work/slurm/slurmd.pid
SlurmctldLogFile=$work/slurm/log/slurmctld.log
SlurmdLogFile=$work/slurm/log/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=campaign Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$conf
slurmctld -f "$conf"
slurmd -f "$conf"
sleep 2
pids+=("$(cat "$work/slurm/slurmctld.pid")" "$(cat "$work/slurm/slurmd.pid")")
for i in $(seq 30); do
	sinfo -h -o %T 2>/dev/null | grep -q idle && break
	sleep 1
done
sinfo -h -o "%P %D %c %T" | sed 's/^/e2e\/slurm: sinfo: /'
sinfo -h -o %T | grep -q idle || { say "the node did not come up"; tail -20 "$work/slurm/log/"*.log; exit 1; }

# simgen, built once; the modules, copied once per shard and once for the
# one-machine run.
mkdir -p "$work/bin" "$work/results"
(cd "$root" && go build -o "$work/bin/simgen" ./cmd/simgen)
export PATH=$work/bin:$PATH GOFLAGS=-mod=mod GOWORK=off
chmod -R a+rX "$work"

campaign() { # name dir seeds
	local name=$1 dir=$2 seeds=$3
	for k in one $(seq 0 $((shards - 1))); do
		mkdir -p "$work/$name/$k"
		cp -r "$root/$dir" "$work/$name/$k/mod"
		rm -rf "$work/$name/$k/mod/.simbuild" "$work/$name/$k/mod/testdata/simgen"
	done
	say "$name: one machine, $seeds seeds"
	local t0=$SECONDS
	(cd "$work/$name/one/mod" && simgen test -seeds "$seeds" -keep=false -json "$work/results/$name-one.json" ./... >"$work/results/$name-one.txt" 2>"$work/results/$name-one.err") || true
	say "$name: one machine took $((SECONDS - t0))s"
	# The job array: task K runs shard K of N, from SLURM_ARRAY_TASK_ID
	# and SLURM_ARRAY_TASK_COUNT.
	cat >"$work/$name/job.sh" <<JOB
#!/bin/bash
cd "$work/$name/\$SLURM_ARRAY_TASK_ID/mod"
simgen test -seeds $seeds -parallel 1 -keep=false -json "$work/results/$name-\$SLURM_ARRAY_TASK_ID.json" ./... >"$work/results/$name-\$SLURM_ARRAY_TASK_ID.txt" 2>&1
rc=\$?
# 1: the campaign found failures, which is what it is for.
[ \$rc -le 1 ] || exit \$rc
JOB
	t0=$SECONDS
	local job
	job=$(sbatch --parsable --array=0-$((shards - 1)) --cpus-per-task=1 --output="$work/results/$name-%a.slurm" \
		--export=ALL --job-name="simgen-$name" "$work/$name/job.sh")
	say "$name: job array $job, $shards shards"
	while squeue -h -j "$job" 2>/dev/null | grep -q .; do sleep 2; done
	say "$name: job array took $((SECONDS - t0))s"
	local files=()
	for k in $(seq 0 $((shards - 1))); do
		[ -s "$work/results/$name-$k.json" ] || { say "$name: shard $k wrote no results"; cat "$work/results/$name-$k".{txt,slurm} 2>/dev/null | tail -20; exit 1; }
		files+=("$work/results/$name-$k.json")
	done
	(cd "$work/$name/0/mod" && simgen merge "${files[@]}" >"$work/results/$name-merged.txt") || true
	# Each copy of the module has its own path, as each machine would:
	# stack traces name it. Everything else must be the same.
	norm() { sed '$d' "$1" | sed -E "s|$work/$name/[^/]+/mod|MOD|g; s/\([0-9]+\.[0-9]+s\)/(X)/g"; }
	if diff <(norm "$work/results/$name-one.txt") <(norm "$work/results/$name-merged.txt") >"$work/results/$name.diff"; then
		say "$name: PASS: the merged report of $shards shards equals the one-machine report"
	else
		say "$name: FAIL: the merged report differs from the one-machine report:"
		cat "$work/results/$name.diff"
		exit 1
	fi
	grep -E '^simgen: (explored|shard|[0-9]+ shards)' "$work/results/$name-one.txt" "$work/results/$name-merged.txt" | sed "s|$work/results/||; s/^/e2e\/slurm: /"
	grep -cE '^FAIL\s' "$work/results/$name-merged.txt" | sed "s/^/e2e\/slurm: $name: distinct failures reported: /"
}

campaign bank examples/bank "$bankSeeds"
campaign bugs testdata/bugs "$corpusSeeds"
say "PASS"
