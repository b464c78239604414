#!/usr/bin/env bats
# User namespaces for containers started by root: linux.namespaces "user",
# linux.uidMappings / gidMappings (config-linux.md), as runc 1.1.

load ../lib/helpers
bats_require_minimum_version 1.5.0

MAPS='.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
	| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'

setup() {
	requires root jq
	setup_bundle
	# the container's root is host 100000: it must own its files
	chown -R 100000:100000 "$BUNDLE/rootfs"
	# and reach it: mktemp made the bundle 0700 (runc needs the same)
	chmod 755 "$BUNDLE"
	update_config '.linux.namespaces += [{"type": "user"}]'" | $MAPS"
	HOSTDIR=
	JOINER=
}

teardown() {
	[ -z "$JOINER" ] || kill -9 "$JOINER" 2>/dev/null || true
	[ -z "$HOSTDIR" ] || rm -rf "$HOSTDIR"
	teardown_bundle
}

# The init's pid, from state.
init_pid() {
	cruntime state "$1" | jq -r .pid
}

# Nothing left of container ID: no state, no cgroup.
nothing_left() {
	[ -z "$(ls -A "$ROOT")" ]
	local dir
	for dir in /sys/fs/cgroup"$CT_CGROUPS_PATH" /sys/fs/cgroup/*"$CT_CGROUPS_PATH"; do
		[ ! -d "$dir/$1" ] || return 1
	done
}

@test "userns: the process is root inside, its ids mapped as configured" {
	update_config '.process.args = ["/testinit", "id"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = "uid=0 gid=0 groups=" ]
	update_config '.process.args = ["/testinit", "cat", "/proc/self/uid_map"]'
	sane_run cruntime run -b "$BUNDLE" ct2
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 100000 65536" ]
	update_config '.process.args = ["/testinit", "cat", "/proc/self/gid_map"]'
	sane_run cruntime run -b "$BUNDLE" ct3
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 100000 65536" ]
	# not the host's user namespace
	update_config '.process.args = ["readlink", "/proc/self/ns/user"]'
	sane_run cruntime run -b "$BUNDLE" ct4
	[ "$status" -eq 0 ]
	[ "$output" != "$(readlink /proc/self/ns/user)" ]
}

@test "userns: the same maps as runc 1.1" {
	requires runc
	update_config '.process.args = ["/testinit", "cat", "/proc/self/uid_map"]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000},
			{"containerID": 1000, "hostID": 200000, "size": 64536}]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	local ours=$output
	update_config --arg p "$CT_CGROUPS_PATH/runc1" '.linux.cgroupsPath = $p'
	sane_run runc --root "$ROOT/runc" run -b "$BUNDLE" runc1
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "$(echo $ours)" ]
	[ "$(echo $ours)" = "0 100000 1000 1000 200000 64536" ]
	rm -rf "$ROOT/runc"
}

@test "userns: a file made in a bind-mounted host dir is owned by the mapped uid" {
	HOSTDIR=$(mktemp -d /tmp/ct-userns-host.XXXXXX)
	chmod 777 "$HOSTDIR"
	update_config --arg d "$HOSTDIR" '.mounts += [{"destination": "/host", "type": "bind", "source": $d,
		"options": ["rbind"]}] | .process.args = ["/testinit", "write", "/host/made", "x"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$(stat -c %u:%g "$HOSTDIR/made")" = 100000:100000 ]
}

@test "userns: process.user 1000 inside is 101000 on the host" {
	update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	local pid
	pid=$(init_pid ct1)
	[ "$(awk '/^Uid:/ {print $2, $3, $4, $5}' /proc/"$pid"/status)" = "101000 101000 101000 101000" ]
	[ "$(awk '/^Gid:/ {print $2, $3, $4, $5}' /proc/"$pid"/status)" = "101000 101000 101000 101000" ]
	sane_run cruntime exec ct1 /testinit id
	[ "$status" -eq 0 ]
	[ "$output" = "uid=1000 gid=1000 groups=" ]
}

@test "userns: the default devices are the host's nodes, bind-mounted" {
	update_config '.process.args = ["sh", "-c",
		"echo gone > /dev/null && stat -c %t:%T /dev/null /dev/zero && head -c 4 /dev/zero | wc -c && grep -c \" /dev/null \" /proc/self/mountinfo"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1:3 ]
	[ "${lines[1]}" = 1:5 ]
	[ "${lines[2]}" = 4 ]
	[ "${lines[3]}" = 1 ]
	# the host's /dev/null is untouched
	[ "$(stat -c %a:%t:%T /dev/null)" = 666:1:3 ]
}

@test "userns: exec joins the container's user namespace" {
	update_config '.process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	local pid
	pid=$(init_pid ct1)
	sane_run cruntime exec ct1 /testinit cat /proc/self/uid_map
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat /proc/"$pid"/uid_map)" ]
	sane_run cruntime exec ct1 readlink /proc/self/ns/user
	[ "$status" -eq 0 ]
	[ "$output" = "$(readlink /proc/"$pid"/ns/user)" ]
	sane_run cruntime exec ct1 /testinit id
	[ "$status" -eq 0 ]
	[ "$output" = "uid=0 gid=0 groups=" ]
	sane_run cruntime exec --user 1000:1000 ct1 /testinit id
	[ "$status" -eq 0 ]
	[ "$output" = "uid=1000 gid=1000 groups=" ]
}

@test "userns: a user namespace joined by path (another container's)" {
	update_config '.process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	local pid
	pid=$(init_pid ct1)
	update_config --arg p "/proc/$pid/ns/user" 'del(.linux.uidMappings, .linux.gidMappings)
		| .linux.namespaces = [.linux.namespaces[] | if .type == "user" then .path = $p else . end]
		| .process.args = ["/testinit", "cat", "/proc/self/uid_map"]'
	ct_cgroup_per_id ct2
	sane_run cruntime run -b "$BUNDLE" ct2
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat /proc/"$pid"/uid_map)" ]
	update_config '.process.args = ["readlink", "/proc/self/ns/user"]'
	ct_cgroup_per_id ct3
	sane_run cruntime run -b "$BUNDLE" ct3
	[ "$status" -eq 0 ]
	[ "$output" = "$(readlink /proc/"$pid"/ns/user)" ]
}

@test "userns: a user namespace joined by path (unshare --map-root-user)" {
	requires unshare
	unshare --user --map-root-user sleep 600 &
	JOINER=$!
	# the namespace exists once its map is written
	retry 50 0.1 grep -q . /proc/$JOINER/uid_map
	retry 50 0.1 sh -c '[ "$(readlink /proc/$1/ns/user)" != "$(readlink /proc/self/ns/user)" ]' sh "$JOINER"
	chown -R 0:0 "$BUNDLE/rootfs"
	update_config --arg p "/proc/$JOINER/ns/user" 'del(.linux.uidMappings, .linux.gidMappings)
		| .linux.namespaces = [.linux.namespaces[] | if .type == "user" then .path = $p else . end]
		| .process.args = ["/testinit", "cat", "/proc/self/uid_map"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 0 1" ]
	update_config '.process.args = ["readlink", "/proc/self/ns/user"]'
	sane_run cruntime run -b "$BUNDLE" ct2
	[ "$status" -eq 0 ]
	[ "$output" = "$(readlink /proc/$JOINER/ns/user)" ]
}

@test "userns: a zero size is refused, naming the field" {
	update_config '.linux.uidMappings[0].size = 0'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *'config.json: `linux.uidMappings[0].size`: must not be 0'* ]]
	nothing_left ct1
}

@test "userns: overlapping ranges are refused, naming the field" {
	update_config '.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000},
		{"containerID": 500, "hostID": 200000, "size": 10}]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *'config.json: `linux.gidMappings[1]`: containerID range overlaps `linux.gidMappings[0]`'* ]]
	nothing_left ct1
	update_config '.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000},
		{"containerID": 2000, "hostID": 100500, "size": 10}]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *'config.json: `linux.gidMappings[1]`: hostID range overlaps `linux.gidMappings[0]`'* ]]
	nothing_left ct1
}

@test "userns: more than 340 mappings are refused" {
	update_config '.linux.uidMappings = [range(341) | {"containerID": ., "hostID": (100000 + .), "size": 1}]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *'config.json: `linux.uidMappings`: 341 mappings, at most 340 are allowed'* ]]
	nothing_left ct1
}

@test "userns: mappings without a user namespace, a new one without mappings" {
	update_config 'del(.linux.namespaces[] | select(.type == "user"))'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *'config.json: `linux.uidMappings`: requires a user namespace'* ]]
	nothing_left ct1
	update_config '.linux.namespaces += [{"type": "user"}] | del(.linux.gidMappings)'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *'config.json: `linux.gidMappings`: required with a new user namespace'* ]]
	nothing_left ct1
}

@test "userns: a host id the kernel refuses fails cleanly, leaving nothing" {
	# 4294967295 is (uid_t) -1: never a valid host id
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 4294967295, "size": 1}]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.uidMappings'* ]]
	nothing_left ct1
}

@test "userns: on a pure cgroup v2 host the container's root owns its cgroup" {
	[ -f /sys/fs/cgroup/cgroup.controllers ] || skip "test requires a pure cgroup v2 host (cgroup2-vm.bats)"
	update_config '.process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	local dir=/sys/fs/cgroup$CT_CGROUPS_PATH/ct1 f
	for f in "" /cgroup.procs /cgroup.subtree_control /cgroup.threads; do
		[ "$(stat -c %u:%g "$dir$f")" = 100000:100000 ]
	done
	# nothing else changed hands: a controller file stays root's
	[ "$(stat -c %u "$dir/cgroup.type")" = 0 ]
}

@test "userns: features lists the user namespace" {
	sane_run cruntime features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.linux.namespaces | index("user")'
}
