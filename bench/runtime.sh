#!/bin/bash
# Side by side, in one run: cruntime against runc (and crun when installed) on
# one busybox bundle, plus a floor (unshare of the same namespaces + exec),
# and cruntime run from a read-only mount (no sealed copy of itself).
#   run     start to exit of `run` of a container running /bin/true
#   cycle   create -> start -> (exit) -> delete -f
#   rss     peak RSS of one `run` (KiB, GNU time)
# Ratios matter, not absolute numbers: these machines are shared and noisy.
#   bench/runtime.sh BUILDDIR [RUNS]      (as root; BUILDDIR holds cruntime)
set -euo pipefail

# crun 1.8 refuses hybrid hosts (v1 plus a cgroup2 "unified" mount, like
# these machines): every runtime then runs in one private mount namespace
# without that mount, so all three see the same plain v1 host.
if [ -z "${CT_BENCH_NS:-}" ] && command -v crun >/dev/null && mountpoint -q /sys/fs/cgroup/unified; then
	exec unshare --mount --propagation private env CT_BENCH_NS=1 \
		bash -c 'umount /sys/fs/cgroup/unified && exec "$0" "$@"' "$0" "$@"
fi

build=$(cd "${1:?usage: bench/runtime.sh BUILDDIR [RUNS]}" && pwd)
runs=${2:-50}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$here/../tests/fixtures/mk-busybox-rootfs.sh" "$work/bundle/rootfs"
"$build/cruntime" spec -b "$work/bundle"
# ociVersion 1.0.2: crun 1.8 refuses versions it does not know
jq '.ociVersion = "1.0.2" | .process.terminal = false | .process.args = ["true"] | del(.linux.resources)' \
	"$work/bundle/config.json" >"$work/c" && mv "$work/c" "$work/bundle/config.json"

now_ns() { date +%s%N; }

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# time_runs CMD...: the median wall time of RUNS runs, in µs
time_runs() {
	local i t0 t1
	for ((i = 0; i < runs; i++)); do
		t0=$(now_ns)
		"$@" "$i" >/dev/null 2>&1 </dev/null
		t1=$(now_ns)
		echo $(((t1 - t0) / 1000))
	done | median
}

run_one() { "$1" --root "$work/state" run -b "$work/bundle" "r$2"; }
cycle_one() {
	"$1" --root "$work/state" create -b "$work/bundle" "c$2" &&
		"$1" --root "$work/state" start "c$2" &&
		"$1" --root "$work/state" delete -f "c$2"
}
floor_one() { unshare --mount --pid --fork --uts --ipc --net /bin/true; }

rss_of() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M "$1" --root "$work/state" run -b "$work/bundle" rss 2>&1 >/dev/null | tail -n1
	else
		echo -
	fi
}

printf '%-9s %14s %16s %14s\n' runtime "run median µs" "cycle median µs" "peak RSS KiB"
floor=$(time_runs floor_one)
printf '%-9s %14s %16s %14s\n' unshare "$floor" - -
base_run=$(time_runs run_one "$build/cruntime")
base_cycle=$(time_runs cycle_one "$build/cruntime")
printf '%-9s %14s %16s %14s\n' cruntime "$base_run" "$base_cycle" "$(rss_of "$build/cruntime")"
# cruntime-ro: installed on a read-only mount (an image-based host's /usr),
# where it needs no sealed copy of itself (specs/cruntime.1.md SECURITY)
mkdir "$work/ro"
cp "$build/cruntime" "$work/ro/cruntime"
if mount --bind "$work/ro" "$work/ro" 2>/dev/null && mount -o remount,bind,ro "$work/ro"; then
	trap 'umount "$work/ro"; rm -rf "$work"' EXIT
	printf '%-9s %14s %16s %14s\n' cruntime-ro "$(time_runs run_one "$work/ro/cruntime")" \
		"$(time_runs cycle_one "$work/ro/cruntime")" "$(rss_of "$work/ro/cruntime")"
fi
for peer in runc crun; do
	command -v "$peer" >/dev/null || continue
	r=$(time_runs run_one "$(command -v "$peer")")
	c=$(time_runs cycle_one "$(command -v "$peer")")
	printf '%-9s %14s %16s %14s   cruntime/%s: run %s, cycle %s\n' "$peer" "$r" "$c" "$(rss_of "$(command -v "$peer")")" \
		"$peer" "$(awk -v a="$base_run" -v b="$r" 'BEGIN { printf "%.2f", a / b }')" \
		"$(awk -v a="$base_cycle" -v b="$c" 'BEGIN { printf "%.2f", a / b }')"
done
