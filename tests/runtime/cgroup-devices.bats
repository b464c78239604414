#!/usr/bin/env bats
# The device rules of the container's cgroup (linux.resources.devices, then
# runc's default allowed devices): v1 devices.allow/deny on this hybrid host,
# an eBPF program on a pure v2 host.  Probes: mknod a node (allowed by the
# default "c *:* m") and open it; a denied open fails with EPERM.  c 1:11 is
# /dev/kmsg, opened write-only (nothing is written, and no CAP_SYSLOG is
# needed), outside the defaults.

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	requires root jq
	setup_bundle
	CG=/ct-test-devices-$BATS_TEST_NUMBER-$$
	update_config --arg cg "$CG" '.linux.cgroupsPath = $cg
		| .process.capabilities.bounding += ["CAP_MKNOD"]
		| .process.capabilities.effective += ["CAP_MKNOD"]
		| .process.capabilities.permitted += ["CAP_MKNOD"]'
}

teardown() {
	teardown_bundle
	local d
	for d in /sys/fs/cgroup/*"$CG" /sys/fs/cgroup"$CG"; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null || true
	done
}

# The v1 devices hierarchy, when the host has one.
v1_devices() {
	[ "$(stat -f -c %T /sys/fs/cgroup/devices 2>/dev/null)" = cgroupfs ]
}

# probe SHELL-SNIPPET: run it in a foreground container; $output / $status.
probe() {
	update_config --arg s "$1" '.process.args = ["/bin/sh", "-c", $s]'
	sane_run cruntime run -b "$BUNDLE" ct1
}

KMSG='mknod /dev/kmsg2 c 1 11 && echo made; : > /dev/kmsg2 && echo opened'

@test "devices: the default spec denies everything but the defaults" {
	[ "$(jq -c .linux.resources.devices "$BUNDLE/config.json")" = '[{"allow":false,"access":"rwm"}]' ]
	probe 'head -c1 /dev/zero | wc -c; echo x > /dev/null && echo null; head -c1 /dev/urandom | wc -c
		: > /dev/full && echo full; '"$KMSG"
	[ "$status" -ne 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = null ]
	[ "${lines[2]}" = 1 ]
	[ "${lines[3]}" = full ]
	[ "${lines[4]}" = made ]
	[[ "${lines[5]}" == *"/dev/kmsg2"*"Operation not permitted"* ]]
	[ "${#lines[@]}" -eq 6 ]
}

@test "devices: an allow rule grants exactly its access" {
	update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
	probe "$KMSG"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'made\nopened')" ]

	# read only: the write-only open is refused
	update_config '.linux.resources.devices[1].access = "r"'
	probe "$KMSG"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]

	# a later rule wins: allowed, then denied again
	update_config '.linux.resources.devices[1].access = "rw"
		| .linux.resources.devices += [{"allow": false, "type": "c", "major": 1, "access": "w"},
		                                {"allow": false, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
	probe "$KMSG"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "devices: an allow-all rule lifts the restriction" {
	update_config '.linux.resources.devices = [{"allow": true, "access": "rwm"}]'
	probe "$KMSG"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'made\nopened')" ]
	update_config '.linux.resources.devices = []'
	probe "$KMSG"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'made\nopened')" ]
}

@test "devices: block devices are denied too (mknod of any is allowed)" {
	probe 'mknod /dev/b0 b 7 0 && echo made; : < /dev/b0 && echo opened'
	[ "$status" -ne 0 ]
	[ "${lines[0]}" = made ]
	[[ "${lines[1]}" == *"/dev/b0"*"Operation not permitted"* ]]
	[ "${#lines[@]}" -eq 2 ]
}

@test "devices: devices.list of a v1 cgroup shows the rules" {
	v1_devices || skip "test requires a v1 devices hierarchy"
	update_config '.linux.resources.devices += [{"allow": true, "type": "b", "major": 8, "access": "r"}]
		| .process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	sane_run sh -c "LC_ALL=C sort /sys/fs/cgroup/devices$CG/devices.list | paste -s -d,"
	[ "$status" -eq 0 ]
	[ "$output" = 'b *:* m,b 8:* r,c *:* m,c 10:200 rwm,c 136:* rwm,c 1:3 rwm,c 1:5 rwm,c 1:7 rwm,c 1:8 rwm,c 1:9 rwm,c 5:0 rwm,c 5:2 rwm' ]
	cruntime delete -f ct1
	[ ! -e "/sys/fs/cgroup/devices$CG" ]
}

@test "devices: linux.devices entries get no access of their own (runc 1.1)" {
	# runc 1.1.5 creates the node but adds no rule for it
	update_config '.linux.devices = [{"type": "c", "path": "/dev/kmsg2", "major": 1, "minor": 11}]'
	probe ': > /dev/kmsg2 && echo opened'
	if [[ "$output" == *"linux.devices"*"not supported"* ]]; then
		skip "linux.devices is not supported yet"
	fi
	[ "$status" -ne 0 ]
	[[ "$output" == *"/dev/kmsg2"*"Operation not permitted"* ]]
	update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "rw"}]'
	probe ': > /dev/kmsg2 && echo opened'
	[ "$status" -eq 0 ]
	[ "$output" = opened ]
}

# expect_bad JQ MESSAGE: run fails with MESSAGE and leaves no cgroup behind.
expect_bad() {
	update_config "$1"
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[[ "$output" == *"$2"* ]]
	[ "$(echo "$output" | grep -c .)" -eq 1 ]
	local d
	for d in /sys/fs/cgroup/*"$CG" /sys/fs/cgroup"$CG"; do
		[ ! -e "$d" ]
	done
}

@test "devices: a bad type is refused, naming the field" {
	expect_bad '.linux.resources.devices += [{"allow": true, "type": "u", "major": 1, "access": "r"}]' \
		'config.json: `linux.resources.devices[1].type`: `u` is not a device type (a, b or c)'
}

@test "devices: a bad access is refused, naming the field" {
	expect_bad '.linux.resources.devices += [{"allow": true, "type": "c", "access": "rwx"}]' \
		'config.json: `linux.resources.devices[1].access`: `rwx` is not a combination of r, w and m'
}

@test "devices: a negative major is refused, naming the field" {
	expect_bad '.linux.resources.devices += [{"allow": true, "type": "c", "major": -5, "access": "r"}]' \
		'config.json: `linux.resources.devices[1].major`: `-5` is out of range'
}

@test "devices: the same rules hold on a pure cgroup v2 host (eBPF, qemu guest)" {
	[ -z "${CT_SKIP_VM:-}" ] || skip "CT_SKIP_VM is set"
	command -v qemu-system-x86_64 >/dev/null || skip "test requires qemu-system-x86"
	kernel=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -n1)
	[ -n "$kernel" ] || skip "test requires linux-image-cloud-amd64"
	[ -r "$kernel" ] || skip "test requires a readable $kernel (root)"
	cat >"$BATS_TEST_TMPDIR/guest.sh" <<'EOF'
#!/bin/sh
cd /bundle || exit 1
cruntime spec || exit 1
edit() { jq "$@" config.json >config.new && mv config.new config.json; }
edit '.process.terminal = false | .linux.cgroupsPath = "/devtest"
	| .process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
	| .process.capabilities.permitted += ["CAP_MKNOD"]'
probe() {
	edit --arg s "$2" '.process.args = ["/bin/sh", "-c", $s]'
	out=$(cruntime run ct1 2>&1 </dev/null)
	echo "$1: status=$? $(echo "$out" | tr '\n' '|')"
}
KMSG='mknod /dev/kmsg2 c 1 11 && echo made; : > /dev/kmsg2 && echo opened'
probe default "head -c1 /dev/zero | wc -c; echo x > /dev/null && echo null; $KMSG"
edit '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
probe allow-w "$KMSG"
edit '.linux.resources.devices[1].access = "r"'
probe allow-r "$KMSG"
edit '.linux.resources.devices = [{"allow": true, "access": "rwm"}]'
probe allow-all "$KMSG"
edit '.linux.resources.devices = [{"allow": false, "access": "rwm"}]'
probe block 'mknod /dev/b0 b 7 0 && echo made; : < /dev/b0 && echo opened'
echo "leftover: [$(ls -d /sys/fs/cgroup/devtest 2>/dev/null)]"
EOF
	chmod +x "$BATS_TEST_TMPDIR/guest.sh"
	run "$CT_SRCDIR/tests/vm/run-vm.sh" "$BATS_TEST_TMPDIR/guest.sh" "$CRUNTIME" "$(command -v jq)"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	denied="/bin/sh: can't create /dev/kmsg2: Operation not permitted|"
	[[ "$output" == *"default: status=1 1|null|made|$denied"* ]]
	[[ "$output" == *"allow-w: status=0 made|opened|"* ]]
	[[ "$output" == *"allow-r: status=1 made|$denied"* ]]
	[[ "$output" == *"allow-all: status=0 made|opened|"* ]]
	[[ "$output" == *"block: status=1 made|/bin/sh: can't open /dev/b0: Operation not permitted|"* ]]
	[[ "$output" == *"leftover: []"* ]]
}
