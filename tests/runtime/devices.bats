#!/usr/bin/env bats
# linux.devices: nodes made in the container's /dev (mknod with the type,
# numbers, mode and owner asked; runc's defaults: mode 0666, owner 0:0).

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	requires root jq
	setup_bundle
}

teardown() {
	teardown_bundle
}

@test "devices: char, block, fifo and u nodes with their numbers, mode and owner" {
	update_config '.linux.devices = [
		{type: "c", path: "/dev/x/y", major: 1, minor: 3, fileMode: 420, uid: 5, gid: 6},
		{type: "b", path: "/dev/loopx", major: 7, minor: 200, fileMode: 25008},
		{type: "p", path: "/dev/fifo"},
		{type: "u", path: "/dev/unbuf", major: 1, minor: 9}]
		| .process.args = ["sh", "-c", "for f in /dev/x/y /dev/loopx /dev/fifo /dev/unbuf; do /testinit stat $f; done; /testinit devnum /dev/x/y; /testinit devnum /dev/loopx; /testinit devnum /dev/unbuf"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "type=char mode=0644 uid=5 gid=6" ]
	# fileMode with the type's own bits (S_IFBLK | 0660), as podman writes it
	[ "${lines[1]}" = "type=block mode=0660 uid=0 gid=0" ]
	[ "${lines[2]}" = "type=fifo mode=0666 uid=0 gid=0" ]
	[ "${lines[3]}" = "type=char mode=0666 uid=0 gid=0" ]
	[ "${lines[4]}" = "1:3" ]
	[ "${lines[5]}" = "7:200" ]
	[ "${lines[6]}" = "1:9" ]
	# made in the container's /dev tmpfs, not in the bundle's rootfs
	[ ! -e "$BUNDLE/rootfs/dev/x" ]
}

@test "devices: one may replace a default device" {
	update_config '.linux.devices = [{type: "c", path: "/dev/null", major: 1, minor: 5, fileMode: 384}]
		| .process.args = ["sh", "-c", "/testinit stat /dev/null; /testinit devnum /dev/null"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "type=char mode=0600 uid=0 gid=0" ]
	[ "${lines[1]}" = "1:5" ]
}

@test "devices: /dev/ptmx in linux.devices is skipped: it stays the link to pts/ptmx (runc)" {
	# as containerd's --privileged lists it, with every host device
	update_config '.linux.devices = [{type: "c", path: "/dev/ptmx", major: 5, minor: 2, fileMode: 438},
		{type: "c", path: "/dev/after", major: 1, minor: 3}]
		| .process.args = ["sh", "-c", "readlink /dev/ptmx; /testinit devnum /dev/after"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = pts/ptmx ]
	[ "${lines[1]}" = 1:3 ]
	# a bad entry is still refused
	update_config '.linux.devices = [{type: "x", path: "/dev/ptmx", major: 5, minor: 2}]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[[ "$output" == *'`linux.devices[0].type`'* ]]
}

@test "devices: an existing file that is not a device is an error" {
	update_config '.mounts |= map(select(.destination != "/dev"))
		| .linux.devices = [{type: "c", path: "/dev/notnode", major: 1, minor: 3}] | .process.args = ["true"]'
	mkdir -p "$BUNDLE/rootfs/dev" && echo data >"$BUNDLE/rootfs/dev/notnode"
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[[ "$output" == *'create device `/dev/notnode`: it exists and is not a device'* ]]
	[ "$(cat "$BUNDLE/rootfs/dev/notnode")" = data ]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "devices: paths outside /dev, relative or with .. are refused by index" {
	local p
	for p in /foo /dev/../etc/x dev/rel /dev/ /dev/a/..; do
		update_config --arg p "$p" '.linux.devices = [{type: "c", path: "/dev/ok", major: 1, minor: 3},
			{type: "c", path: $p, major: 1, minor: 3}] | .process.args = ["true"]'
		sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
		[ "$status" -ne 0 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == *'config.json: `linux.devices[1].path`: `'"$p"'`'* ]]
		[ -z "$(ls -A "$ROOT")" ]
	done
	[ ! -e "$BUNDLE/rootfs/foo" ]
}

@test "devices: missing numbers and bad types are refused by field" {
	update_config '.linux.devices = [{type: "c", path: "/dev/nonum"}] | .process.args = ["true"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[[ "$output" == *'config.json: `linux.devices[0]`: major and minor required for type `c`'* ]]
	update_config '.linux.devices = [{type: "x", path: "/dev/badtype", major: 1, minor: 3}]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[[ "$output" == *'`linux.devices[0].type`'* ]]
	[ -z "$(ls -A "$ROOT")" ]
}
