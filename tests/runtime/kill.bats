#!/usr/bin/env bats
# cruntime kill: signal a container's init (or all its processes).

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

@test "kill: SIGTERM by default; testinit pause exits on it" {
	ct_create ct1
	cruntime start ct1
	sane_run cruntime kill ct1
	[ "$status" -eq 0 ]
	retry 50 0.1 status_is ct1 stopped
}

@test "kill: the signal as KILL, SIGKILL, 9 and lower case" {
	local id
	for sig in KILL SIGKILL 9 sigkill; do
		id=ct-$sig
		ct_create "$id"
		cruntime start "$id"
		sane_run cruntime kill "$id" "$sig"
		[ "$status" -eq 0 ]
		retry 50 0.1 status_is "$id" stopped
	done
}

@test "kill: a created container can be killed" {
	ct_create ct1
	cruntime kill ct1 KILL
	retry 50 0.1 status_is ct1 stopped
}

@test "kill: a stopped container, an unknown signal, an unknown id" {
	ct_create ct1
	sane_run cruntime kill ct1 FOO
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown signal \`FOO\`"* ]]
	sane_run cruntime kill ct1 0
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown signal \`0\`"* ]]
	[ "$(ct_status ct1)" = created ]
	cruntime kill ct1 KILL
	retry 50 0.1 status_is ct1 stopped
	sane_run cruntime kill ct1 KILL
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not running"* ]]
	sane_run cruntime kill nope
	[ "$status" -eq 1 ]
	[[ "$output" == *"kill \`nope\`: container does not exist"* ]]
	sane_run cruntime kill
	[ "$status" -eq 1 ]
	[[ "$output" == *"cruntime kill"* ]]
}

@test "kill --all: every process of the container's pid namespace gets the signal" {
	# pid 1 ignores USR1 (no handler); a child traps it and leaves a mark
	update_config '.root.readonly = false | .process.args = ["sh", "-c", "(trap \"echo usr1 > /tmp/mark; exit 0\" USR1; touch /tmp/ready; while :; do sleep 0.1; done) & exec /testinit pause"]'
	ct_create ct1
	cruntime start ct1
	retry 50 0.1 test -e "$BUNDLE/rootfs/tmp/ready"
	sane_run cruntime kill --all ct1 USR1
	[ "$status" -eq 0 ]
	retry 50 0.1 test -e "$BUNDLE/rootfs/tmp/mark"
	[ "$(cat "$BUNDLE/rootfs/tmp/mark")" = usr1 ]
	# the init ignored it
	[ "$(ct_status ct1)" = running ]
}

@test "kill --all: sharing our pid namespace, only the init is signalled" {
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	ct_create ct1
	cruntime start ct1
	sane_run cruntime kill -a ct1 TERM
	[ "$status" -eq 0 ]
	retry 50 0.1 status_is ct1 stopped
}
