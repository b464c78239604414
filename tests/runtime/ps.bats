#!/usr/bin/env bats
# cruntime ps: runc's table (the host's `ps` with the given args, default -ef,
# filtered to the container's pids) and JSON (an array of pids).

load ../lib/helpers
load ../lib/cgroups
bats_require_minimum_version 1.5.0

setup() {
	requires root jq
	# runc runs ps(1) from PATH and needs procps' options (busybox ps has no -e)
	ps -ef >/dev/null 2>&1 || skip "test requires a procps ps (ps -ef)"
	setup_bundle
	CG=/ct-test-ps-$BATS_TEST_NUMBER-$$/c
	update_config --arg cg "$CG" '.linux.cgroupsPath = $cg | .process.args = ["/testinit", "pause"]'
}

teardown() {
	teardown_bundle
	cg_cleanup "$CG"
}

init_pid() {
	cruntime state "$1" | jq -r .pid
}

@test "ps: the table is ps -ef's header and the container's processes" {
	ct_run_d ct1
	pid=$(init_pid ct1)
	cruntime exec -d --pid-file "$BUNDLE/exec.pid" ct1 /testinit pause
	epid=$(cat "$BUNDLE/exec.pid")
	sane_run cruntime ps ct1
	[ "$status" -eq 0 ]
	# the header is ps -ef's
	[ "$(echo "$output" | head -n1)" = "$(ps -ef | head -n1)" ]
	# then exactly the two processes (PID is ps -ef's second column)
	[ "$(echo "$output" | tail -n +2 | awk '{ print $2 }' | sort -n)" = "$(printf '%s\n' "$pid" "$epid" | sort -n)" ]
	echo "$output" | awk -v p="$pid" '$2 == p' | grep -q '/testinit pause$'
}

@test "ps: -f json prints the pids as a JSON array" {
	ct_run_d ct1
	pid=$(init_pid ct1)
	sane_run cruntime ps -f json ct1
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -c .)" = "[$pid]" ]
	cruntime exec -d --pid-file "$BUNDLE/exec.pid" ct1 /testinit pause
	epid=$(cat "$BUNDLE/exec.pid")
	sane_run cruntime ps --format json ct1
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -c 'sort')" = "$(jq -cn --argjson a "$pid" --argjson b "$epid" '[$a, $b] | sort')" ]
	# the same pids as the cgroup holds
	[ "$(echo "$output" | jq -r '.[]' | sort -n)" = "$(cg_procs "$CG" | sort -n)" ]
}

@test "ps: arguments after the id go to ps(1)" {
	ct_run_d ct1
	pid=$(init_pid ct1)
	sane_run cruntime ps ct1 -o pid,comm
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | wc -l)" -eq 2 ]
	[ "$(echo "$output" | head -n1 | awk '{ print $1, $2 }')" = "PID COMMAND" ]
	[ "$(echo "$output" | tail -n1 | awk '{ print $1, $2 }')" = "$pid testinit" ]
	# several: ps's own BSD-style flags
	sane_run cruntime ps ct1 -o pid,ppid,comm -w
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tail -n1 | awk '{ print $1, $3 }')" = "$pid testinit" ]
	# no PID column: runc's error
	sane_run cruntime ps ct1 -o comm
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | grep -c .)" -eq 1 ]
	[[ "$output" == *"couldn't find PID field in ps output"* ]]
	# ps(1) failing: its status and message come back as an error
	sane_run cruntime ps ct1 --no-such-ps-option
	[ "$status" -eq 1 ]
	[[ "$output" == *"exit status 1"* ]]
}

@test "ps: a stopped container has no processes; json gives an empty list" {
	update_config '.process.args = ["/testinit", "true"]'
	ct_create ct1
	cruntime start ct1
	retry 50 0.1 status_is ct1 stopped
	sane_run cruntime ps ct1
	[ "$status" -eq 0 ]
	[ "$output" = "$(ps -ef | head -n1)" ]
	sane_run cruntime ps -f json ct1
	[ "$status" -eq 0 ]
	# runc prints null (a nil Go slice); [] is the same to a JSON reader
	[[ "$output" == null || "$(echo "$output" | jq -c .)" == "[]" ]]
}

@test "ps: a missing container, a bad format, no id" {
	sane_run cruntime ps nope
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | grep -c .)" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
	ct_run_d ct1
	sane_run cruntime ps -f xml ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid format option"* ]]
	sane_run cruntime ps
	[ "$status" -eq 1 ]
	[[ "$output" == *ps* ]]
}
