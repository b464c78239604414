#!/usr/bin/env bats
# cimage unpack: layers applied into BUNDLE/rootfs (shared/layer.c) — every
# entry kind, the rootfs identical to what umoci makes of the same image,
# hostile layers kept inside the rootfs or refused with one line, and a
# bundle cruntime runs.  Contract: specs/cimage.1.md (unpack).

# Messages quote their subject in backticks: literal, not command substitution.
# shellcheck disable=SC2016,SC2154  # stderr/stderr_lines come from bats run --separate-stderr

load ../lib/helpers

bats_require_minimum_version 1.5.0

MK=$CT_SRCDIR/tests/fixtures/mk-layered-image.py
TREECMP=$CT_SRCDIR/tests/helpers/treecmp.py

HOSTILE_OK=(dotdot absolute symlink-abs symlink-rel symlink-dir)
HOSTILE_BAD=(hardlink-host hardlink-sentinel hardlink-dir symlink-loop whiteout-dotdot root-symlink not-tar)

setup_file() {
	command -v python3 >/dev/null && command -v zstd >/dev/null || return 0
	local F=$BATS_FILE_TMPDIR
	# The sentinel sits outside every bundle; hostile layers aim at it.
	mkdir -p "$F/sentinel/sub"
	echo keep >"$F/sentinel/keep"
	echo deeper >"$F/sentinel/sub/file"
	# umoci reads gzip and plain tar layers only: its comparisons use "gz"
	"$MK" --compression gzip "$F/gz" features:latest features >/dev/null
	"$MK" --compression gzip "$F/gz" busybox-like:latest busybox-like >/dev/null
	"$MK" "$F/mixed" features:latest features >/dev/null
	local k
	for k in "${HOSTILE_OK[@]}" "${HOSTILE_BAD[@]}" sparse-bomb; do
		"$MK" --compression none --sentinel "$F/sentinel" "$F/hostile" "$k:latest" "hostile-$k" >/dev/null
	done
	"$MK" --bad-diff-id "$F/hostile" baddiff:latest busybox-like >/dev/null
	if command -v busybox >/dev/null; then
		"$FIXTURES/mk-busybox-image.sh" "$F/busybox" busybox:latest >/dev/null
	fi
}

setup() {
	requires python3 jq
	command -v zstd >/dev/null || skip "test requires zstd"
	F=$BATS_FILE_TMPDIR
	B=$BATS_TEST_TMPDIR/bundle
	snapshot_sentinel >"$BATS_TEST_TMPDIR/sentinel.before"
}

teardown() {
	# whatever a test did, the sentinel outside the bundle is unchanged
	snapshot_sentinel >"$BATS_TEST_TMPDIR/sentinel.after"
	diff "$BATS_TEST_TMPDIR/sentinel.before" "$BATS_TEST_TMPDIR/sentinel.after"
	# and nothing was placed at the host's root by a hostile name
	[ ! -e /pwned-dotdot ] && [ ! -e /pwned-abs ] && [ ! -e /pwned ]
}

snapshot_sentinel() {
	(cd "$F/sentinel" && find . -printf '%y %m %U:%G %s %T@ %p\n' | sort && cat keep sub/file)
}

unpack() {
	local store=$1
	shift
	"$CIMAGE" --store "$store" unpack "$@"
}

@test "unpack: the features image, every entry kind checked" {
	requires root
	run_split unpack "$F/mixed" features:latest "$B"
	[ "$status" -eq 0 ]
	R=$B/rootfs
	# files, modes incl. setuid/setgid/sticky, owners, mtimes
	[ "$(stat -c '%F %a %u:%g %Y' "$R/bin/su")" = "regular file 4755 0:0 1600000000" ]
	[ "$(stat -c '%F %a %u:%g' "$R/bin/sgid")" = "regular file 2755 0:42" ]
	[ "$(stat -c '%F %a %Y' "$R/tmp")" = "directory 1777 1600000040" ]
	[ "$(stat -c '%a %u:%g %Y' "$R/home/user")" = "700 1000:1000 1600000060" ]
	[ "$(stat -c '%a %u:%g %Y %X' "$R/home/user/file")" = "640 1000:1000 1600000070 1600000070" ]
	[ "$(cat "$R/home/user/file")" = mine ]
	# a directory's mtime survives the entries written into it later
	[ "$(stat -c '%Y' "$R/etc")" = 1600000100 ]
	[ "$(stat -c '%a %Y' "$R/etc/passwd")" = "600 1600000090" ]
	[ "$(cat "$R/etc/passwd")" = "root:x:0:0:root:/root:/bin/sh" ]
	# symlinks verbatim, never resolved
	[ "$(readlink "$R/lnk/abs")" = /etc/passwd ]
	[ "$(readlink "$R/lnk/rel")" = ../etc/group ]
	[ "$(readlink "$R/lnk/dangling")" = /nonexistent/target ]
	[ "$(stat -c '%Y' "$R/lnk/abs")" = 1600000080 ]
	# hardlinks: to a lower layer's file, across directories, within the layer
	[ "$(stat -c '%i %h' "$R/usr/bin/tool")" = "$(stat -c '%i %h' "$R/usr/bin/tool-link")" ]
	[ "$(stat -c '%i' "$R/usr/bin/tool")" = "$(stat -c '%i' "$R/sbin/tool2")" ]
	[ "$(stat -c '%h' "$R/usr/bin/tool")" = 3 ]
	[ "$(stat -c '%i' "$R/data/a")" = "$(stat -c '%i' "$R/data/sub/b")" ]
	# fifo and devices
	[ "$(stat -c '%F %a' "$R/dev/fifo")" = "fifo 620" ]
	[ "$(stat -c '%F %t:%T %a' "$R/dev/null")" = "character special file 1:3 666" ]
	[ "$(stat -c '%F %t:%T %a %g' "$R/dev/loop7")" = "block special file 7:7 660 6" ]
	# xattrs, file capabilities
	run python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.comment").decode())' "$R/xattr/user"
	[ "$output" = hello ]
	if command -v getcap >/dev/null; then
		[ "$(getcap "$R/bin/ping")" = "$R/bin/ping cap_net_raw=ep" ]
	fi
	# long and non-ASCII names
	[ "$(cat "$R"/long/ddd*/fff*)" = "long name" ]
	[ "$(find "$R/long" -name 'f*' -printf '%f' | wc -c)" -eq 120 ]
	[ "$(cat "$R/unicode/café/日本語.txt")" = utf-8 ]
	[ "$(cat "$R/unicode/über")" = umlaut ]
	# replacement both ways
	[ "$(stat -c %F "$R/dir-to-file")" = "regular file" ]
	[ "$(stat -c '%F %a' "$R/file-to-dir")" = "directory 750" ]
	[ "$(cat "$R/file-to-dir/child")" = inside ]
	# whiteouts: gone, and never present themselves; opaque keeps this layer's entries
	[ ! -e "$R/wh/gone" ] && [ ! -e "$R/wh/dirgone" ] && [ -f "$R/wh/stays" ]
	[ -z "$(find "$R" -name '.wh.*')" ]
	[ "$(find "$R/opq" -mindepth 1 -printf '%f\n' | sort | tr '\n' ' ')" = "early late " ]
	# sparse: 4 MiB declared, holes kept
	[ "$(stat -c %s "$R/data/sparse")" -eq 4194304 ]
	[ "$(du -k "$R/data/sparse" | cut -f1)" -lt 100 ]
	[ "$(dd if="$R/data/sparse" bs=1 skip=1048576 count=6 status=none)" = middle ]
}

@test "unpack: rootfs identical to umoci's, path by path (gzip layers)" {
	requires root umoci
	local img
	for img in features busybox-like; do
		rm -rf "$B" "$B.umoci"
		run_split unpack "$F/gz" "$img:latest" "$B"
		[ "$status" -eq 0 ]
		umoci unpack --image "$F/gz:$img:latest" "$B.umoci" >/dev/null
		# type, mode, owner, mtime (directories too), size, content, link
		# target, device numbers, xattrs, hard link groups
		run "$TREECMP" "$B/rootfs" "$B.umoci/rootfs"
		echo "$output"
		[ "$status" -eq 0 ]
	done
	# the comparison can fail: one changed mtime is found
	touch -d @1700000000 "$B/rootfs/etc/motd"
	run "$TREECMP" "$B/rootfs" "$B.umoci/rootfs"
	[ "$status" -eq 1 ]
	[ "$output" = "etc/motd: mtime differs: 1700000000000000000 != 1600000000000000000" ]
}

@test "unpack: gzip, zstd and plain layers give the same rootfs" {
	requires root
	run_split unpack "$F/mixed" features:latest "$B"
	[ "$status" -eq 0 ]
	run_split unpack "$F/gz" features:latest "$B.gz"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.layers[].mediaType' "$F/mixed/blobs/sha256/$(jq -r '.manifests[0].digest' "$F/mixed/index.json" | cut -d: -f2)" | tr '\n' ' ')" = \
		"application/vnd.oci.image.layer.v1.tar+gzip application/vnd.oci.image.layer.v1.tar+zstd application/vnd.oci.image.layer.v1.tar " ]
	run "$TREECMP" "$B/rootfs" "$B.gz/rootfs"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "unpack: rootless (not root) skips devices and owners with a warning naming the entry" {
	requires rootless
	run_split unpack "$F/mixed" features:latest "$B"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *'`dev/null`: character device 1:3 not created (not permitted rootless)'* ]]
	[[ "$stderr" == *'`dev/loop7`: block device 7:7 not created (not permitted rootless)'* ]]
	[ ! -e "$B/rootfs/dev/null" ] && [ ! -e "$B/rootfs/dev/loop7" ]
	[ "$(stat -c '%F %a' "$B/rootfs/dev/fifo")" = "fifo 620" ]
	[ "$(stat -c '%u %a' "$B/rootfs/home/user/file")" = "$(id -u) 640" ]
	[ "$(stat -c '%a' "$B/rootfs/bin/su")" = 4755 ]
	[ "$(stat -c '%Y' "$B/rootfs/etc")" = 1600000100 ]
	[ "$(cat "$B/rootfs/etc/passwd")" = "root:x:0:0:root:/root:/bin/sh" ]
}

@test "unpack: hostile names and symlinks land inside the rootfs" {
	local k
	for k in "${HOSTILE_OK[@]}"; do
		rm -rf "$B"
		run_split unpack "$F/hostile" "$k:latest" "$B"
		[ "$status" -eq 0 ]
	done
	# each kind once more, checking where it landed
	rm -rf "$B" && unpack "$F/hostile" dotdot:latest "$B"
	[ "$(cat "$B/rootfs/pwned-dotdot")" = x ]
	rm -rf "$B" && unpack "$F/hostile" absolute:latest "$B"
	[ "$(cat "$B/rootfs/pwned-abs")" = x ]
	# escape -> the sentinel's absolute path: resolved under the rootfs
	rm -rf "$B" && unpack "$F/hostile" symlink-abs:latest "$B"
	[ "$(readlink "$B/rootfs/escape")" = "$F/sentinel" ]
	[ "$(cat "$B/rootfs$F/sentinel/pwned")" = x ]
	# escape -> ../../../../../../..: the rootfs itself
	rm -rf "$B" && unpack "$F/hostile" symlink-rel:latest "$B"
	[ "$(cat "$B/rootfs/pwned")" = x ]
	# etc -> sentinel, then etc/passwd: written under the rootfs, host untouched
	rm -rf "$B" && unpack "$F/hostile" symlink-dir:latest "$B"
	[ "$(cat "$B/rootfs$F/sentinel/passwd")" = x ]
	[ ! -e "$F/sentinel/passwd" ]
}

@test "unpack: hostile layers that cannot be placed fail with one line naming the entry" {
	declare -A want=(
		[hardlink-host]='`passwd`: hardlink target `/etc/passwd`: No such file or directory'
		[hardlink-sentinel]='`keep`: hardlink target `out/keep`: No such file or directory'
		[hardlink-dir]='`l`: hardlink to directory `d`'
		[symlink-loop]='`l1/x`: open `l1` beneath root: Too many levels of symbolic links'
		[whiteout-dotdot]='`d/.wh..`: whiteout of an invalid name'
		[root-symlink]='`.`: cannot replace the root directory'
		[not-tar]='not a tar archive (nor gzip/zstd)'
	)
	local k layer
	for k in "${HOSTILE_BAD[@]}"; do
		layer=$(jq -r '.layers[0].digest' "$F/hostile/blobs/sha256/$(jq -r --arg r "$k:latest" \
			'.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $r) | .digest' \
			"$F/hostile/index.json" | cut -d: -f2)")
		run_split unpack "$F/hostile" "$k:latest" "$B"
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ "${stderr_lines[0]}" == *"layer $layer: ${want[$k]}\"" ]]
		# nothing is left of the bundle
		[ ! -e "$B" ]
	done
}

@test "unpack: a layer that does not hash to its diff_id fails, nothing left" {
	run_split unpack "$F/hostile" baddiff:latest "$B"
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "${stderr_lines[0]}" =~ layer\ sha256:[0-9a-f]{64}:\ content\ does\ not\ match\ its\ diff_id\ sha256:0{64} ]]
	[ ! -e "$B" ]
}

@test "unpack: a sparse 1 GiB entry is written as holes" {
	run_split unpack "$F/hostile" sparse-bomb:latest "$B"
	[ "$status" -eq 0 ]
	[ "$(stat -c %s "$B/rootfs/bomb")" -eq 1073741824 ]
	[ "$(du -k "$B/rootfs/bomb" | cut -f1)" -lt 1024 ]
	[ "$(tail -c 4 "$B/rootfs/bomb")" = end ]
}

@test "unpack: cruntime runs the unpacked busybox bundle" {
	requires root busybox
	run_split unpack "$F/busybox" busybox:latest "$B"
	[ "$status" -eq 0 ]
	ROOT=$BATS_TEST_TMPDIR/state
	mkdir -p "$ROOT"
	# a cgroup of its own, as setup_bundle gives every runtime test
	CG=/cruntime-test-unpack-$$
	jq --arg cg "$CG" '.process.terminal = false | .linux.cgroupsPath = $cg |
		.process.args = ["/bin/sh", "-c", "echo hello from $(basename $0) in $(pwd)"]' \
		"$B/config.json" >"$B/config.json.new" && mv "$B/config.json.new" "$B/config.json"
	run_split "$CRUNTIME" --root "$ROOT" run -b "$B" "unpack-$$"
	cg_remove_path "$CG"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from sh in /" ]
}
