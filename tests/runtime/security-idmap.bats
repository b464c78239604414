#!/usr/bin/env bats
# Idmapped bind mounts (config.md "mounts": uidMappings/gidMappings, the
# options idmap and ridmap; runc 1.2's semantics): a mapping's containerID
# is the id on disk, its hostID what the mount shows (as the kernel's
# MOUNT_ATTR_IDMAP reads a user namespace's map).

load ../lib/helpers
bats_require_minimum_version 1.5.0

MAPS='.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
	| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
# on-disk 1000 shows as host 100000: the container's root
MOUNT_MAPS='"uidMappings": [{"containerID": 1000, "hostID": 100000, "size": 1}],
	"gidMappings": [{"containerID": 1000, "hostID": 100000, "size": 1}]'

# kernel_at_least MAJOR MINOR
kernel_at_least() {
	[ "$(uname -r | awk -F. -v a="$1" -v b="$2" '{ print ($1 > a || ($1 == a && $2 >= b)) }')" = 1 ]
}

setup() {
	requires root jq
	kernel_at_least 5 12 || skip "test requires mount_setattr (Linux 5.12)"
	# the host dirs live in /tmp: tmpfs takes idmapped mounts since Linux 6.3
	if [ "$(stat -f -c %T /tmp)" = tmpfs ] && ! kernel_at_least 6 3; then
		skip "test requires a /tmp that supports idmapped mounts"
	fi
	setup_bundle
	HOSTDIR=
	JOINER=
	# the container's root is host 100000: it must own its files and
	# reach them (mktemp made the bundle 0700)
	chown -R 100000:100000 "$BUNDLE/rootfs"
	chmod 755 "$BUNDLE"
	update_config '.linux.namespaces += [{"type": "user"}]'" | $MAPS"
	HOSTDIR=$(mktemp -d /tmp/ct-idmap.XXXXXX)
	chmod 755 "$HOSTDIR"
	mkdir "$HOSTDIR/src"
	echo data >"$HOSTDIR/src/file"
	chown -R 1000:1000 "$HOSTDIR/src"
}

teardown() {
	[ -n "${BUNDLE:-}" ] || return 0
	[ -z "$JOINER" ] || kill -9 "$JOINER" 2>/dev/null || true
	[ -z "$HOSTDIR" ] || rm -rf "$HOSTDIR"
	teardown_bundle
}

# add_mount OPTIONS-JSON [MORE-JSON-FIELDS]: $HOSTDIR/src on /mnt
add_mount() {
	update_config --arg s "$HOSTDIR/src" --argjson o "$1" \
		".mounts += [{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \$s, \"options\": \$o ${2:+, $2}}]"
}

nothing_left() {
	[ -z "$(ls -A "$ROOT")" ]
}

# The run fails with one line naming the last mount: "config.json:
# `mounts[N]`: $1", and leaves nothing behind.
refused_naming_last_mount() {
	local n
	n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"config.json: \`mounts[$n]\`: $1"* ]]
	nothing_left
}

@test "idmap: the features document lists idmap and ridmap, and idmap enabled" {
	sane_run "$CRUNTIME" features
	[ "$status" -eq 0 ]
	[ "$(jq -r '.mountOptions | index("idmap") != null and index("ridmap") != null' <<<"$output")" = true ]
	[ "$(jq -r .linux.mountExtensions.idmap.enabled <<<"$output")" = true ]
}

@test "idmap: mount mappings show host-1000 files as the container's root" {
	add_mount '["bind", "idmap"]' "$MOUNT_MAPS"
	update_config '.process.args = ["/testinit", "stat", "/mnt/file"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = "type=file mode=0644 uid=0 gid=0" ]
	# without the idmap the file is nobody's in the container
	update_config '.mounts[-1] |= (del(.uidMappings, .gidMappings) | .options = ["bind"])'
	sane_run cruntime run -b "$BUNDLE" ct2
	[ "$status" -eq 0 ]
	[ "$output" = "type=file mode=0644 uid=65534 gid=65534" ]
}

@test "idmap: a file the container's root writes is the host's 1000" {
	add_mount '["bind", "idmap"]' "$MOUNT_MAPS"
	update_config '.process.args = ["/testinit", "write", "/mnt/new", "hello"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$(stat -c %u:%g "$HOSTDIR/src/new")" = "1000:1000" ]
	[ "$(cat "$HOSTDIR/src/new")" = hello ]
}

@test "idmap: mappings without the option imply idmap (runc 1.2)" {
	add_mount '["bind"]' "$MOUNT_MAPS"
	update_config '.process.args = ["/testinit", "stat", "/mnt/file"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = "type=file mode=0644 uid=0 gid=0" ]
}

@test "idmap: without mappings, the container's user namespace maps the mount" {
	chown -R 0:0 "$HOSTDIR/src"
	add_mount '["bind", "idmap"]'
	update_config '.process.args = ["/testinit", "stat", "/mnt/file"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = "type=file mode=0644 uid=0 gid=0" ]
	update_config '.process.args = ["/testinit", "write", "/mnt/new", "x"]'
	sane_run cruntime run -b "$BUNDLE" ct2
	[ "$status" -eq 0 ]
	[ "$(stat -c %u:%g "$HOSTDIR/src/new")" = "0:0" ]
}

@test "idmap: without mappings, a joined user namespace maps the mount" {
	requires unshare
	unshare --user sleep 600 &
	JOINER=$!
	# once it has unshared, we (root) write its maps
	# (evaluated on every try, not once by the caller's expansion)
	retry 50 0.1 sh -c '[ "$(readlink /proc/$1/ns/user)" != "$(readlink /proc/self/ns/user)" ]' sh "$JOINER"
	echo "0 100000 65536" >/proc/$JOINER/uid_map
	echo "0 100000 65536" >/proc/$JOINER/gid_map
	chown -R 0:0 "$HOSTDIR/src"
	add_mount '["bind", "idmap"]'
	update_config --arg p "/proc/$JOINER/ns/user" 'del(.linux.uidMappings, .linux.gidMappings)
		| .linux.namespaces = [.linux.namespaces[] | if .type == "user" then .path = $p else . end]
		| .process.args = ["/testinit", "stat", "/mnt/file"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = "type=file mode=0644 uid=0 gid=0" ]
}

# A mount below the source, in a private mount namespace of our own (the
# host's mounts stay as they are): ridmap maps it too, idmap only the top.
@test "idmap: ridmap maps the mounts below an rbind, idmap only the top one" {
	requires unshare
	mkdir "$HOSTDIR/src/sub" "$HOSTDIR/other"
	echo sub >"$HOSTDIR/other/file"
	chown -R 1000:1000 "$HOSTDIR/src/sub" "$HOSTDIR/other"
	add_mount '["rbind", "ridmap"]' "$MOUNT_MAPS"
	update_config '.process.args = ["/testinit", "stat", "/mnt/sub/file"]'
	local run_in_ns="mount --bind '$HOSTDIR/other' '$HOSTDIR/src/sub' && '$CRUNTIME' --root '$ROOT' run -b '$BUNDLE'"
	sane_run unshare -m --propagation private sh -c "$run_in_ns ct1"
	[ "$status" -eq 0 ]
	[ "$output" = "type=file mode=0644 uid=0 gid=0" ]
	update_config '.mounts[-1].options = ["rbind", "idmap"]'
	sane_run unshare -m --propagation private sh -c "$run_in_ns ct2"
	[ "$status" -eq 0 ]
	[ "$output" = "type=file mode=0644 uid=65534 gid=65534" ]
	# and the top one is mapped either way
	update_config '.process.args = ["/testinit", "stat", "/mnt/file"]'
	sane_run unshare -m --propagation private sh -c "$run_in_ns ct3"
	[ "$status" -eq 0 ]
	[ "$output" = "type=file mode=0644 uid=0 gid=0" ]
}

@test "idmap: without mappings nor a user namespace is refused, naming the mount" {
	update_config 'del(.linux.uidMappings, .linux.gidMappings) | .linux.namespaces -= [{"type": "user"}]'
	add_mount '["bind", "idmap"]'
	refused_naming_last_mount "idmap without uidMappings needs a user namespace"
}

@test "idmap: uidMappings without gidMappings is refused, naming the mount" {
	add_mount '["bind", "idmap"]' '"uidMappings": [{"containerID": 1000, "hostID": 100000, "size": 1}]'
	refused_naming_last_mount "uidMappings and gidMappings go together"
}

@test "idmap: on a mount that is not a bind is refused, naming the mount" {
	update_config '.mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"]}]'
	refused_naming_last_mount "only bind mounts can be idmapped"
}

@test "idmap: a file system without idmap support is refused, naming the mount" {
	# procfs does not support idmapped mounts
	update_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/proc/sys", "options": ["rbind", "idmap"]}]'
	refused_naming_last_mount "idmap \`/proc/sys\`: its file system does not support idmapped mounts"
}
