#!/bin/sh
# Side by side: start-to-exit time of a busybox `true` container, cruntime vs
# runc (and crun when installed), on one bundle, in one run.  Ratios matter,
# not absolute numbers: the machines are shared and noisy.
#   bench/runtime.sh BUILDDIR [RUNS]      (as root; BUILDDIR holds cruntime)
set -eu

build=$(cd "${1:?usage: bench/runtime.sh BUILDDIR [RUNS]}" && pwd)
runs=${2:-50}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$here/../tests/fixtures/mk-busybox-rootfs.sh" "$work/bundle/rootfs"
"$build/cruntime" spec -b "$work/bundle"
jq '.process.terminal = false | .process.args = ["true"] | del(.linux.resources)' \
	"$work/bundle/config.json" >"$work/c" && mv "$work/c" "$work/bundle/config.json"

# mean wall time in ms of RUNS `RUNTIME run` of the bundle; peak RSS of one run in KiB
measure() {
	rt=$1
	start=$(date +%s%N)
	i=0
	while [ "$i" -lt "$runs" ]; do
		"$rt" --root "$work/state" run -b "$work/bundle" "bench$i" >/dev/null 2>&1
		i=$((i + 1))
	done
	end=$(date +%s%N)
	ms=$(((end - start) / runs / 1000))
	rss=-
	if [ -x /usr/bin/time ]; then
		rss=$(/usr/bin/time -f %M "$rt" --root "$work/state" run -b "$work/bundle" rss 2>&1 >/dev/null | tail -n1)
	fi
	printf '%s %s %s\n' "$ms" "$rss" "$rt"
}

printf '%-10s %12s %14s\n' runtime "mean µs/run" "peak RSS KiB"
base=$(measure "$build/cruntime")
set -- $base
printf '%-10s %12s %14s\n' cruntime "$1" "$2"
for peer in runc crun; do
	command -v "$peer" >/dev/null || continue
	set -- $(measure "$(command -v "$peer")")
	printf '%-10s %12s %14s   cruntime/%s = %s\n' "$peer" "$1" "$2" "$peer" \
		"$(awk -v a="${base%% *}" -v b="$1" 'BEGIN { printf "%.2f", a / b }')"
done
