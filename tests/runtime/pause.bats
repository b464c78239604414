#!/usr/bin/env bats
# cruntime pause / resume: freeze and thaw the container's cgroup (v1 freezer,
# v2 cgroup.freeze); exec refuses a paused container unless --ignore-paused.

load ../lib/helpers
load ../lib/cgroups
bats_require_minimum_version 1.5.0

setup() {
	requires root jq
	setup_bundle
	CG=/ct-test-pause-$BATS_TEST_NUMBER-$$/c
	update_config --arg cg "$CG" '.linux.cgroupsPath = $cg | .process.args = ["/testinit", "pause"]'
}

teardown() {
	# setup skipped (not root): nothing of ours to clean
	[ -n "${CG:-}" ] || return 0
	# a frozen cgroup keeps its processes: thaw it (ours) before deleting
	cg_thaw "$CG" 2>/dev/null
	if [ -n "${EXECPID:-}" ] && kill -0 "$EXECPID" 2>/dev/null; then
		kill -9 "$EXECPID"
	fi
	teardown_bundle
	cg_cleanup "$CG"
}

@test "pause: a running container is frozen, resume thaws it" {
	ct_run_d ct1
	[ "$(cg_freezer_state "$CG")" = THAWED ]
	sane_run cruntime pause ct1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(ct_status ct1)" = paused ]
	# pause returns once the cgroup is frozen
	[ "$(cg_freezer_state "$CG")" = FROZEN ]
	# list shows it, in the table and in JSON
	sane_run cruntime list
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk '$1 == "ct1" { print $3 }')" = paused ]
	[ "$(cruntime list -f json | jq -r '.[] | select(.id == "ct1") | .status')" = paused ]
	sane_run cruntime resume ct1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(ct_status ct1)" = running ]
	[ "$(cg_freezer_state "$CG")" = THAWED ]
	# it still answers: an exec works again
	sane_run cruntime exec ct1 /testinit echo alive
	[ "$status" -eq 0 ]
	[ "$output" = alive ]
}

@test "pause: a created container can be paused and resumed (as runc)" {
	ct_create ct1
	sane_run cruntime pause ct1
	[ "$status" -eq 0 ]
	[ "$(ct_status ct1)" = paused ]
	[ "$(cg_freezer_state "$CG")" = FROZEN ]
	sane_run cruntime resume ct1
	[ "$status" -eq 0 ]
	[ "$(cg_freezer_state "$CG")" = THAWED ]
	[ "$(ct_status ct1)" = created ]
	# and starts as any created one
	cruntime start ct1
	retry 50 0.1 status_is ct1 running
}

@test "pause: errors for a stopped, a running (resume), a missing container" {
	ct_run_d ct1
	sane_run cruntime resume ct1
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | grep -c .)" -eq 1 ]
	[[ "$output" == *"container not paused"* ]]
	cruntime kill ct1 KILL
	retry 50 0.1 status_is ct1 stopped
	sane_run cruntime pause ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not running"* ]]
	[ "$(ct_status ct1)" = stopped ]
	sane_run cruntime resume ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not paused"* ]]
	for cmd in pause resume; do
		sane_run cruntime "$cmd" nope
		[ "$status" -eq 1 ]
		[ "$(echo "$output" | grep -c .)" -eq 1 ]
		[[ "$output" == *"container does not exist"* ]]
		sane_run cruntime "$cmd"
		[ "$status" -eq 1 ]
		[[ "$output" == *"$cmd"* ]]
	done
}

@test "pause: exec into a paused container fails with 255 unless --ignore-paused" {
	ct_run_d ct1
	cruntime pause ct1
	sane_run cruntime exec ct1 /testinit true
	[ "$status" -eq 255 ]
	[[ "$output" == *"cannot exec in a paused container"* ]]
	[ "$(cg_procs "$CG" | wc -l)" -eq 1 ]
	# --ignore-paused: the process joins the frozen cgroup and waits there
	cruntime exec --ignore-paused ct1 /testinit echo thawed </dev/null >"$BUNDLE/exec.out" 2>"$BUNDLE/exec.err" &
	EXECPID=$!
	retry 100 0.1 eval '[ "$(cg_procs "$CG" | wc -l)" -ge 2 ] || ! kill -0 '"$EXECPID"
	cat "$BUNDLE/exec.err" >&2
	# still waiting, not refused
	kill -0 "$EXECPID"
	[ "$(ct_status ct1)" = paused ]
	# resume must not wait for the exec (no lock held across it)
	sane_run timeout 20 "$CRUNTIME" --root "$ROOT" resume ct1
	[ "$status" -eq 0 ]
	retry 100 0.1 eval '! kill -0 '"$EXECPID"
	status=0
	wait "$EXECPID" || status=$?
	cat "$BUNDLE/exec.out" "$BUNDLE/exec.err" >&2
	[ "$status" -eq 0 ]
	[ "$(cat "$BUNDLE/exec.out")" = thawed ]
}

@test "pause: delete -f of a paused container removes everything" {
	ct_run_d ct1
	pid=$(cruntime state ct1 | jq -r .pid)
	cruntime pause ct1
	[ "$(cg_freezer_state "$CG")" = FROZEN ]
	sane_run cruntime delete -f ct1
	[ "$status" -eq 0 ]
	sane_run cruntime state ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
	[ -z "$(ls "$ROOT")" ]
	cg_absent_all "$CG"
	[ ! -e "/proc/$pid/cgroup" ] || grep -q '^State:.*Z' "/proc/$pid/status"
}
