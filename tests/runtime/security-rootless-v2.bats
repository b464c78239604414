#!/usr/bin/env bats
# Rootless on a pure cgroup v2 host: the cgroup a user was delegated (as
# systemd's user@.service does) holds the containers that user runs, with
# the limits they ask for; a controller not delegated is named in the
# error.  Runs in the qemu guest (cgroup2-vm.bats); skips elsewhere.  No
# user database there: the user is the bare uid 1000, mapped to root alone.

load ../lib/helpers
load ../lib/cgroups

V2_UID=1000

# A command as uid 1000 in the delegated cgroup: root puts a subshell into
# the leaf `shell` (a user may only move processes within what it owns),
# which then drops to the user.
as_user() {
	(
		echo "$BASHPID" >"$DELEG/shell/cgroup.procs" || exit 1
		exec setpriv --reuid="$V2_UID" --regid="$V2_UID" --clear-groups \
			env -i PATH=/usr/bin:/usr/sbin:/bin:/sbin HOME="$V2_DIR" XDG_RUNTIME_DIR="$V2_DIR/xdg" "$@"
	)
}

v2_config() {
	local tmp
	tmp=$(mktemp "$V2_DIR/config.XXXXXX")
	jq "$@" "$V2_DIR/bundle/config.json" >"$tmp" && chown "$V2_UID" "$tmp" && mv "$tmp" "$V2_DIR/bundle/config.json"
}

setup() {
	DELEG=
	requires root jq
	[ "$(cg_mode)" = v2 ] || skip "test requires a pure cgroup v2 host (cgroup2-vm.bats)"
	command -v setpriv >/dev/null || skip "test requires setpriv"
	local own parent
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	parent=$(dirname "$own")
	[ "$parent" != / ] || skip "test needs to run below the root cgroup"
	# TOP, a sibling of ours, offers memory alone to the cgroup delegated
	# to the user (DELEG): pids is there but not delegated
	grep -qw memory "$CG_ROOT/cgroup.controllers" || skip "no memory controller"
	# memory offered down to our parent (a no-op where it already is)
	local d=
	for part in ${parent//\// }; do
		grep -qw memory "$CG_ROOT$d/$part/cgroup.controllers" ||
			echo "+memory" >"$CG_ROOT$d/cgroup.subtree_control"
		d=$d/$part
	done
	echo "+memory" >"$CG_ROOT$parent/cgroup.subtree_control"
	TOP=$CG_ROOT$parent/ct-deleg-$$
	mkdir "$TOP"
	echo "+memory" >"$TOP/cgroup.subtree_control"
	DELEG=$TOP/user
	mkdir "$DELEG" "$DELEG/shell"
	chown "$V2_UID:$V2_UID" "$DELEG" "$DELEG/cgroup.procs" "$DELEG/cgroup.subtree_control" \
		"$DELEG/cgroup.threads" "$DELEG/shell" "$DELEG/shell/cgroup.procs"
	V2_DIR=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ct-rootless-v2.XXXXXX")
	chmod 755 "$V2_DIR"
	mkdir -m 700 "$V2_DIR/xdg"
	mkdir "$V2_DIR/bundle"
	cp -a "$(busybox_rootfs)" "$V2_DIR/bundle/rootfs"
	cp "$TESTINIT" "$V2_DIR/bundle/rootfs/testinit"
	chown -R "$V2_UID:$V2_UID" "$V2_DIR"
	as_user unshare --user true 2>/dev/null || skip "unprivileged user namespaces are disabled"
	(cd "$V2_DIR/bundle" && as_user "$CRUNTIME" spec --rootless) || return 1
	v2_config '.process.terminal = false | .process.args = ["/testinit", "pause"]'
}

teardown() {
	[ -n "$DELEG" ] || return 0
	local id d
	for id in $(ls "$V2_DIR/xdg/cruntime" 2>/dev/null); do
		as_user "$CRUNTIME" delete -f "$id" >/dev/null 2>&1 || true
	done
	rm -rf "$V2_DIR"
	for d in "$DELEG"/*/; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	rmdir "$DELEG" "$TOP" 2>/dev/null || true
}

# create as the user, its files away from bats' pipes
v2_create() {
	as_user "$CRUNTIME" create -b "$V2_DIR/bundle" "$@" </dev/null >"$V2_DIR/out" 2>"$V2_DIR/err" || {
		cat "$V2_DIR/err" >&2
		return 1
	}
}

@test "rootless v2: the container's cgroup is made in the delegated one, with its memory limit" {
	# the user offers memory to its own children, as its manager would
	as_user sh -c "echo +memory >'$DELEG/cgroup.subtree_control'"
	v2_config '.linux.resources = {"memory": {"limit": 67108864}}'
	v2_create ct1
	# runc's rule on v2: beside our own cgroup (shell), under the delegated one
	[ -d "$DELEG/ct1" ]
	[ "$(cat "$DELEG/ct1/memory.max")" = 67108864 ]
	pid=$(as_user "$CRUNTIME" state ct1 | jq -r .pid)
	grep -qx "$pid" "$DELEG/ct1/cgroup.procs"
	as_user "$CRUNTIME" delete -f ct1
	[ ! -e "$DELEG/ct1" ]
}

@test "rootless v2: a limit whose controller is not delegated is an error naming it" {
	as_user sh -c "echo +memory >'$DELEG/cgroup.subtree_control'"
	v2_config '.linux.resources = {"pids": {"limit": 10}}'
	sane_run as_user "$CRUNTIME" create -b "$V2_DIR/bundle" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *'config.json: `linux.resources.pids`: cgroup controller `pids` is not delegated to uid 1000'* ]]
	[ ! -e "$DELEG/ct1" ]
	# memory and pids together: pids still named, not hidden by memory
	v2_config '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 10}}'
	sane_run as_user "$CRUNTIME" create -b "$V2_DIR/bundle" ct2
	[ "$status" -eq 1 ]
	[[ "$output" == *'cgroup controller `pids` is not delegated to uid 1000'* ]]
	[ ! -e "$DELEG/ct2" ]
}

@test "rootless v2: no limits asked, the container still gets its cgroup in the delegated one" {
	v2_create ct1
	[ -d "$DELEG/ct1" ]
	as_user "$CRUNTIME" delete -f ct1
	[ ! -e "$DELEG/ct1" ]
}
