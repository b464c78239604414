#!/usr/bin/env bats
# cruntime lifecycle: create/start/state/kill/delete together, run -d and --keep, locking.

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

@test "lifecycle: create, start, kill, delete; each status as runtime.md says" {
	ct_create ct1
	[ "$(ct_status ct1)" = created ]
	cruntime start ct1
	[ "$(ct_status ct1)" = running ]
	cruntime kill ct1 TERM
	retry 50 0.1 status_is ct1 stopped
	cruntime delete ct1
	sane_run cruntime state ct1
	[ "$status" -eq 1 ]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "lifecycle: the same statuses as runc at each step" {
	requires runc
	local rroot="$ROOT/../$(basename "$ROOT")-runc" step
	statuses() {
		"$@" state x1 | jq -r .status
	}
	rt_status_is() {
		local want=$1
		shift
		[ "$(statuses "$@")" = "$want" ]
	}
	for rt in "runc --root $rroot" "$CRUNTIME --root $ROOT"; do
		$rt create -b "$BUNDLE" x1 </dev/null >/dev/null 2>&1
		step=$(statuses $rt)
		$rt start x1
		step="$step $(statuses $rt)"
		$rt kill x1 KILL
		retry 50 0.1 rt_status_is stopped $rt
		step="$step $(statuses $rt)"
		$rt delete x1
		echo "$rt: $step" >&2
		[ "$step" = "created running stopped" ]
	done
	rm -rf "$rroot"
}

@test "run -d: exits 0 leaving the container running, pid file written" {
	update_config '.process.args = ["/testinit", "pause"]'
	cruntime run -d -b "$BUNDLE" --pid-file "$BUNDLE/pid" ct1 </dev/null >"$BUNDLE/out" 2>&1
	local pid
	pid=$(cat "$BUNDLE/pid")
	[ "$(cat /proc/"$pid"/comm)" = testinit ]
	[ "$(ct_status ct1)" = running ]
	[ "$(cruntime state ct1 | jq -r .pid)" = "$pid" ]
	cruntime delete -f ct1
	[ -z "$(ls -A "$ROOT")" ]
}

@test "run -d: errors are reported and leave nothing" {
	update_config '.process.args = ["nosuchbinary"]'
	sane_run cruntime run -d -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *'executable file not found in $PATH'* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "run --keep: the stopped container's state stays until delete" {
	update_config '.process.args = ["/testinit", "exit", "3"]'
	sane_run cruntime run --keep -b "$BUNDLE" ct1
	[ "$status" -eq 3 ]
	[ "$(ct_status ct1)" = stopped ]
	cruntime delete ct1
	[ -z "$(ls -A "$ROOT")" ]
}

@test "run (foreground): state, kill and delete work on it while it runs" {
	update_config '.process.args = ["/testinit", "pause"]'
	cruntime run -b "$BUNDLE" ct1 </dev/null >"$BUNDLE/out" 2>&1 &
	local bg=$!
	retry 50 0.1 status_is ct1 running || { cat "$BUNDLE/out" >&2; false; }
	sane_run cruntime delete ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"not stopped: running"* ]]
	cruntime kill ct1 TERM
	local rc=0
	wait "$bg" || rc=$?
	[ "$rc" -eq 0 ]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "lifecycle: a held lock on the container serialises commands" {
	command -v flock >/dev/null || skip "test requires flock"
	ct_create ct1
	exec {lockfd}<"$ROOT/ct1"
	flock -x "$lockfd"
	# bounded: state blocks while the lock is held (124 = timed out)
	run timeout 1 "$CRUNTIME" --root "$ROOT" state ct1
	[ "$status" -eq 124 ]
	flock -u "$lockfd"
	exec {lockfd}<&-
	[ "$(ct_status ct1)" = created ]
}

@test "lifecycle: concurrent starts: exactly one succeeds" {
	ct_create ct1
	local i
	for i in 1 2 3 4; do
		"$CRUNTIME" --root "$ROOT" start ct1 >"$BUNDLE/start.$i" 2>&1 &
	done
	local ok=0 rc
	for i in 1 2 3 4; do
		wait -n && ok=$((ok + 1)) || true
	done
	[ "$ok" -eq 1 ]
	[ "$(cat "$BUNDLE"/start.* | grep -c 'cannot start an already running container')" -eq 3 ]
	[ "$(ct_status ct1)" = running ]
}
