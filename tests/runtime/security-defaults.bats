#!/usr/bin/env bats
# What `cruntime spec`'s default config gives a container, seen from inside:
# the protections a user gets without asking (runc's defaults).

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	requires root jq
	setup_bundle
}

teardown() {
	teardown_bundle
}

# in_ct CMD: run CMD (sh -c) in a fresh container of the default config
in_ct() {
	update_config --arg c "$1" '.process.args = ["sh", "-c", $c]'
	sane_run cruntime run -b "$BUNDLE" "ct-$BATS_TEST_NUMBER"
}

# caps_mask NAME...: the hex mask of /proc/PID/status for these capabilities
caps_mask() {
	local name num mask=0
	for name in "$@"; do
		num=$(awk -v n="$name" '$1 == "#define" && $2 == n { print $3 }' /usr/include/linux/capability.h)
		[ -n "$num" ] || return 1
		mask=$((mask | (1 << num)))
	done
	printf '%016x\n' "$mask"
}

@test "defaults: /proc/sys is mounted read-only and cannot be written" {
	in_ct 'grep " /proc/sys " /proc/self/mountinfo; echo x >/proc/sys/kernel/domainname && echo WROTE'
	[ "$status" -ne 0 ]
	[[ "${lines[0]}" =~ \ /proc/sys\ ro, ]]
	[[ "$output" != *WROTE* ]]
	[[ "$output" == *"Read-only file system"* ]]
}

@test "defaults: /proc/sysrq-trigger is not writable" {
	[ -e /proc/sysrq-trigger ] || skip "this kernel has no /proc/sysrq-trigger"
	# `h` only prints the help to the kernel log, should it get through
	update_config '.process.args = ["/testinit", "write", "/proc/sysrq-trigger", "h"]'
	sane_run cruntime run -b "$BUNDLE" ct-sysrq
	[ "$status" -ne 0 ]
	[[ "$output" == *"Read-only file system"* ]]
}

@test "defaults: every masked path is empty" {
	local p paths=()
	mapfile -t paths < <(jq -r '.linux.maskedPaths[]' "$BUNDLE/config.json")
	[ "${#paths[@]}" -ge 8 ]
	for p in "${paths[@]}"; do
		# a file reads empty (the null device), a directory lists nothing
		in_ct "if [ -d $p ]; then ls -A $p; elif [ -e $p ]; then cat $p; fi; echo end"
		[ "$status" -eq 0 ]
		[ "$output" = end ]
	done
	# the files that exist on this host are really covered by /dev/null
	local n=0
	for p in "${paths[@]}"; do
		[ -f "$p" ] || continue
		in_ct "stat -c %t:%T $p"
		[ "$status" -eq 0 ]
		[ "$output" = 1:3 ]
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

@test "defaults: the capability sets are runc's defaults" {
	requires runc
	local runc_dir
	runc_dir=$(mktemp -d "$BATS_TEST_TMPDIR/runc.XXXXXX")
	(cd "$runc_dir" && runc spec)
	[ "$(jq -S .process.capabilities "$BUNDLE/config.json")" = "$(jq -S .process.capabilities "$runc_dir/config.json")" ]
	# and what runc makes of them (ambient needs inheritable: none)
	update_config '.process.args = ["/testinit", "caps"]'
	sane_run runc --root "$BATS_TEST_TMPDIR/runc-root" run -b "$BUNDLE" runc-caps
	[ "$status" -eq 0 ]
	local want=$output
	[[ "$want" == *"CapBnd: $(caps_mask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)"* ]]
	sane_run cruntime run -b "$BUNDLE" ct-caps
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
}

@test "defaults: no_new_privs as the config says" {
	[ "$(jq -r .process.noNewPrivileges "$BUNDLE/config.json")" = true ]
	in_ct 'grep NoNewPrivs /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" =~ NoNewPrivs:[[:space:]]+1 ]]
	update_config '.process.noNewPrivileges = false'
	in_ct 'grep NoNewPrivs /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" =~ NoNewPrivs:[[:space:]]+0 ]]
}

@test "defaults: the container sees no fd of the runtime or the host" {
	update_config '.process.args = ["/testinit", "fds"]'
	sane_run cruntime run -b "$BUNDLE" ct-fds
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '0\n1\n2')" ]
	# nor an fd that is open in the caller without CLOEXEC
	sane_run cruntime run -b "$BUNDLE" ct-fds 5</dev/null 9<"$BUNDLE/config.json"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '0\n1\n2')" ]
}
