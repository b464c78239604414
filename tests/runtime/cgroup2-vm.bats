#!/usr/bin/env bats
# cruntime on a pure cgroup v2 host: a qemu guest (Debian's cloud kernel, software
# emulation, cgroup_no_v1=all) runs tests/vm/guest-run.sh with this build's cruntime,
# then the cgroup suites (tests/vm/run-bats.sh: one boot for all of them).
# This machine is a hybrid v1 host; most users are on pure v2.

load ../lib/helpers

# The suites run in the guest; CT_VM_SUITES overrides (names below tests/runtime).
# security-lsm: the guest kernel has AppArmor, this host none;
# security-rootless-v2: cgroup delegation to a user
VM_SUITES=${CT_VM_SUITES:-cgroups.bats pause.bats ps.bats update.bats cgroup-resources.bats cgroup-devices.bats events.bats userns.bats security-lsm.bats security-rootless-v2.bats}

requires_vm() {
	# bootstrap's distcheck: the root and ASan passes booted the guest already
	[ -z "${CT_SKIP_VM:-}" ] || skip "CT_SKIP_VM is set"
	command -v qemu-system-x86_64 >/dev/null || skip "test requires qemu-system-x86"
	kernel=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -n1)
	[ -n "$kernel" ] || skip "test requires linux-image-cloud-amd64"
	[ -r "$kernel" ] || skip "test requires a readable $kernel (root)"
}

@test "run works on a pure cgroup v2 host (qemu guest)" {
	requires_vm
	run "$CT_SRCDIR/tests/vm/run-vm.sh" "$CT_SRCDIR/tests/vm/guest-run.sh" "$CRUNTIME"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[[ "$output" == *"cgroup2 controllers: "*memory* ]]
	[ "$(echo "$output" | grep -c '^ok ')" -eq 7 ]
	! echo "$output" | grep -q '^not ok'
}

@test "the cgroup suites pass on a pure cgroup v2 host (qemu guest)" {
	requires_vm
	command -v bats >/dev/null || skip "test requires bats"
	local files=() s
	for s in $VM_SUITES; do
		[ -f "$CT_SRCDIR/tests/runtime/$s" ] && files+=("$CT_SRCDIR/tests/runtime/$s")
	done
	[ "${#files[@]}" -gt 0 ]
	VM_TIMEOUT=${VM_TIMEOUT:-900} run "$CT_SRCDIR/tests/vm/run-bats.sh" "$CT_BUILDDIR" "${files[@]}"
	echo "$output" >&2
	# the TAP between the guest's markers
	tap=$(echo "$output" | sed -n '/^vm: tap begin$/,/^vm: tap end$/p')
	[ -n "$tap" ]
	plan=$(echo "$tap" | sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p')
	[ -n "$plan" ]
	[ "$plan" -gt 0 ]
	[ "$(echo "$tap" | grep -c '^not ok')" -eq 0 ]
	[ "$(echo "$tap" | grep -c '^ok ')" -eq "$plan" ]
	[ "$status" -eq 0 ]
}
