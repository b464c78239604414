#!/usr/bin/env bats
# cruntime on a pure cgroup v2 host: a qemu guest (Debian's cloud kernel, software
# emulation, cgroup_no_v1=all) runs tests/vm/guest-run.sh with this build's cruntime.
# This machine is a hybrid v1 host; most users are on pure v2.

load ../lib/helpers

@test "run works on a pure cgroup v2 host (qemu guest)" {
	command -v qemu-system-x86_64 >/dev/null || skip "test requires qemu-system-x86"
	kernel=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -n1)
	[ -n "$kernel" ] || skip "test requires linux-image-cloud-amd64"
	[ -r "$kernel" ] || skip "test requires a readable $kernel (root)"
	run "$CT_SRCDIR/tests/vm/run-vm.sh" "$CT_SRCDIR/tests/vm/guest-run.sh" "$CRUNTIME"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[[ "$output" == *"cgroup2 controllers: "*memory* ]]
	[ "$(echo "$output" | grep -c '^ok ')" -eq 7 ]
	! echo "$output" | grep -q '^not ok'
}
