#!/usr/bin/env bats
# process.scheduler, process.ioPriority, process.execCPUAffinity and
# linux.personality, for run and for exec (runc 1.2/1.3 semantics).

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	requires root jq
	setup_bundle
}

teardown() {
	teardown_bundle
}

# refused JQ MESSAGE: non-zero, one line naming the field, nothing left
refused() {
	update_config ".process.args = [\"true\"] | $1"
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"$2"* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "attrs: scheduler policy and nice" {
	update_config '.process.scheduler = {policy: "SCHED_BATCH", nice: 7} | .process.args = ["/testinit", "sched"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = "policy=3 nice=7 priority=0" ]
	update_config '.process.scheduler = {policy: "SCHED_IDLE"}'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[[ "$output" == "policy=5 "* ]]
}

@test "attrs: a real-time scheduler with a priority" {
	chrt -f 10 true 2>/dev/null || skip "this host refuses SCHED_FIFO to root (no rt runtime)"
	# RT group scheduling: a new cpu cgroup gets rt_runtime_us 0, and its
	# parent has none to hand out on this host
	[ ! -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ] ||
		skip "cgroup v1 RT group scheduling: the container's new cpu cgroup has no rt runtime"
	update_config '.process.scheduler = {policy: "SCHED_FIFO", priority: 10} | .process.args = ["/testinit", "sched"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = "policy=1 nice=0 priority=10" ]
}

@test "attrs: bad scheduler settings are refused by field (runc's rules)" {
	refused '.process.scheduler = {policy: "SCHED_OTHER", nice: 30}' 'config.json: `process.scheduler.nice`: invalid 30'
	refused '.process.scheduler = {policy: "SCHED_OTHER", priority: 3}' \
		'config.json: `process.scheduler.priority`: only for SCHED_FIFO or SCHED_RR'
	refused '.process.scheduler = {policy: "SCHED_RR", runtime: 1000}' \
		'config.json: `process.scheduler`: runtime, deadline and period are only for SCHED_DEADLINE'
	refused '.process.scheduler = {policy: "SCHED_NOPE"}' '`process.scheduler.policy`'
}

@test "attrs: ioPriority class and level" {
	update_config '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6} | .process.args = ["/testinit", "ioprio"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = "class=2 level=6" ]
	update_config '.process.ioPriority = {class: "IOPRIO_CLASS_IDLE", priority: 0}'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = "class=3 level=0" ]
	refused '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 8}' \
		'config.json: `process.ioPriority.priority`: invalid 8 (0 to 7)'
}

@test "attrs: personality LINUX32 shows a 32-bit machine" {
	[ "$(uname -m)" = x86_64 ] || skip "needs an x86_64 host"
	update_config '.linux.personality = {domain: "LINUX32"} | .process.args = ["sh", "-c", "uname -m; /testinit personality"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = i686 ]
	[ "${lines[1]}" = 0x8 ]
	update_config '.linux.personality = {domain: "LINUX"}'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = x86_64 ]
	[ "${lines[1]}" = 0x0 ]
	# flags: none supported (config-linux.md); runc 1.2 warns and ignores them
	update_config '.linux.personality = {domain: "LINUX32", flags: ["ADDR_NO_RANDOMIZE"]}'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[[ "$output" == *'level=warning'*'`linux.personality.flags`: ignoring unsupported flags (`ADDR_NO_RANDOMIZE`...)'* ]]
	[[ "$output" == *i686* ]]
}

@test "attrs: exec gets the container's personality (runc)" {
	[ "$(uname -m)" = x86_64 ] || skip "needs an x86_64 host"
	update_config '.linux.personality = {domain: "LINUX32"} | .process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	sane_run "$CRUNTIME" --root "$ROOT" exec ct1 uname -m
	[ "$status" -eq 0 ]
	[ "$output" = i686 ]
	jq '.process | .args = ["uname", "-m"]' "$BUNDLE/config.json" >"$BUNDLE/p.json"
	sane_run "$CRUNTIME" --root "$ROOT" exec --process "$BUNDLE/p.json" ct1
	[ "$status" -eq 0 ]
	[ "$output" = i686 ]
}

@test "attrs: exec applies scheduler, ioPriority and execCPUAffinity of a --process file" {
	[ "$(nproc)" -ge 2 ] || skip "needs two cpus"
	update_config '.process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	jq '.process | .args = ["sh", "-c", "/testinit sched; /testinit ioprio; grep Cpus_allowed_list /proc/self/status"]
		| .scheduler = {policy: "SCHED_BATCH", nice: 3} | .ioPriority = {class: "IOPRIO_CLASS_BE", priority: 2}
		| .execCPUAffinity = {initial: "0", final: "1"}' "$BUNDLE/config.json" >"$BUNDLE/p.json"
	sane_run "$CRUNTIME" --root "$ROOT" exec --process "$BUNDLE/p.json" ct1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "policy=3 nice=3 priority=0" ]
	[ "${lines[1]}" = "class=2 level=2" ]
	[[ "${lines[2]}" =~ ^Cpus_allowed_list:[[:space:]]+1$ ]]
	# the init itself is untouched
	sane_run "$CRUNTIME" --root "$ROOT" exec ct1 /testinit sched
	[ "$output" = "policy=0 nice=0 priority=0" ]
}

@test "attrs: execCPUAffinity does not apply to the init (config.md)" {
	update_config '.process.execCPUAffinity = {final: "0"} | .process.args = ["grep", "Cpus_allowed_list", "/proc/self/status"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = "$(grep Cpus_allowed_list /proc/self/status)" ]
}

@test "attrs: bad cpu lists of exec are refused by field" {
	update_config '.process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	local bad
	for bad in "1-0" "x" "0," "99999"; do
		jq --arg l "$bad" '.process | .args = ["true"] | .execCPUAffinity = {final: $l}' "$BUNDLE/config.json" >"$BUNDLE/p.json"
		sane_run "$CRUNTIME" --root "$ROOT" exec --process "$BUNDLE/p.json" ct1
		[ "$status" -ne 0 ]
		[[ "$output" == *'p.json: `execCPUAffinity.final`: '* ]]
	done
}
