#!/usr/bin/env bats
# cruntime events: runc's stats and OOM records of a running container, on
# cgroup v1 (this host, hybrid) and v2.  Each test's cgroup lives under a
# parent of its own, /ct-test-events-N-PID, removed in teardown.

load ../lib/helpers

setup() {
	requires root jq
	setup_bundle
	CG_PARENT="ct-test-events-$BATS_TEST_NUMBER-$$"
	update_config '.process.args = ["/testinit", "pause"]
		| .linux.cgroupsPath = "/'"$CG_PARENT"'/ctr"
		| .linux.resources.memory = {"limit": 33554432}
		| .linux.resources.pids = {"limit": 64}'
}

teardown() {
	[ -n "${EVENTS_PID:-}" ] && kill "$EVENTS_PID" 2>/dev/null
	teardown_bundle
	local m
	[ -n "${CG_PARENT:-}" ] || return 0
	for m in /sys/fs/cgroup /sys/fs/cgroup/*; do
		[ -d "$m/$CG_PARENT/ctr" ] && rmdir "$m/$CG_PARENT/ctr"
		[ -d "$m/$CG_PARENT" ] && rmdir "$m/$CG_PARENT"
	done
	true
}

cgroup_v2() {
	# busybox's stat (the qemu guest) has no %T: the v2 root file tells
	[ -f /sys/fs/cgroup/cgroup.controllers ]
}

@test "events --stats prints one stats record of the container's cgroup" {
	ct_run_d ev1
	sane_run cruntime events --stats ev1
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r .type <<<"$output")" = stats ]
	[ "$(jq -r .id <<<"$output")" = ev1 ]
	[ "$(jq '.data.memory.usage.usage > 0' <<<"$output")" = true ]
	[ "$(jq .data.memory.usage.limit <<<"$output")" -eq 33554432 ]
	[ "$(jq '.data.pids.current >= 1' <<<"$output")" = true ]
	[ "$(jq .data.pids.limit <<<"$output")" -eq 64 ]
	[ "$(jq '.data.cpu.usage.total > 0' <<<"$output")" = true ]
	# runc's shape: every section present, even when empty
	[ "$(jq -c '.data | keys_unsorted' <<<"$output")" = \
		'["cpu","cpuset","memory","pids","blkio","hugetlb","intel_rdt","network_interfaces"]' ]
	[ "$(jq -c '.data.memory.kernelTCP | keys' <<<"$output")" != null ]
	[ "$(jq -r '.data.memory.raw | type' <<<"$output")" = object ]
	if cgroup_v2; then
		[ "$(jq '.data.memory.raw | has("anon")' <<<"$output")" = true ]
	else
		[ "$(jq '.data.memory.raw.hierarchical_memory_limit' <<<"$output")" -eq 33554432 ]
		[ "$(jq '.data.cpu.usage.percpu | length > 0' <<<"$output")" = true ]
	fi
}

@test "events --stats has the sections and keys runc 1.1 prints" {
	requires runc
	cgroup_v2 && skip "compared on the v1 host only"
	ct_run_d ev1
	local rroot=$BUNDLE/runc-root
	update_config '.linux.cgroupsPath = "/'"$CG_PARENT"'/runc"'
	runc --root "$rroot" run -d -b "$BUNDLE" evr </dev/null >/dev/null 2>&1
	local ours theirs
	ours=$(cruntime events --stats ev1)
	theirs=$(runc --root "$rroot" events --stats evr)
	runc --root "$rroot" delete -f evr
	local m
	for m in /sys/fs/cgroup/*; do
		[ -d "$m/$CG_PARENT/runc" ] && rmdir "$m/$CG_PARENT/runc"
	done
	local q
	for q in '.data | keys_unsorted' '.data.cpu | keys_unsorted' '.data.cpu.usage | keys_unsorted' \
		'.data.cpuset | keys_unsorted' '.data.memory.usage | keys_unsorted' '.data.memory.swap | keys_unsorted' \
		'.data.memory.kernelTCP | keys_unsorted' '.data.pids | keys_unsorted' '.data.hugetlb' '.data.intel_rdt' \
		'.data.network_interfaces' '.data.memory.raw | keys'; do
		echo "$q: ours $(jq -c "$q" <<<"$ours") runc $(jq -c "$q" <<<"$theirs")" >&2
		[ "$(jq -c "$q" <<<"$ours")" = "$(jq -c "$q" <<<"$theirs")" ]
	done
}

@test "events --interval prints a stats record every interval" {
	ct_run_d ev1
	sane_run bash -c "timeout 20 \"$CRUNTIME\" --root \"$ROOT\" events --interval 100ms ev1 | head -n 3"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "$(jq -s -c 'map(.type + " " + .id) | unique' <<<"$output")" = '["stats ev1"]' ]
}

@test "events reports an OOM kill in the container, ends with 0 when the container stops, holds no lock" {
	update_config '.process.args = ["sleep", "1000"]
		| .linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
	ct_run_d ev1
	local out=$BUNDLE/events.out
	cruntime events --interval 200ms ev1 >"$out" 2>"$BUNDLE/events.err" &
	EVENTS_PID=$!
	# the OOM watch is armed before the first record is written
	retry 100 0.1 grep -q '"type":"stats"' "$out"
	sane_run cruntime exec ev1 sh -c 'x=$(head -c 64m /dev/zero | tr "\0" a); echo ${#x}'
	[ "$status" -eq 137 ]
	retry 100 0.1 grep -qx '{"type":"oom","id":"ev1"}' "$out"
	# events must not hold the container's lock: kill takes it exclusively
	sane_run timeout 10 "$CRUNTIME" --root "$ROOT" kill ev1 KILL
	[ "$status" -eq 0 ]
	local st=0
	wait "$EVENTS_PID" || st=$?
	EVENTS_PID=
	cat "$BUNDLE/events.err" >&2
	[ "$st" -eq 0 ]
	! grep -v '^{"type":"\(stats\|oom\)","id":"ev1"' "$out"
}

@test "events of a stopped or missing container, bad flags: runc's errors" {
	sane_run cruntime events --stats nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]

	update_config '.process.args = ["/testinit", "true"]'
	ct_run_d ev1
	retry 100 0.1 status_is ev1 stopped
	sane_run cruntime events --stats ev1
	[ "$status" -eq 1 ]
	[[ "$output" == *"container with id ev1 is not running"* ]]
	sane_run cruntime events ev1
	[ "$status" -eq 1 ]
	[[ "$output" == *"container with id ev1 is not running"* ]]

	sane_run cruntime events --interval bad ev1
	[ "$status" -eq 1 ]
	[[ "$output" == *'invalid value \"bad\" for flag -interval: parse error'* ]]
	sane_run cruntime events --interval 0 ev1
	[ "$status" -eq 1 ]
	[[ "$output" == *"duration interval must be greater than 0"* ]]
	sane_run cruntime events --interval -1s ev1
	[ "$status" -eq 1 ]
	[[ "$output" == *"duration interval must be greater than 0"* ]]
	sane_run cruntime events
	[ "$status" -eq 1 ]
	[[ "$output" == *'`events` requires exactly 1 argument'* ]]
	sane_run cruntime events a b
	[ "$status" -eq 1 ]
	[[ "$output" == *'`events` requires exactly 1 argument'* ]]
}
