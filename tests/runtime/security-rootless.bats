#!/usr/bin/env bats
# Rootless: cruntime run by an unprivileged user (runc 1.1's rootless mode).
# The suite makes that user itself (ct-rootless, with /etc/subuid and
# /etc/subgid ranges), so it needs root to start; everything asserted runs
# as the user through setpriv.  What a rootless container must not get:
# any capability over the host (files, devices, host name, mounts).

load ../lib/helpers
load ../lib/rootless
bats_require_minimum_version 1.5.0

# cruntime as the user, with the default (XDG) state root.
rl_cruntime() {
	as_user "$CRUNTIME" "$@"
}

# run -d / create as the user; the init gets files, never bats' pipes.
rl_run_d() {
	rl_cruntime run -d -b "$RL_BUNDLE" "$@" </dev/null >"$RL_DIR/out" 2>"$RL_DIR/err" || {
		cat "$RL_DIR/err" >&2
		return 1
	}
}

# Edit the user's config.json with a jq expression.
rl_config() {
	local tmp
	tmp=$(mktemp "$RL_DIR/config.XXXXXX")
	jq "$@" "$RL_BUNDLE/config.json" >"$tmp" && chown "$RL_UID" "$tmp" && mv "$tmp" "$RL_BUNDLE/config.json"
}

setup() {
	RL_DIR=
	requires root jq unshare
	command -v setpriv >/dev/null || skip "test requires setpriv"
	command -v newuidmap >/dev/null || skip "test requires newuidmap (Debian package uidmap)"
	rl_make_user
	RL_DIR=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ct-rootless.XXXXXX")
	chmod 755 "$RL_DIR"
	RL_XDG=$RL_DIR/xdg
	RL_BUNDLE=$RL_DIR/bundle
	mkdir -m 700 "$RL_XDG"
	mkdir "$RL_BUNDLE"
	cp -a "$(busybox_rootfs)" "$RL_BUNDLE/rootfs"
	cp "$TESTINIT" "$RL_BUNDLE/rootfs/testinit"
	chown -R "$RL_UID:$RL_GID" "$RL_XDG" "$RL_BUNDLE"
	as_user test -x "$CRUNTIME" || skip "user $RL_USER cannot run $CRUNTIME"
	as_user unshare --user true 2>/dev/null || skip "unprivileged user namespaces are disabled"
	# the first claim of the issue: spec --rootless as the user
	(cd "$RL_BUNDLE" && as_user "$CRUNTIME" spec --rootless) || return 1
	rl_config '.process.terminal = false'
}

teardown() {
	[ -n "$RL_DIR" ] || return 0
	local id
	if [ -d "$RL_XDG/cruntime" ]; then
		for id in "$RL_XDG"/cruntime/*/; do
			[ -d "$id" ] || continue
			rl_cruntime delete -f "$(basename "$id")" >/dev/null 2>&1 || true
		done
	fi
	rm -rf "$RL_DIR"
}

@test "rootless: spec --rootless + run is root inside, state under \$XDG_RUNTIME_DIR/cruntime" {
	rl_config '.process.args = ["/testinit", "id"]'
	sane_run rl_cruntime run -b "$RL_BUNDLE" ct1
	[ "$status" -eq 0 ]
	[[ "$output" == "uid=0 gid=0 groups="* ]]
	# runc's XDG root: the user's, 0700 and sticky
	[ "$(stat -c %U:%a "$RL_XDG/cruntime")" = "$RL_USER:1700" ]
	rl_config '.process.args = ["/testinit", "cat", "/proc/self/uid_map"]'
	sane_run rl_cruntime run -b "$RL_BUNDLE" ct2
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 $RL_UID 1" ]
}

@test "rootless: create, start, state, list, exec, kill, delete as the user" {
	rl_config '.process.args = ["/testinit", "pause"]'
	rl_cruntime create -b "$RL_BUNDLE" ct1 </dev/null >"$RL_DIR/out" 2>"$RL_DIR/err" || {
		cat "$RL_DIR/err" >&2
		false
	}
	[ "$(stat -c %U "$RL_XDG/cruntime/ct1/state.json")" = "$RL_USER" ]
	sane_run rl_cruntime state ct1
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .status)" = created ]
	sane_run rl_cruntime start ct1
	[ "$status" -eq 0 ]
	sane_run rl_cruntime list -q
	[ "$status" -eq 0 ]
	[ "$output" = ct1 ]
	sane_run rl_cruntime exec ct1 /testinit id
	[ "$status" -eq 0 ]
	[[ "$output" == "uid=0 gid=0 groups="* ]]
	# no cgroup (nothing asked for, nothing delegated): pause says so
	if ! as_user test -w /sys/fs/cgroup/freezer 2>/dev/null; then
		sane_run rl_cruntime pause ct1
		[ "$status" -eq 1 ]
		[[ "$output" == *'cannot pause `ct1`: it has no cgroup'* ]]
	fi
	local pid
	pid=$(rl_cruntime state ct1 | jq -r .pid)
	# the host sees the user, not root
	[ "$(awk '/^Uid:/ { print $2 }' /proc/"$pid"/status)" = "$RL_UID" ]
	sane_run rl_cruntime kill ct1 KILL
	[ "$status" -eq 0 ]
	retry 50 0.1 eval '[ "$(rl_cruntime state ct1 | jq -r .status)" = stopped ]'
	sane_run rl_cruntime delete ct1
	[ "$status" -eq 0 ]
	[ ! -e "$RL_XDG/cruntime/ct1" ]
	sane_run rl_cruntime list -q
	[ "$output" = "" ]
}

@test "rootless: a subuid range goes through newuidmap; files are owned by the mapped ids" {
	local host=$RL_DIR/host
	mkdir -m 777 "$host"
	rl_config --argjson u "$RL_UID" --argjson g "$RL_GID" --argjson su "$RL_SUBUID" --argjson sg "$RL_SUBGID" \
		--arg d "$host" '.linux.uidMappings = [{"containerID": 0, "hostID": $u, "size": 1},
			{"containerID": 1, "hostID": $su, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": $g, "size": 1},
			{"containerID": 1, "hostID": $sg, "size": 65536}]
		| .mounts += [{"destination": "/host", "type": "bind", "source": $d, "options": ["rbind"]}]
		| .process.user = {"uid": 1000, "gid": 1000}
		| .process.args = ["/testinit", "write", "/host/made", "x"]'
	sane_run rl_cruntime run -b "$RL_BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$(stat -c %u:%g "$host/made")" = "$((RL_SUBUID + 999)):$((RL_SUBGID + 999))" ]
	rl_config '.process.user = {"uid": 0, "gid": 0} | .process.args = ["/testinit", "cat", "/proc/self/uid_map"]'
	sane_run rl_cruntime run -b "$RL_BUNDLE" ct2
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 $RL_UID 1 1 $RL_SUBUID 65536" ]
}

@test "rootless: a range outside /etc/subuid is refused, naming the mapping and newuidmap's reason" {
	local bad=$((RL_SUBUID + 65536 + 1000000))
	rl_config --argjson u "$RL_UID" --argjson b "$bad" \
		'.linux.uidMappings = [{"containerID": 0, "hostID": $u, "size": 1}, {"containerID": 1, "hostID": $b, "size": 10}]
		| .process.args = ["/testinit", "true"]'
	sane_run rl_cruntime run -b "$RL_BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *'config.json: `linux.uidMappings`: `newuidmap` refused the mapping: newuidmap: uid range [1-11) -> ['"$bad"'-'"$((bad + 10))"') not allowed'* ]]
	[ -z "$(ls -A "$RL_XDG/cruntime")" ]
}

@test "rootless: without newuidmap a range fails naming the helper" {
	rl_config --argjson u "$RL_UID" --argjson su "$RL_SUBUID" \
		'.linux.uidMappings = [{"containerID": 0, "hostID": $u, "size": 1}, {"containerID": 1, "hostID": $su, "size": 10}]
		| .process.args = ["/testinit", "true"]'
	sane_run as_user PATH=/nonexistent "$CRUNTIME" run -b "$RL_BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *'config.json: `linux.uidMappings`: run `newuidmap`: needed to map ids other than your own'* ]]
}

@test "rootless: the container's root, with every capability, gains none over the host" {
	local caps
	caps=$("$CRUNTIME" features | jq -c .linux.capabilities)
	# root-owned host files the container sees: writable bits for nobody but root
	echo host >"$RL_DIR/rootfile"
	chmod 644 "$RL_DIR/rootfile"
	mkdir "$RL_DIR/rodir"
	rl_config --argjson c "$caps" --arg f "$RL_DIR/rootfile" --arg d "$RL_DIR/rodir" '
		.root.readonly = false
		| .process.capabilities = {"bounding": $c, "effective": $c, "permitted": $c}
		| .mounts += [{"destination": "/rootfile", "type": "bind", "source": $f, "options": ["bind"]},
			{"destination": "/rodir", "type": "bind", "source": $d, "options": ["rbind", "ro"]}]
		| .process.args = ["/testinit", "pause"]'
	rl_run_d ct1
	# full capabilities inside its own user namespace
	sane_run rl_cruntime exec ct1 /testinit caps
	[ "$status" -eq 0 ]
	[[ "$output" == *"CapEff:"* ]]
	[ "$(echo "$output" | awk '/^CapEff:/ { print $2 }')" = "$(echo "$output" | awk '/^CapBnd:/ { print $2 }')" ]
	# and they work on what the user owns: chown in its own rootfs
	sane_run rl_cruntime exec ct1 chown 0:0 /testinit
	[ "$status" -eq 0 ]
	# a root-owned 0644 host file: no write (CAP_DAC_OVERRIDE is not the host's)
	sane_run rl_cruntime exec ct1 /testinit write /rootfile evil
	[ "$status" -eq 1 ]
	[[ "$output" == *"/rootfile"*"Permission denied"* ]]
	[ "$(cat "$RL_DIR/rootfile")" = host ]
	# nor chown it (its owner is not mapped in)
	sane_run rl_cruntime exec ct1 chown 0:0 /rootfile
	[ "$status" -ne 0 ]
	[[ "$output" == *"/rootfile"* ]]
	[ "$(stat -c %u:%g "$RL_DIR/rootfile")" = 0:0 ]
	# no device nodes
	sane_run rl_cruntime exec ct1 mknod /tmp/mem c 1 1
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	[ ! -e "$RL_BUNDLE/rootfs/tmp/mem" ]
	# a read-only bind of a root-owned host dir: the container made that
	# mount, so it may remount it rw, yet the host's permissions still hold
	sane_run rl_cruntime exec ct1 /testinit write /rodir/f x
	[ "$status" -eq 1 ]
	[[ "$output" == *"/rodir/f"*"Read-only file system"* ]]
	sane_run rl_cruntime exec ct1 mount -o remount,bind,rw /rodir
	sane_run rl_cruntime exec ct1 /testinit write /rodir/f x
	[ "$status" -eq 1 ]
	[[ "$output" == *"/rodir/f"*"Permission denied"* ]]
	[ ! -e "$RL_DIR/rodir/f" ]
	# nor mount the host's devices
	sane_run rl_cruntime exec ct1 mount -t ext4 /dev/null /tmp
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount: permission denied"* ]]
	# nor set the host's clock (busybox date exits 0 anyway)
	sane_run rl_cruntime exec ct1 date -s 2000-01-01
	[[ "$output" == *"can't set date: Operation not permitted"* ]]
	[ "$(date +%Y)" != 2000 ]
}

@test "rootless: without a uts namespace the host name cannot be set" {
	local before
	before=$(hostname)
	rl_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "uts")] | del(.hostname)
		| .process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
		| .process.capabilities.permitted += ["CAP_SYS_ADMIN"]
		| .process.args = ["hostname", "ct-rootless-evil"]'
	sane_run rl_cruntime run -b "$RL_BUNDLE" ct1
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	[ "$(hostname)" = "$before" ]
}

@test "rootless: a memory limit on a cgroup not delegated to the user fails naming the controller" {
	as_user test -w /sys/fs/cgroup/memory 2>/dev/null && skip "the memory cgroup is writable by $RL_USER"
	[ -f /sys/fs/cgroup/cgroup.controllers ] && skip "pure cgroup v2: see cgroup2-vm.bats"
	rl_config '.linux.resources = {"memory": {"limit": 67108864}} | .process.args = ["/testinit", "true"]'
	sane_run rl_cruntime run -b "$RL_BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *'config.json: `linux.resources.memory`: cgroup controller `memory` is not delegated to uid '"$RL_UID"': '* ]]
	[ -z "$(ls -A "$RL_XDG/cruntime")" ]
	# device rules alone are not a limit: runc goes on without them
	rl_config '.linux.resources = {"devices": [{"allow": false, "access": "rwm"}]}'
	sane_run rl_cruntime run -b "$RL_BUNDLE" ct2
	[ "$status" -eq 0 ]
}

@test "rootless: --rootless false makes the cgroup permission error fatal, true and auto go on" {
	as_user test -w /sys/fs/cgroup/memory 2>/dev/null && skip "the memory cgroup is writable by $RL_USER"
	rl_config '.process.args = ["/testinit", "true"]'
	sane_run rl_cruntime --rootless false run -b "$RL_BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *'create the cgroup `/sys/fs/cgroup/'*'/ct1`'* ]]
	[ -z "$(ls -A "$RL_XDG/cruntime")" ]
	sane_run rl_cruntime --rootless true run -b "$RL_BUNDLE" ct2
	[ "$status" -eq 0 ]
	sane_run rl_cruntime --rootless auto run -b "$RL_BUNDLE" ct3
	[ "$status" -eq 0 ]
}

@test "rootless: spec --rootless as the user matches runc's" {
	requires runc
	mkdir "$RL_DIR/runc" "$RL_DIR/ours"
	chown "$RL_UID" "$RL_DIR/runc" "$RL_DIR/ours"
	as_user runc spec --rootless -b "$RL_DIR/runc"
	as_user "$CRUNTIME" spec --rootless -b "$RL_DIR/ours"
	# the same document but for the spec version we speak
	[ "$(jq -S 'del(.ociVersion)' "$RL_DIR/ours/config.json")" = "$(jq -S 'del(.ociVersion)' "$RL_DIR/runc/config.json")" ]
	[ "$(jq -c .linux.uidMappings "$RL_DIR/ours/config.json")" = '[{"containerID":0,"hostID":'"$RL_UID"',"size":1}]' ]
}

@test "rootless: the default state root follows runc's XDG_RUNTIME_DIR rule" {
	# every command makes it, setup's spec --rootless too (runc's rule)
	[ "$(stat -c %a "$RL_XDG/cruntime")" = 1700 ]
	rmdir "$RL_XDG/cruntime"
	# no XDG_RUNTIME_DIR: /run/cruntime (which the user cannot write)
	sane_run as_user env -u XDG_RUNTIME_DIR "$CRUNTIME" list -q
	[ ! -e "$RL_XDG/cruntime" ]
	# root of a user namespace of its own: $USER decides, as runc
	sane_run as_user env USER=root unshare --user --map-root-user "$CRUNTIME" list -q
	[ ! -e "$RL_XDG/cruntime" ]
	sane_run as_user unshare --user --map-root-user "$CRUNTIME" list -q
	[ "$status" -eq 0 ]
	[ -d "$RL_XDG/cruntime" ]
	# an explicit --root is used as given, the XDG one left alone
	rmdir "$RL_XDG/cruntime"
	sane_run rl_cruntime --root "$RL_XDG/other" list -q
	[ "$status" -eq 0 ]
	[ ! -e "$RL_XDG/cruntime" ]
}

# Rootless podman's shape: the runtime runs as root in the user's own user
# namespace (podman's), the config asks for no user namespace and no
# cgroup.  --rootless auto must count that as rootless (runc), and exec
# must join the container's pid namespace without coming back to one it
# may not enter again.
@test "rootless: root in the user's own user namespace runs, execs and deletes without a cgroup (rootless podman)" {
	rl_config 'del(.linux.uidMappings, .linux.gidMappings, .linux.cgroupsPath)
		| .linux.namespaces |= map(select(.type != "user")) | .process.args = ["/testinit", "pause"]'
	sane_run as_user unshare --user --map-root-user sh -c '
		"$0" run -d -b "$1" ctp </dev/null >/dev/null 2>"$2/err" || { cat "$2/err"; exit 1; }
		[ -d "$2/cruntime/ctp" ] && echo state-in-xdg
		"$0" exec ctp sh -c "echo pid=\$\$" 2>"$2/err"; echo "exec=$? stderr=$(cat "$2/err")"
		"$0" delete -f ctp && echo deleted' "$CRUNTIME" "$RL_BUNDLE" "$RL_XDG"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = state-in-xdg ]
	# pid 2 or so: the container's pid namespace, not the user's
	[[ "${lines[1]}" =~ ^pid=[0-9]$ ]]
	[ "${lines[2]}" = "exec=0 stderr=" ]
	[ "${lines[3]}" = deleted ]
	[ ! -e "$RL_XDG/cruntime/ctp" ]
}
