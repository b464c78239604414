# Shared by every bats suite: `load ../lib/helpers`.
#
# Environment (exported by `make check`, see tests/local.mk): CRUNTIME CIMAGE CBUILD
# TESTINIT CT_SRCDIR CT_BUILDDIR.  Run by hand, the defaults below find an in-tree build.

CT_SRCDIR=${CT_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
CT_BUILDDIR=${CT_BUILDDIR:-$CT_SRCDIR}
CRUNTIME=${CRUNTIME:-$CT_BUILDDIR/cruntime}
CIMAGE=${CIMAGE:-$CT_BUILDDIR/cimage}
CBUILD=${CBUILD:-$CT_BUILDDIR/cbuild}
TESTINIT=${TESTINIT:-$CT_BUILDDIR/tests/helpers/testinit}
FIXTURES=$CT_SRCDIR/tests/fixtures
# Fixtures made once per build tree and copied by each test (removed by `make clean`).
CT_CACHE=$CT_BUILDDIR/tests/cache

# Run a command like bats' `run`, and print the command, its status and its output
# (bats shows them only when the test fails).
sane_run() {
	local cmd="$1"
	shift
	run "$cmd" "$@"
	echo "$cmd $* (status=$status):" >&2
	echo "$output" >&2
}

# `run` with stdout ($output) and stderr ($stderr) apart; both shown when the
# test fails.
run_split() {
	run --separate-stderr "$@"
	echo "$* (status=$status)"
	echo "stdout: $output"
	echo "stderr: $stderr"
}

# Skip the test unless every named requirement holds.
requires() {
	local req
	for req in "$@"; do
		case $req in
		root)
			[ "$(id -u)" -eq 0 ] || skip "test requires root"
			;;
		rootless)
			[ "$(id -u)" -ne 0 ] || skip "test requires a non-root user"
			;;
		runc | jq | busybox | umoci | skopeo | unshare | python3 | flock | qemu-system-x86_64 | script | podman)
			command -v "$req" >/dev/null || skip "test requires $req"
			;;
		pkg-config)
			command -v pkg-config >/dev/null || skip "test requires pkg-config"
			;;
		jsonschema)
			/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || skip "test requires python3-jsonschema"
			;;
		cgroup2)
			[ -f /sys/fs/cgroup/cgroup.controllers ] || skip "test requires a pure cgroup v2 host"
			;;
		userns)
			[ -e /proc/self/ns/user ] || skip "test requires user namespaces"
			;;
		openat2)
			# openat2 exists since Linux 5.6; RESOLVE_IN_ROOT is what we use.
			[ "$(uname -r | awk -F. '{ print ($1 > 5 || ($1 == 5 && $2 >= 6)) }')" = 1 ] ||
				skip "test requires openat2 (Linux 5.6+)"
			;;
		*)
			echo "requires: unknown requirement $req" >&2
			return 1
			;;
		esac
	done
}

# The busybox rootfs, made once from Debian's busybox-static (no network).
busybox_rootfs() {
	if [ ! -x "$CT_CACHE/busybox-rootfs/bin/busybox" ]; then
		mkdir -p "$CT_CACHE"
		local tmp
		tmp=$(mktemp -d "$CT_CACHE/busybox-rootfs.XXXXXX")
		"$FIXTURES/mk-busybox-rootfs.sh" "$tmp/rootfs" >&2 || return 1
		# Parallel test runs may race here: the first rename wins.
		mv -T "$tmp/rootfs" "$CT_CACHE/busybox-rootfs" 2>/dev/null || true
		rm -rf "$tmp"
	fi
	echo "$CT_CACHE/busybox-rootfs"
}

# cruntime with this test's private state root.
cruntime() {
	"$CRUNTIME" --root "$ROOT" "$@"
}

# A fresh bundle ($BUNDLE: busybox rootfs + testinit + `cruntime spec` with
# terminal=false) and a fresh state root ($ROOT).
setup_bundle() {
	local rootfs
	rootfs=$(busybox_rootfs) || return 1
	BUNDLE=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ct-bundle.XXXXXX")
	ROOT=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ct-root.XXXXXX")
	cp -a "$rootfs" "$BUNDLE/rootfs"
	if [ -x "$TESTINIT" ]; then
		cp "$TESTINIT" "$BUNDLE/rootfs/testinit"
	fi
	"$CRUNTIME" spec -b "$BUNDLE" || return 1
	update_config '.process.terminal = false'
	# As root every container gets a cgroup: one of its own per test, never a
	# default path that a parallel suite (same ids) would share.
	CT_CGROUPS_PATH=
	if [ "$(id -u)" -eq 0 ]; then
		# Flat, not under a shared parent: one suite's teardown removing an
		# empty shared parent raced another suite's mkdir of its child.
		CT_CGROUPS_PATH=/cruntime-test-$(basename "$BUNDLE")
		update_config --arg p "$CT_CGROUPS_PATH" '.linux.cgroupsPath = $p'
	fi
}

# rmdir what is left of cgroup PATH (absolute cgroupsPath) in every hierarchy,
# deepest first; cgroupfs directories go with rmdir only.
cg_remove_path() {
	local path=$1 dir
	for dir in /sys/fs/cgroup$path /sys/fs/cgroup/*$path; do
		[ -d "$dir" ] || continue
		find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
}

# Delete every container under $ROOT, then the bundle and the state root.
teardown_bundle() {
	local id
	if [ -n "${ROOT:-}" ] && [ -d "$ROOT" ]; then
		for id in $(ls "$ROOT"); do
			"$CRUNTIME" --root "$ROOT" delete -f "$id" >/dev/null 2>&1 || true
		done
		rm -rf "$ROOT"
	fi
	if [ -n "${CT_CGROUPS_PATH:-}" ]; then
		cg_remove_path "$CT_CGROUPS_PATH"
	fi
	[ -n "${BUNDLE:-}" ] && rm -rf "$BUNDLE"
	unset BUNDLE ROOT CT_CGROUPS_PATH
}

# `cruntime create` / `cruntime run -d` of $BUNDLE as container ID [more args].
# The init keeps the caller's stdio: it gets files ($BUNDLE/out, $BUNDLE/err),
# never bats' pipes, which would keep bats waiting.
# One cgroup per container: setup_bundle's path + the id (the last argument),
# unless the test chose its own cgroupsPath.
ct_cgroup_per_id() {
	local id=$1 cur
	[ -n "${CT_CGROUPS_PATH:-}" ] || return 0
	cur=$(jq -r '.linux.cgroupsPath // ""' "$BUNDLE/config.json")
	case $cur in
	"$CT_CGROUPS_PATH" | "$CT_CGROUPS_PATH"/*)
		update_config --arg p "$CT_CGROUPS_PATH/$id" '.linux.cgroupsPath = $p'
		;;
	esac
}

ct_create() {
	ct_cgroup_per_id "${!#}"
	cruntime create -b "$BUNDLE" "$@" </dev/null >"$BUNDLE/out" 2>"$BUNDLE/err" || {
		cat "$BUNDLE/err" >&2
		return 1
	}
}

ct_run_d() {
	ct_cgroup_per_id "${!#}"
	cruntime run -d -b "$BUNDLE" "$@" </dev/null >"$BUNDLE/out" 2>"$BUNDLE/err" || {
		cat "$BUNDLE/err" >&2
		return 1
	}
}

# The live status of container ID, as `state` prints it.
ct_status() {
	cruntime state "$1" | jq -r .status
}

# status_is ID STATUS: for retry, evaluated at each try.
status_is() {
	[ "$(ct_status "$1")" = "$2" ]
}

# Edit $BUNDLE/config.json with a jq expression.
update_config() {
	local tmp
	tmp=$(mktemp "$BUNDLE/config.json.XXXXXX")
	jq "$@" "$BUNDLE/config.json" >"$tmp" && mv "$tmp" "$BUNDLE/config.json"
}

# Retry CMD up to N times with a DELAY between tries (for polling real state, never as
# a substitute for synchronisation): retry N DELAY CMD...
retry() {
	local attempts=$1 delay=$2 i
	shift 2
	for ((i = 0; i < attempts; i++)); do
		run "$@"
		[ "$status" -eq 0 ] && return 0
		sleep "$delay"
	done
	echo "command \"$*\" failed $attempts times; output: $output" >&2
	return 1
}
