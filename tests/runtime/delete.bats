#!/usr/bin/env bats
# cruntime delete: remove a container's state (and its init with -f).

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

@test "delete: a running container needs -f, which kills it and waits" {
	ct_create --pid-file "$BUNDLE/pid" ct1
	cruntime start ct1
	sane_run cruntime delete ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot delete container ct1 that is not stopped: running"* ]]
	[ "$(ct_status ct1)" = running ]
	sane_run cruntime delete -f ct1
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/ct1" ]
	# gone, or a zombie its reaper has not collected yet
	local pid
	pid=$(cat "$BUNDLE/pid")
	[ ! -e /proc/"$pid" ] || [ "$(awk '{ print $3 }' /proc/"$pid"/stat)" = Z ]
}

@test "delete: a created container is deleted, its init killed" {
	ct_create --pid-file "$BUNDLE/pid" ct1
	sane_run cruntime delete ct1
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/ct1" ]
	local pid
	pid=$(cat "$BUNDLE/pid")
	[ ! -e /proc/"$pid" ] || [ "$(awk '{ print $3 }' /proc/"$pid"/stat)" = Z ]
}

@test "delete: a stopped container; the id can be used again" {
	update_config '.process.args = ["/testinit", "true"]'
	ct_create ct1
	cruntime start ct1
	retry 50 0.1 status_is ct1 stopped
	cruntime delete ct1
	[ ! -e "$ROOT/ct1" ]
	ct_create ct1
	[ "$(ct_status ct1)" = created ]
}

@test "delete: an unknown id fails, but not with -f (runc)" {
	sane_run cruntime delete nope
	[ "$status" -eq 1 ]
	[[ "$output" == *"delete \`nope\`: container does not exist"* ]]
	sane_run cruntime delete -f nope
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	sane_run cruntime delete -f 'a b'
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid id format: \`a b\`"* ]]
}

@test "delete -f: what a killed create left behind never blocks the id" {
	# killed right after mkdir: no state.json
	mkdir "$ROOT/ct1"
	sane_run cruntime create -b "$BUNDLE" ct1
	[[ "$output" == *"container with id exists: ct1"* ]]
	sane_run cruntime delete ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
	cruntime delete -f ct1
	[ ! -e "$ROOT/ct1" ]
	# killed after clone, before "created" was recorded: the init is found by its pid
	ct_create --pid-file "$BUNDLE/pid" ct1
	jq '.status = "creating"' "$ROOT/ct1/state.json" >"$BUNDLE/st" && mv "$BUNDLE/st" "$ROOT/ct1/state.json"
	[ "$(ct_status ct1)" = creating ]
	sane_run cruntime start ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start a container in the creating state"* ]]
	cruntime delete -f ct1
	[ ! -e "$ROOT/ct1" ]
	local pid
	pid=$(cat "$BUNDLE/pid")
	[ ! -e /proc/"$pid" ] || [ "$(awk '{ print $3 }' /proc/"$pid"/stat)" = Z ]
	ct_create ct1
	[ "$(ct_status ct1)" = created ]
}

state_file_says() {
	[ "$(jq -r .status "$ROOT/$1/state.json" 2>/dev/null)" = "$2" ]
}

@test "delete -f: after a create SIGKILLed while it still held the lock" {
	# the pid file's temporary name is a fifo: create blocks there, after
	# writing "created" and with the container's lock held
	mkfifo "$BUNDLE/pid.tmp"
	"$CRUNTIME" --root "$ROOT" create -b "$BUNDLE" --pid-file "$BUNDLE/pid" ct1 </dev/null >"$BUNDLE/out" 2>&1 &
	local bg=$! rc=0
	retry 50 0.1 state_file_says ct1 created
	local pid
	pid=$(jq -r .pid "$ROOT/ct1/state.json")
	kill -KILL "$bg"
	wait "$bg" || rc=$?
	[ "$rc" -eq 137 ]
	# the lock died with cruntime (the init closed its copy): no hang
	run timeout 10 "$CRUNTIME" --root "$ROOT" state ct1
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = created ]
	sane_run timeout 10 "$CRUNTIME" --root "$ROOT" delete -f ct1
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/ct1" ]
	[ ! -e /proc/"$pid" ] || [ "$(awk '{ print $3 }' /proc/"$pid"/stat)" = Z ]
	rm -f "$BUNDLE/pid.tmp"
	ct_create ct1
	[ "$(ct_status ct1)" = created ]
}
