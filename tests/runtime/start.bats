#!/usr/bin/env bats
# cruntime start: release a created container.

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	requires root jq
	setup_bundle
	update_config '.process.args = ["/testinit", "pause"]'
}

teardown() {
	teardown_bundle
}

@test "start: the created init execs the container process and start returns at once" {
	ct_create --pid-file "$BUNDLE/pid" ct1
	local pid
	pid=$(cat "$BUNDLE/pid")
	[ "$(cat /proc/"$pid"/comm)" = "cruntime:[init]" ]
	sane_run cruntime start ct1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# the same pid, now the container's process (testinit pause runs forever)
	retry 50 0.1 grep -qx testinit /proc/"$pid"/comm
	[ "$(ct_status ct1)" = running ]
	[ ! -e "$ROOT/ct1/exec.fifo" ]
	[ "$(jq -r .status "$ROOT/ct1/state.json")" = running ]
}

@test "start: the container's output goes to create's stdio" {
	update_config '.process.args = ["/testinit", "echo", "hello", "from", "ct1"]'
	ct_create ct1
	[ ! -s "$BUNDLE/out" ]
	cruntime start ct1
	retry 50 0.1 status_is ct1 stopped
	[ "$(cat "$BUNDLE/out")" = "hello from ct1" ]
}

@test "start: twice is refused as runc does" {
	ct_create ct1
	cruntime start ct1
	sane_run cruntime start ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start an already running container"* ]]
}

@test "start: a stopped container is refused" {
	ct_create ct1
	cruntime kill ct1 KILL
	retry 50 0.1 status_is ct1 stopped
	sane_run cruntime start ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start a container that has stopped"* ]]
}

@test "start: unknown id and missing id" {
	sane_run cruntime start nope
	[ "$status" -eq 1 ]
	[[ "$output" == *"start \`nope\`: container does not exist"* ]]
	sane_run cruntime start
	[ "$status" -eq 1 ]
	[[ "$output" == *"cruntime start ID"* ]]
}

@test "start: a created init that already dropped to a non-root user is released too" {
	# the init reopens the exec fifo after setresuid: the fifo's mode must allow it
	update_config '.process.user = {uid: 1000, gid: 1000} | .process.args = ["/testinit", "id"]'
	ct_create ct1
	sane_run cruntime start ct1
	[ "$status" -eq 0 ]
	retry 50 0.1 status_is ct1 stopped
	[ "$(cat "$BUNDLE/out")" = "uid=1000 gid=1000 groups=" ]
}
