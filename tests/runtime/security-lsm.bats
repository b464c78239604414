#!/usr/bin/env bats
# LSM labels: process.apparmorProfile, process.selinuxLabel, linux.mountLabel
# and exec --apparmor / --process-label.  On a host without the LSM a
# profile or label asked for is a clear error before anything is created;
# with it, the init writes it to /proc/thread-self/attr (runc).  The
# enabled paths skip here (no AppArmor, no SELinux) but run where CI has them.

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	requires jq
	BUNDLE=
}

teardown() {
	[ -n "${BUNDLE:-}" ] || return 0
	teardown_bundle
}

# runc's apparmor.IsEnabled
apparmor_on() {
	[ -d /sys/kernel/security/apparmor ] &&
		[ "$(head -c1 /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]
}

# selinuxfs mounted (go-selinux)
selinux_on() {
	[ "$(stat -f -c %t /sys/fs/selinux 2>/dev/null)" = f97cff8c ] && [ -e /sys/fs/selinux/enforce ]
}

bool() {
	if "$@"; then echo true; else echo false; fi
}

nothing_left() {
	[ -z "$(ls -A "$ROOT")" ]
}

@test "lsm: features report the host's AppArmor and SELinux" {
	sane_run "$CRUNTIME" features
	[ "$status" -eq 0 ]
	[ "$(jq -r .linux.apparmor.enabled <<<"$output")" = "$(bool apparmor_on)" ]
	[ "$(jq -r .linux.selinux.enabled <<<"$output")" = "$(bool selinux_on)" ]
}

@test "lsm: an AppArmor profile without AppArmor is refused, naming the field" {
	requires root
	! apparmor_on || skip "the host has AppArmor"
	setup_bundle
	update_config '.process.apparmorProfile = "unconfined" | .process.args = ["true"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *'config.json: `process.apparmorProfile`: AppArmor is not enabled on this host'* ]]
	nothing_left
	sane_run cruntime create -b "$BUNDLE" ct2
	[ "$status" -eq 1 ]
	[[ "$output" == *'config.json: `process.apparmorProfile`: AppArmor is not enabled on this host'* ]]
	nothing_left
}

@test "lsm: an SELinux label without SELinux is refused, naming the field" {
	requires root
	! selinux_on || skip "the host has SELinux"
	setup_bundle
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0" | .process.args = ["true"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *'config.json: `process.selinuxLabel`: SELinux is not enabled on this host'* ]]
	nothing_left
}

@test "lsm: a mount label without SELinux is refused, naming the field" {
	requires root
	! selinux_on || skip "the host has SELinux"
	setup_bundle
	update_config '.linux.mountLabel = "system_u:object_r:container_file_t:s0" | .process.args = ["true"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *'config.json: `linux.mountLabel`: SELinux is not enabled on this host'* ]]
	nothing_left
}

@test "lsm: empty labels mean none (runc)" {
	requires root
	setup_bundle
	update_config '.process.apparmorProfile = "" | .process.selinuxLabel = "" | .linux.mountLabel = ""
		| .process.args = ["/testinit", "echo", "ok"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "lsm: exec --apparmor and --process-label without the LSM fail, naming the flag" {
	requires root
	setup_bundle
	update_config '.process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	if ! apparmor_on; then
		sane_run cruntime exec --apparmor unconfined ct1 /testinit true
		[ "$status" -eq 1 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == *'exec --apparmor: AppArmor is not enabled on this host'* ]]
	fi
	if ! selinux_on; then
		sane_run cruntime exec --process-label system_u:system_r:container_t:s0 ct1 /testinit true
		[ "$status" -eq 1 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == *'exec --process-label: SELinux is not enabled on this host'* ]]
	fi
	# a --process file with a profile: the file and the field are named
	if ! apparmor_on; then
		echo '{"args": ["/testinit", "true"], "cwd": "/", "user": {"uid": 0, "gid": 0}, "apparmorProfile": "unconfined"}' >"$BUNDLE/p.json"
		sane_run cruntime exec --process "$BUNDLE/p.json" ct1
		[ "$status" -eq 255 ]
		[[ "$output" == *'p.json: `apparmorProfile`: AppArmor is not enabled on this host'* ]]
	fi
	# the container is untouched
	[ "$(ct_status ct1)" = running ]
}

@test "lsm: the AppArmor profile is the process's (AppArmor hosts)" {
	requires root
	apparmor_on || skip "test requires AppArmor"
	setup_bundle
	# unconfined is always there, no profile to load
	update_config '.process.apparmorProfile = "unconfined" | .process.args = ["/testinit", "cat", "/proc/self/attr/current"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[[ "$output" == unconfined* ]]
	update_config '.process.args = ["/testinit", "pause"]'
	ct_run_d ct2
	sane_run cruntime exec --apparmor unconfined ct2 /testinit cat /proc/self/attr/current
	[ "$status" -eq 0 ]
	[[ "$output" == unconfined* ]]
}

@test "lsm: a profile AppArmor does not know fails the start, naming it (AppArmor hosts)" {
	requires root
	apparmor_on || skip "test requires AppArmor"
	setup_bundle
	update_config '.process.apparmorProfile = "cruntime-test-no-such-profile" | .process.args = ["true"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *'lsm: apply the AppArmor profile: write `exec cruntime-test-no-such-profile`'* ]]
	nothing_left
}

@test "lsm: the SELinux label is the process's (SELinux hosts)" {
	requires root
	selinux_on || skip "test requires SELinux"
	setup_bundle
	local label
	# our own label: one the policy surely lets us exec into
	label=$(tr -d '\0' </proc/self/attr/current)
	update_config --arg l "$label" '.process.selinuxLabel = $l | .process.args = ["/testinit", "cat", "/proc/self/attr/current"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$(tr -d '\0' <<<"$output")" = "$label" ]
}
