#!/usr/bin/env bats
# linux.timeOffsets and the time namespace.

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	requires root jq
	[ -e /proc/self/ns/time ] || skip "the kernel has no time namespaces"
	setup_bundle
}

teardown() {
	teardown_bundle
}

# uptime in whole seconds, from /proc/uptime of a command's output
secs() {
	echo "${1%%.*}"
}

@test "timens: a new time namespace with a boottime offset shows in /proc/uptime" {
	local host
	update_config '.linux.namespaces += [{type: "time"}] | .linux.timeOffsets = {boottime: {secs: 864000}, monotonic: {secs: 1000, nanosecs: 5}}
		| .process.args = ["sh", "-c", "cat /proc/uptime; readlink /proc/self/ns/time"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	host=$(secs "$(cat /proc/uptime)")
	[ "$(secs "${lines[0]}")" -ge $((host + 864000 - 5)) ]
	[ "$(secs "${lines[0]}")" -le $((host + 864000 + 60)) ]
	[ "${lines[1]}" != "$(readlink /proc/self/ns/time)" ]
	# cruntime itself came back: our own namespace is unchanged for our children
	[ "$(readlink /proc/self/ns/time_for_children)" = "$(readlink /proc/self/ns/time)" ]
}

@test "timens: exec joins the container's time namespace" {
	local host
	update_config '.linux.namespaces += [{type: "time"}] | .linux.timeOffsets = {boottime: {secs: 864000}}
		| .process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	sane_run "$CRUNTIME" --root "$ROOT" exec ct1 cat /proc/uptime
	[ "$status" -eq 0 ]
	host=$(secs "$(cat /proc/uptime)")
	[ "$(secs "$output")" -ge $((host + 864000 - 5)) ]
	[ "$(cruntime exec ct1 readlink /proc/self/ns/time)" = "$(readlink "/proc/$(cruntime state ct1 | jq .pid)/ns/time")" ]
}

@test "timens: a time namespace joined by path" {
	update_config '.linux.namespaces += [{type: "time"}] | .linux.timeOffsets = {boottime: {secs: 864000}}
		| .process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	local pid
	pid=$(cruntime state ct1 | jq .pid)
	update_config --arg p "/proc/$pid/ns/time" 'del(.linux.timeOffsets) | .linux.namespaces |= map(if .type == "time" then .path = $p else . end)
		| .process.args = ["readlink", "/proc/self/ns/time"]'
	# a cgroup of its own, below the first one's (removed with it)
	if [ -n "${CT_CGROUPS_PATH:-}" ]; then
		update_config --arg p "$CT_CGROUPS_PATH/ct2" '.linux.cgroupsPath = $p'
	fi
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct2
	[ "$status" -eq 0 ]
	[ "$output" = "$(readlink "/proc/$pid/ns/time")" ]
}

@test "timens: timeOffsets without a new time namespace are refused" {
	update_config '.linux.timeOffsets = {boottime: {secs: 1}} | .process.args = ["true"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *'config.json: `linux.timeOffsets`: requires a time namespace'* ]]
	update_config '.linux.namespaces += [{type: "time", path: "/proc/self/ns/time"}]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *'config.json: `linux.timeOffsets`: needs a new time namespace, not a joined one'* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "timens: out-of-range nanoseconds are refused" {
	update_config '.linux.namespaces += [{type: "time"}] | .linux.timeOffsets = {monotonic: {secs: 1, nanosecs: 1000000000}} | .process.args = ["true"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[[ "$output" == *'config.json: `linux.timeOffsets`: nanosecs must be below 1000000000'* ]]
	[ -z "$(ls -A "$ROOT")" ]
}
