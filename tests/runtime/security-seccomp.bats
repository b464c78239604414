#!/usr/bin/env bats
# linux.seccomp (config-linux.md "Seccomp"), as runc 1.1.5: every action seen
# from inside with `testinit syscall`, argument conditions, the load order,
# the BPF cache, the SCMP_ACT_NOTIFY listener and exec.

load ../lib/helpers
bats_require_minimum_version 1.5.0

SECCOMP_AGENT=${SECCOMP_AGENT:-$CT_BUILDDIR/tests/helpers/seccomp-agent}

setup() {
	requires root jq
	setup_bundle
	# a writable root: the mkdir the filters deny must otherwise succeed
	update_config '.process.noNewPrivileges = true | .root.readonly = false'
}

teardown() {
	[ -n "${AGENT_PID:-}" ] && kill "$AGENT_PID" 2>/dev/null
	[ -n "${BUNDLE:-}" ] || return 0
	teardown_bundle
}

# seccomp PROFILE-JQ: set linux.seccomp to the jq expression
seccomp() {
	update_config ".linux.seccomp = $1"
}

# run_ct ARGS...: a foreground run of $BUNDLE with process.args = ARGS
run_ct() {
	local args
	args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
	update_config --argjson a "$args" '.process.args = $a'
	sane_run cruntime run -b "$BUNDLE" ct1
}

# one rule on mkdir, default allow
mkdir_rule() {
	seccomp "{defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [{names: [\"mkdir\"], action: \"$1\"} ${2:-}]}"
}

@test "seccomp: SCMP_ACT_ERRNO returns errnoRet, EPERM without it" {
	seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_ERRNO", errnoRet: 38}]}'
	run_ct /testinit syscall mkdir /x 0755
	[ "$status" -eq 0 ]
	[ "$output" = "errno=38" ]
	[ ! -e "$BUNDLE/rootfs/x" ]
	seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_ERRNO"}]}'
	run_ct /testinit syscall mkdir /x 0755
	[ "$output" = "errno=1" ]
	# other syscalls are untouched
	run_ct /testinit syscall rmdir /nonexistent
	[ "$output" = "errno=2" ]
}

@test "seccomp: SCMP_ACT_TRACE without a tracer: the kernel fails the call with ENOSYS" {
	# with no tracer attached the kernel fails the syscall with ENOSYS
	seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_TRACE", errnoRet: 5}]}'
	run_ct /testinit syscall mkdir /x 0755
	[ "$status" -eq 0 ]
	[ "$output" = "errno=38" ]
	[ ! -e "$BUNDLE/rootfs/x" ]
}

@test "seccomp: KILL, KILL_THREAD, KILL_PROCESS and TRAP end the process with SIGSYS (159)" {
	for act in SCMP_ACT_KILL SCMP_ACT_KILL_THREAD SCMP_ACT_KILL_PROCESS SCMP_ACT_TRAP; do
		mkdir_rule "$act"
		run_ct /testinit syscall mkdir /x 0755
		[ "$status" -eq 159 ]
		[ -z "$output" ]
		[ ! -e "$BUNDLE/rootfs/x" ]
	done
}

@test "seccomp: SCMP_ACT_LOG and SCMP_ACT_ALLOW let the call through" {
	mkdir_rule SCMP_ACT_LOG
	run_ct /testinit syscall mkdir /x 0755
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
	[ -d "$BUNDLE/rootfs/x" ]
	# a rule equal to the default action is skipped (libseccomp refuses it), as runc
	seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_ALLOW"}]}'
	run_ct /testinit syscall mkdir /y 0755
	[ "$output" = ok ]
	# default LOG: everything runs
	seccomp '{defaultAction: "SCMP_ACT_LOG", syscalls: [{names: ["rmdir"], action: "SCMP_ACT_ERRNO", errnoRet: 39}]}'
	run_ct /testinit syscall rmdir /y
	[ "$output" = "errno=39" ]
}

@test "seccomp: argument conditions, MASKED_EQ with valueTwo" {
	seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["umask"], action: "SCMP_ACT_ERRNO", errnoRet: 99,
		args: [{index: 0, value: 18, op: "SCMP_CMP_EQ"}]}]}'
	run_ct /testinit syscall umask 18
	[ "$output" = "errno=99" ]
	run_ct /testinit syscall umask 7
	[ "$output" = ok ]
	# (arg0 & value) == valueTwo
	seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["umask"], action: "SCMP_ACT_ERRNO", errnoRet: 98,
		args: [{index: 0, value: 448, valueTwo: 448, op: "SCMP_CMP_MASKED_EQ"}]}]}'
	run_ct /testinit syscall umask 0777
	[ "$output" = "errno=98" ]
	run_ct /testinit syscall umask 0077
	[ "$output" = ok ]
	for op in NE:ok LT:ok LE:errno=97 GE:errno=97 GT:ok; do
		seccomp "{defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [{names: [\"umask\"], action: \"SCMP_ACT_ERRNO\", errnoRet: 97,
			args: [{index: 0, value: 18, op: \"SCMP_CMP_${op%%:*}\"}]}]}"
		run_ct /testinit syscall umask 18
		[ "$output" = "${op#*:}" ]
	done
}

@test "seccomp: the same argument twice is an OR, different arguments an AND (runc)" {
	seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getpriority"], action: "SCMP_ACT_ERRNO", errnoRet: 99,
		args: [{index: 0, value: 0, op: "SCMP_CMP_EQ"}, {index: 0, value: 1, op: "SCMP_CMP_EQ"}]}]}'
	run_ct sh -c '/testinit syscall getpriority 0 0; /testinit syscall getpriority 1 0; /testinit syscall getpriority 2 0'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "errno=99" ]
	[ "${lines[1]}" = "errno=99" ]
	[ "${lines[2]}" = ok ]
	seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getpriority"], action: "SCMP_ACT_ERRNO", errnoRet: 99,
		args: [{index: 0, value: 0, op: "SCMP_CMP_EQ"}, {index: 1, value: 0, op: "SCMP_CMP_EQ"}]}]}'
	run_ct sh -c '/testinit syscall getpriority 0 0; /testinit syscall getpriority 0 1; /testinit syscall getpriority 1 0'
	[ "${lines[0]}" = "errno=99" ]
	[ "${lines[1]}" = ok ]
	[ "${lines[2]}" = ok ]
}

@test "seccomp: architectures and flags are accepted, the native arch is always there" {
	seccomp '{defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		flags: ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"],
		syscalls: [{names: ["mkdir"], action: "SCMP_ACT_ERRNO", errnoRet: 38}]}'
	run_ct /testinit syscall mkdir /x 0755
	[ "$status" -eq 0 ]
	[ "$output" = "errno=38" ]
}

@test "seccomp: an unknown syscall is ignored with a warning" {
	seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["no_such_syscall", "mkdir"], action: "SCMP_ACT_ERRNO", errnoRet: 38}]}'
	update_config '.process.args = ["/testinit", "syscall", "mkdir", "/x", "0755"]'
	run --separate-stderr cruntime run -b "$BUNDLE" ct1
	echo "$output / $stderr" >&2
	[ "$status" -eq 0 ]
	[ "$output" = "errno=38" ]
	[[ "$stderr" == *'config.json: `linux.seccomp.syscalls[0].names[0]`: unknown seccomp syscall \"no_such_syscall\" ignored'* ]]
}

@test "seccomp: bad actions, architectures, operators, flags and indexes name their JSON path" {
	bad() {
		seccomp "$1"
		update_config '.process.args = ["/testinit", "true"]'
		sane_run cruntime run -b "$BUNDLE" ct1
		[ "$status" -eq 1 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == *"$2"* ]]
		[ ! -e "$ROOT/ct1" ]
	}
	bad '{defaultAction: "SCMP_ACT_FOO"}' 'config.json: `linux.seccomp.defaultAction`: unknown seccomp action `SCMP_ACT_FOO`'
	bad '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_ERRNO"}, {names: ["rmdir"], action: "SCMP_ACT_BAR"}]}' \
		'config.json: `linux.seccomp.syscalls[1].action`: unknown seccomp action `SCMP_ACT_BAR`'
	bad '{defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_VAX"]}' \
		'config.json: `linux.seccomp.architectures[1]`: unknown seccomp architecture `SCMP_ARCH_VAX`'
	bad '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["umask"], action: "SCMP_ACT_ERRNO", args: [{index: 0, value: 1, op: "SCMP_CMP_XX"}]}]}' \
		'config.json: `linux.seccomp.syscalls[0].args[0].op`: unknown seccomp operator `SCMP_CMP_XX`'
	bad '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["umask"], action: "SCMP_ACT_ERRNO", args: [{index: 6, value: 1, op: "SCMP_CMP_EQ"}]}]}' \
		'config.json: `linux.seccomp.syscalls[0].args[0].index`: `6` is not below 6'
	bad '{defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_NOPE"]}' \
		'config.json: `linux.seccomp.flags[0]`: unknown seccomp flag `SECCOMP_FILTER_FLAG_NOPE`'
	bad '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_NOTIFY"}]}' \
		'config.json: `linux.seccomp.listenerPath`: required by SCMP_ACT_NOTIFY'
	bad '{defaultAction: "SCMP_ACT_NOTIFY", listenerPath: "/nonexistent"}' \
		'config.json: `linux.seccomp.defaultAction`: SCMP_ACT_NOTIFY cannot be the default action'
}

@test "seccomp: without noNewPrivileges the filter comes before the credentials, with it after (runc)" {
	# capset is what the capabilities step calls: denied, it fails the
	# start when the filter is already loaded (as runc: "unable to apply caps")
	seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["capset"], action: "SCMP_ACT_ERRNO"}]}'
	update_config '.process.noNewPrivileges = false'
	run_ct /testinit true
	[ "$status" -eq 1 ]
	[[ "$output" == *"capabilities"* ]]
	[ "${#lines[@]}" -eq 1 ]
	update_config '.process.noNewPrivileges = true'
	run_ct /testinit true
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# and the filter is in force for the process either way
	seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_ERRNO", errnoRet: 38}]}'
	update_config '.process.noNewPrivileges = false'
	run_ct /testinit syscall mkdir /x 0755
	[ "$status" -eq 0 ]
	[ "$output" = "errno=38" ]
}

@test "seccomp: the second run of a profile is a cache hit, a corrupt entry is recompiled" {
	seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_ERRNO", errnoRet: 38}]}'
	update_config '.process.args = ["/testinit", "syscall", "mkdir", "/x", "0755"]'
	sane_run cruntime --debug --log "$BUNDLE/log1" run -b "$BUNDLE" ct1
	[ "$output" = "errno=38" ]
	grep -q 'seccomp: compiled [0-9a-f]\{64\}' "$BUNDLE/log1"
	[ "$(grep -c 'seccomp: cache hit' "$BUNDLE/log1")" -eq 0 ]
	local f
	f=$(ls "$ROOT/seccomp:cache/"*.bpf)
	[ "$(echo "$f" | wc -l)" -eq 1 ]
	local ino
	ino=$(stat -c %i "$f")
	sane_run cruntime --debug --log "$BUNDLE/log2" run -b "$BUNDLE" ct1
	[ "$output" = "errno=38" ]
	grep -q "seccomp: cache hit $(basename "$f" .bpf)" "$BUNDLE/log2"
	[ "$(grep -c 'seccomp: compiled' "$BUNDLE/log2")" -eq 0 ]
	[ "$(stat -c %i "$f")" = "$ino" ]
	# a truncated entry is never loaded: compiled again and rewritten
	truncate -s 100 "$f"
	sane_run cruntime --debug --log "$BUNDLE/log3" run -b "$BUNDLE" ct1
	[ "$output" = "errno=38" ]
	grep -q 'seccomp: compiled' "$BUNDLE/log3"
	[ "$(stat -c %s "$f")" -gt 100 ]
	# same size, other bytes: the digest line catches it
	printf 'garbage!' | dd of="$f" bs=1 seek=80 conv=notrunc 2>/dev/null
	sane_run cruntime --debug --log "$BUNDLE/log4" run -b "$BUNDLE" ct1
	[ "$output" = "errno=38" ]
	grep -q 'seccomp: compiled' "$BUNDLE/log4"
	# another profile, another entry
	update_config '.linux.seccomp.syscalls[0].errnoRet = 39'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$output" = "errno=39" ]
	[ "$(ls "$ROOT/seccomp:cache/" | wc -l)" -eq 2 ]
}

@test "seccomp: list skips the cache, delete keeps it" {
	seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_ERRNO"}]}'
	update_config '.process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	sane_run cruntime list -q
	[ "$status" -eq 0 ]
	[ "$output" = ct1 ]
	sane_run cruntime delete -f ct1
	[ "$status" -eq 0 ]
	[ -d "$ROOT/seccomp:cache" ]
	[ "$(ls "$ROOT/seccomp:cache/" | wc -l)" -eq 1 ]
	sane_run cruntime delete seccomp:cache
	[ "$status" -eq 1 ]
	[ -d "$ROOT/seccomp:cache" ]
	sane_run cruntime list -q
	[ -z "$output" ]
}

@test "seccomp: exec gets the container's filter" {
	seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_ERRNO", errnoRet: 38}]}'
	update_config '.process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	sane_run cruntime exec ct1 /testinit syscall mkdir /x 0755
	[ "$status" -eq 0 ]
	[ "$output" = "errno=38" ]
	# with or without no_new_privs for the exec'd process
	sane_run cruntime exec --no-new-privs ct1 /testinit syscall mkdir /x 0755
	[ "$output" = "errno=38" ]
	[ ! -e "$BUNDLE/rootfs/x" ]
}

# start_agent ERRNO: the agent on $BUNDLE/agent.sock, its output in $BUNDLE/agent.out
start_agent() {
	# not bats' fd 3, or bats would wait for the agent
	"$SECCOMP_AGENT" "$BUNDLE/agent.sock" "$1" >"$BUNDLE/agent.out" 2>"$BUNDLE/agent.err" 3>&- &
	AGENT_PID=$!
	retry 50 0.1 test -S "$BUNDLE/agent.sock"
}

wait_agent() {
	wait "$AGENT_PID"
	local st=$?
	AGENT_PID=
	cat "$BUNDLE/agent.out" "$BUNDLE/agent.err" >&2
	return $st
}

@test "seccomp: SCMP_ACT_NOTIFY hands the listener and the process state to listenerPath" {
	[ -x "$SECCOMP_AGENT" ] || skip "seccomp-agent not built"
	seccomp "{defaultAction: \"SCMP_ACT_ALLOW\", listenerPath: \"$BUNDLE/agent.sock\", listenerMetadata: \"hello-agent\",
		syscalls: [{names: [\"mkdir\"], action: \"SCMP_ACT_NOTIFY\"}]}"
	update_config '.annotations = {"org.test": "yes"}'
	start_agent 0
	run_ct /testinit syscall mkdir /x 0755
	[ "$status" -eq 0 ]
	# the agent said 0 without running it
	[ "$output" = ok ]
	[ ! -e "$BUNDLE/rootfs/x" ]
	wait_agent
	local doc
	doc=$(head -n 1 "$BUNDLE/agent.out")
	[ "$(jq -c .fds <<<"$doc")" = '["seccompFd"]' ]
	[ "$(jq -r .metadata <<<"$doc")" = hello-agent ]
	[ "$(jq -r .ociVersion <<<"$doc")" != null ]
	[ "$(jq -r .state.id <<<"$doc")" = ct1 ]
	[ "$(jq -r .state.status <<<"$doc")" = creating ]
	[ "$(jq -r .state.bundle <<<"$doc")" = "$(realpath "$BUNDLE")" ]
	[ "$(jq -r '.state.annotations["org.test"]' <<<"$doc")" = yes ]
	[ "$(jq -r .pid <<<"$doc")" -gt 0 ]
	[ "$(jq -r .pid <<<"$doc")" = "$(jq -r .state.pid <<<"$doc")" ]
	[ "$(sed -n 2p "$BUNDLE/agent.out")" = "notified nr=83" ]

	# a chosen errno, the early path (no noNewPrivileges)
	update_config '.process.noNewPrivileges = false'
	rm -f "$BUNDLE/agent.sock"
	start_agent 13
	run_ct /testinit syscall mkdir /x 0755
	[ "$status" -eq 0 ]
	[ "$output" = "errno=13" ]
	wait_agent
}

@test "seccomp: exec hands its own listener over, with the running container's state" {
	[ -x "$SECCOMP_AGENT" ] || skip "seccomp-agent not built"
	seccomp "{defaultAction: \"SCMP_ACT_ALLOW\", listenerPath: \"$BUNDLE/agent.sock\",
		syscalls: [{names: [\"mkdir\"], action: \"SCMP_ACT_NOTIFY\"}]}"
	update_config '.process.args = ["/testinit", "pause"]'
	# the init's listener: taken and dropped (the init never calls mkdir)
	start_agent -1
	ct_run_d ct1
	wait_agent
	[ "$(jq -r .state.status "$BUNDLE/agent.out")" = creating ]
	rm -f "$BUNDLE/agent.sock"
	start_agent 17
	sane_run cruntime exec ct1 /testinit syscall mkdir /x 0755
	[ "$status" -eq 0 ]
	[ "$output" = "errno=17" ]
	wait_agent
	local doc
	doc=$(head -n 1 "$BUNDLE/agent.out")
	[ "$(jq -r .state.status <<<"$doc")" = running ]
	[ "$(jq -r .state.pid <<<"$doc")" = "$(cruntime state ct1 | jq -r .pid)" ]
	[ "$(jq -r .pid <<<"$doc")" != "$(jq -r .state.pid <<<"$doc")" ]
}

@test "seccomp: a listenerPath nobody listens on fails the start" {
	seccomp "{defaultAction: \"SCMP_ACT_ALLOW\", listenerPath: \"$BUNDLE/nobody.sock\",
		syscalls: [{names: [\"mkdir\"], action: \"SCMP_ACT_NOTIFY\"}]}"
	run_ct /testinit true
	[ "$status" -eq 1 ]
	[[ "$output" == *'config.json: `linux.seccomp.listenerPath`: connect to `'"$BUNDLE"'/nobody.sock`'* ]]
	[ ! -e "$ROOT/ct1" ]
}

@test "seccomp: features lists the actions, operators, archs and flags" {
	sane_run cruntime features
	[ "$status" -eq 0 ]
	local f=$output
	[ "$(jq -r .linux.seccomp.enabled <<<"$f")" = true ]
	[ "$(jq -c '.linux.seccomp.actions | sort' <<<"$f")" = '["SCMP_ACT_ALLOW","SCMP_ACT_ERRNO","SCMP_ACT_KILL","SCMP_ACT_KILL_PROCESS","SCMP_ACT_KILL_THREAD","SCMP_ACT_LOG","SCMP_ACT_NOTIFY","SCMP_ACT_TRACE","SCMP_ACT_TRAP"]' ]
	[ "$(jq -c '.linux.seccomp.operators | sort' <<<"$f")" = '["SCMP_CMP_EQ","SCMP_CMP_GE","SCMP_CMP_GT","SCMP_CMP_LE","SCMP_CMP_LT","SCMP_CMP_MASKED_EQ","SCMP_CMP_NE"]' ]
	jq -e '.linux.seccomp.archs | index("SCMP_ARCH_X86_64")' <<<"$f"
	[ "$(jq -c '.linux.seccomp.knownFlags' <<<"$f")" = '["SECCOMP_FILTER_FLAG_TSYNC","SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_SPEC_ALLOW","SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]' ]
	# this kernel (5.19+) has them all
	[ "$(jq -c '.linux.seccomp.supportedFlags' <<<"$f")" = "$(jq -c '.linux.seccomp.knownFlags' <<<"$f")" ]
}
