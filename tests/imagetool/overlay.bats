#!/usr/bin/env bats
# cimage unpack --overlay: the store's layer cache (specs/store-format.md,
# layers/) and overlay bundles (specs/bundle-format.md); cimage umount; gc of
# the cache.  Contract: specs/cimage.1.md.

# shellcheck disable=SC2016,SC2154  # literal backticks; bats' run variables

load ../lib/helpers

bats_require_minimum_version 1.5.0

setup_file() {
	if command -v busybox >/dev/null; then
		"$FIXTURES/mk-busybox-image.sh" "$BATS_FILE_TMPDIR/fixture" busybox:latest >/dev/null
	fi
}

setup() {
	requires busybox jq
	S="$BATS_TEST_TMPDIR/store"
	cp -a "$BATS_FILE_TMPDIR/fixture" "$S"
	B="$BATS_TEST_TMPDIR/b"
}

teardown() {
	local m
	# whatever a failed test left mounted, deepest first
	for m in $(awk -v p="$BATS_TEST_TMPDIR/" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount "$m" || true
	done
}

ci() {
	"$CIMAGE" --store "$S" "$@"
}

diff_hex() {
	local m
	m=$(jq -r '.manifests[0].digest' "$S/index.json")
	jq -r '.rootfs.diff_ids[0]' "$S/blobs/sha256/$(jq -r .config.digest "$S/blobs/sha256/${m#sha256:}" | cut -d: -f2)" | cut -d: -f2
}

@test "overlay: the rootfs is an overlay of the cached layer, with the same tree as a copy unpack" {
	requires root
	run_split ci unpack --overlay busybox "$B"
	[ "$status" -eq 0 ]
	mountpoint -q "$B/rootfs"
	[ "$(findmnt -n -o FSTYPE "$B/rootfs")" = overlay ]
	hex=$(diff_hex)
	[ -d "$S/layers/sha256/$hex" ]
	[ -z "$(ls -A "$S/layers/tmp")" ]
	[ "$(jq -r .mode "$B/cimage.json")" = overlay ]
	[ -d "$B/overlay/upper" ] && [ -d "$B/overlay/work" ]
	[ ! -e "$B/cimage.record" ]
	jq -e '.process.args == ["/bin/sh"]' "$B/config.json"
	ci unpack busybox "$BATS_TEST_TMPDIR/copy"
	diff -r --no-dereference "$BATS_TEST_TMPDIR/copy/rootfs" "$B/rootfs"
	run_split ci umount "$B"
	[ "$status" -eq 0 ]
	! mountpoint -q "$B/rootfs"
}

@test "overlay: a second bundle reuses the cache; writes go to its upper dir only" {
	requires root
	ci unpack --overlay busybox "$B"
	hex=$(diff_hex)
	before=$(stat -c '%i %Y' "$S/layers/sha256/$hex")
	ci unpack --overlay busybox "$B.2"
	[ "$(stat -c '%i %Y' "$S/layers/sha256/$hex")" = "$before" ]
	echo changed >"$B/rootfs/etc/hostname"
	rm "$B/rootfs/bin/ls"
	[ "$(cat "$B/overlay/upper/etc/hostname")" = changed ]
	[ "$(stat -c '%t:%T %F' "$B/overlay/upper/bin/ls")" = "0:0 character special file" ]
	[ "$(cat "$B.2/rootfs/etc/hostname")" = busybox ]
	[ -e "$B.2/rootfs/bin/ls" ]
	[ "$(cat "$S/layers/sha256/$hex/etc/hostname")" = busybox ]
	ci umount "$B"
	ci umount "$B.2"
}

@test "overlay: cruntime runs an overlay bundle" {
	requires root
	ci unpack --overlay busybox "$B"
	jq '.process.args = ["sh", "-c", "echo hi >/tmp/x; cat /etc/hostname"] | .linux.cgroupsPath = "/cimage-overlay-test-\(env.BATS_TEST_NUMBER)"' \
		"$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	run_split "$CRUNTIME" --root "$BATS_TEST_TMPDIR/state" run -b "$B" ov1
	[ "$status" -eq 0 ]
	[ "$output" = busybox ]
	[ "$(cat "$B/overlay/upper/tmp/x")" = hi ]
	ci umount "$B"
	for d in /sys/fs/cgroup/*/cimage-overlay-test-"$BATS_TEST_NUMBER" /sys/fs/cgroup/cimage-overlay-test-"$BATS_TEST_NUMBER"; do
		[ ! -d "$d" ] || rmdir "$d"
	done
}

@test "overlay: gc keeps cached layers that an image lists or a mount uses, removes the rest" {
	requires root
	# a layer of its own: another suite's overlay of the usual fixture may be
	# mounted meanwhile, and gc rightly keeps what any mount uses
	rm -rf "$S"
	SOURCE_DATE_EPOCH=$((100000 + $$)) "$FIXTURES/mk-busybox-image.sh" "$S" busybox:latest >/dev/null
	ci unpack --overlay busybox "$B"
	hex=$(diff_hex)
	mkdir -p "$S/layers/tmp/leftover" "$S/layers/sha256/$(printf '%064d' 0)"
	ci gc
	[ -d "$S/layers/sha256/$hex" ]
	[ ! -e "$S/layers/tmp/leftover" ]
	[ ! -e "$S/layers/sha256/$(printf '%064d' 0)" ]
	ci rm busybox
	ci gc
	[ -d "$S/layers/sha256/$hex" ] # still mounted
	ci umount "$B"
	run_split ci gc
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"gc: removed 1 cached layer"* ]]
	[ ! -e "$S/layers/sha256/$hex" ]
}

@test "overlay: errors name the culprit and leave nothing behind" {
	requires root
	run_split ci unpack --overlay --uid-map 0:100000:65536 busybox "$B"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'unpack --overlay takes no --uid-map/--gid-map'* ]]
	[ ! -e "$B" ]
	ci unpack busybox "$B"
	run_split ci umount "$B"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"umount \`$B\`: the bundle was not unpacked with --overlay"* ]]
	run_split ci umount "$BATS_TEST_TMPDIR"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"\`$BATS_TEST_TMPDIR\`: not a bundle made by cimage unpack (no cimage.json)"* ]]
	ci unpack --overlay busybox "$B.2"
	ci umount "$B.2"
	run_split ci umount "$B.2"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"umount \`$B.2/rootfs\`: not mounted"* ]]
}

@test "overlay: not as an unprivileged user" {
	[ "$(id -u)" -ne 0 ] || skip "needs a non-root user"
	run_split ci unpack --overlay busybox "$B"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'unpack --overlay needs root'* ]]
	[ ! -e "$B" ]
}
