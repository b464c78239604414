#!/usr/bin/env bats
# Known runtime escapes, one hostile fixture each: every test fails on a
# runtime without the protection it names (runtime/selfexe.c, mounts.c,
# init.c), and checks a sentinel on the host stays unchanged.  Two
# exceptions say so: the memfd_noexec test guards the protection's own
# fallback (MFD_EXEC), and on a read-only mount the mount is the protection
# (cruntime then runs the binary as it is).

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	requires root jq
	setup_bundle
	update_config '.process.args = ["/testinit", "pause"] | .root.readonly = false'
	HOSTDIR=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ct-host.XXXXXX")
}

teardown() {
	[ -n "${HOSTDIR:-}" ] || return 0
	teardown_bundle
	! mountpoint -q "$HOSTDIR/ro" || umount "$HOSTDIR/ro"
	rm -rf "$HOSTDIR"
}

# hold_exe_then_write PID BINARY: the container's busybox, in the created
# init's mount and pid namespaces, opens /proc/1/exe; the init is started
# with BINARY; then it writes through what it holds.  /result gets the
# error and status, /done what the fd pointed at.
hold_exe_then_write() {
	nsenter -t "$1" -m -p sh -c '
		exec 3</proc/1/exe || exit 1
		echo opened >/ready
		while [ ! -e /go ]; do usleep 10000; done
		(echo pwned >/proc/self/fd/3) 2>/result
		echo "rc=$?" >>/result
		echo "$(readlink /proc/self/fd/3)" >/done' </dev/null >/dev/null 2>&1 &
	retry 100 0.05 test -e "$BUNDLE/rootfs/ready"
	CRUNTIME=$2 cruntime start ct1
	touch "$BUNDLE/rootfs/go"
	retry 100 0.05 test -s "$BUNDLE/rootfs/done"
	cat "$BUNDLE/rootfs/result" "$BUNDLE/rootfs/done" >&2
}

# CVE-2019-5736: a process of the container keeps /proc/1/exe of the init
# (still the runtime until `start`) open and writes through it afterwards.
@test "cve-2019-5736: /proc/1/exe of the created init cannot overwrite the runtime binary" {
	requires unshare
	# a private copy: a naive runtime gets this one overwritten, not the build
	cp "$CRUNTIME" "$HOSTDIR/cruntime"
	local sum pid
	sum=$(sha256sum <"$HOSTDIR/cruntime")
	CRUNTIME=$HOSTDIR/cruntime ct_create ct1
	pid=$(cruntime state ct1 | jq -r .pid)
	[ "$pid" -gt 0 ]
	hold_exe_then_write "$pid" "$HOSTDIR/cruntime"
	# the init was the sealed copy, the write refused
	[[ "$(cat "$BUNDLE/rootfs/done")" == "/memfd:cruntime"* ]]
	grep -q '^rc=[1-9]' "$BUNDLE/rootfs/result"
	[ "$(sha256sum <"$HOSTDIR/cruntime")" = "$sum" ]
}

# A binary on a read-only mount is not copied: nothing can write it.
@test "cve-2019-5736: a binary on a read-only mount runs as it is and cannot be written through /proc/1/exe" {
	requires unshare
	mkdir "$HOSTDIR/ro"
	cp "$CRUNTIME" "$HOSTDIR/ro/cruntime"
	mount --bind "$HOSTDIR/ro" "$HOSTDIR/ro"
	mount -o remount,bind,ro "$HOSTDIR/ro"
	local sum pid
	sum=$(sha256sum <"$HOSTDIR/ro/cruntime")
	CRUNTIME=$HOSTDIR/ro/cruntime ct_create ct1
	pid=$(cruntime state ct1 | jq -r .pid)
	hold_exe_then_write "$pid" "$HOSTDIR/ro/cruntime"
	# the init ran the file on the read-only mount itself, and the write
	# through it was refused by the mount
	[ "$(cat "$BUNDLE/rootfs/done")" = "$HOSTDIR/ro/cruntime" ]
	grep -q 'Read-only file system' "$BUNDLE/rootfs/result"
	grep -q '^rc=[1-9]' "$BUNDLE/rootfs/result"
	[ "$(sha256sum <"$HOSTDIR/ro/cruntime")" = "$sum" ]
}

# exec_is_sealed PID: for retry, until the re-exec is done
exe_is_memfd() {
	[[ "$(readlink "/proc/$1/exe")" == "/memfd:cruntime"* ]]
}

@test "cve-2019-5736: exec runs from a sealed memfd nobody can write" {
	ct_run_d ct1
	# not the bats function: $! must be cruntime itself
	"$CRUNTIME" --root "$ROOT" exec ct1 /testinit pause </dev/null >/dev/null 2>&1 &
	local pid=$!
	retry 100 0.05 exe_is_memfd "$pid"
	local before host
	before=$(sha256sum <"/proc/$pid/exe")
	host=$(sha256sum <"$CRUNTIME")
	# the seals refuse the write: the copy and the host's file are unchanged
	run ! sh -c "echo pwned >/proc/$pid/fd/../exe"
	run ! sh -c "exec 3</proc/$pid/exe && echo pwned >/proc/self/fd/3"
	[[ "$output" == *"Operation not permitted"* || "$output" == *"Text file busy"* ]]
	[ "$(sha256sum <"/proc/$pid/exe")" = "$before" ]
	[ "$(sha256sum <"$CRUNTIME")" = "$host" ]
	kill -KILL "$pid"
	wait "$pid" || true
}

@test "cve-2019-5736: the sealed re-exec works where vm.memfd_noexec is 1" {
	requires unshare
	[ -e /proc/sys/vm/memfd_noexec ] || skip "this kernel has no vm.memfd_noexec (Linux 6.3)"
	update_config '.process.args = ["/testinit", "echo", "sealed"]'
	# the sysctl belongs to the pid namespace: set in a new one, the host's stays
	sane_run unshare --pid --fork --mount-proc sh -c \
		'echo 1 >/proc/sys/vm/memfd_noexec && exec "$@"' sh "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct-noexec
	[ "$status" -eq 0 ]
	[ "$output" = sealed ]
}

# CVE-2024-21626: no fd of the runtime reaches the container, and a cwd of
# /proc/self/fd/N (an inherited directory fd of the host) is refused.
@test "cve-2024-21626: run and exec see only stdio and the preserved fds" {
	# the caller's own fds, inheritable, one of them a host directory (the
	# CVE's shape): nothing but what --preserve-fds names may pass
	update_config '.process.args = ["/testinit", "fds"]'
	sane_run cruntime run -b "$BUNDLE" ct-fds 7<"$HOSTDIR" 9</etc/hostname
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '0\n1\n2')" ]
	# --preserve-fds 2: 3 and 4 come through, nothing above
	sane_run cruntime run -b "$BUNDLE" --preserve-fds 2 ct-fds 3</dev/null 4</dev/null 7<"$HOSTDIR"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '0\n1\n2\n3\n4')" ]
	update_config '.process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	sane_run cruntime exec ct1 /testinit fds 7<"$HOSTDIR" 9</etc/hostname
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '0\n1\n2')" ]
	sane_run cruntime exec --preserve-fds 1 ct1 /testinit fds 3</dev/null 7<"$HOSTDIR"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '0\n1\n2\n3')" ]
}

@test "cve-2024-21626: hooks do not leak fds into the container" {
	update_config --arg h "$BUNDLE/hook.sh" '.process.args = ["/testinit", "fds"] |
		.hooks = {prestart: [{path: $h}], createRuntime: [{path: $h}], createContainer: [{path: $h}],
		          startContainer: [{path: "/bin/true"}], poststart: [{path: $h}]}'
	printf '#!/bin/sh\ncat >/dev/null\nexit 0\n' >"$BUNDLE/hook.sh"
	chmod +x "$BUNDLE/hook.sh"
	sane_run cruntime run -b "$BUNDLE" ct-hooks
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '0\n1\n2')" ]
}

@test "cve-2024-21626: process.cwd /proc/self/fd/N is refused for every fd the runtime may hold" {
	local n
	update_config '.process.args = ["/testinit", "cwd"]'
	for n in 3 4 5 6 7 8 9 10; do
		update_config --arg c "/proc/self/fd/$n" '.process.cwd = $c'
		sane_run cruntime run -b "$BUNDLE" ct-cwd
		[ "$status" -ne 0 ]
		[[ "$output" == *"cwd \`/proc/self/fd/$n\`"* ]]
	done
	update_config '.process.cwd = "/" | .process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	for n in 3 4 5 6 7 8 9 10; do
		sane_run cruntime exec --cwd "/proc/self/fd/$n" ct1 /testinit cwd
		[ "$status" -ne 0 ]
		[[ "$output" == *"cwd \`/proc/self/fd/$n\`"* ]]
	done
	# a cwd through a symlink to the outside stays inside the rootfs
	ln -s ../../../../../../.. "$BUNDLE/rootfs/escape"
	sane_run cruntime exec --cwd /escape/tmp ct1 /testinit cwd
	[ "$status" -eq 0 ]
	[ "$output" = /tmp ]
}

# CVE-2019-16884, CVE-2019-19921, CVE-2023-27561: a mount over /proc, or
# through a symlink to it, could undo maskedPaths and readonlyPaths.
@test "cve-2019-19921: a bind mount of a host directory over /proc is refused" {
	echo secret >"$HOSTDIR/kcore"
	# a naive runtime runs it (and it exits) rather than hang the suite
	update_config '.process.args = ["/testinit", "true"]'
	update_config --arg s "$HOSTDIR" '.mounts += [{destination: "/proc", type: "bind", source: $s, options: ["rbind"]}]'
	sane_run cruntime run -b "$BUNDLE" ct-proc
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount \`/proc\`: \`/proc\` cannot be mounted because it is not of type proc"* ]]
}

@test "cve-2019-19921: a volume whose destination is a symlink to /proc is refused" {
	ln -s /proc "$BUNDLE/rootfs/vol"
	update_config '.process.args = ["/testinit", "true"]'
	update_config --arg s "$HOSTDIR" '.mounts += [{destination: "/vol", type: "bind", source: $s, options: ["rbind"]}]'
	sane_run cruntime run -b "$BUNDLE" ct-proc
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount \`/vol\`: \`/proc\` cannot be mounted because it is not of type proc"* ]]
	rm "$BUNDLE/rootfs/vol"
	# the same one level down: /vol -> /proc/sys
	ln -s ../proc/sys "$BUNDLE/rootfs/vol"
	sane_run cruntime run -b "$BUNDLE" ct-proc
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount \`/vol\`: \`/proc/sys\` cannot be mounted because it is inside /proc"* ]]
}

@test "cve-2019-16884: mounts inside /proc are refused but the lxcfs files" {
	update_config '.process.args = ["/testinit", "true"]'
	update_config --arg s "$HOSTDIR" '.mounts += [{destination: "/proc/sys/kernel", type: "bind", source: $s, options: ["rbind"]}]'
	sane_run cruntime run -b "$BUNDLE" ct-proc
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount \`/proc/sys/kernel\`: \`/proc/sys/kernel\` cannot be mounted because it is inside /proc"* ]]
	# lexically: /proc/./x/../sys is /proc/sys
	update_config '.mounts[-1].destination = "/proc/./x/../sys"'
	sane_run cruntime run -b "$BUNDLE" ct-proc
	[ "$status" -ne 0 ]
	[[ "$output" == *"\`/proc/sys\` cannot be mounted because it is inside /proc"* ]]
	# lxcfs: a file over /proc/meminfo is fine, and a new procfs on /proc
	echo "MemTotal: 42 kB" >"$HOSTDIR/meminfo"
	update_config --arg s "$HOSTDIR/meminfo" '.mounts[-1] = {destination: "/proc/meminfo", type: "bind", source: $s, options: ["bind"]}
		| .process.args = ["/testinit", "cat", "/proc/meminfo"]'
	sane_run cruntime run -b "$BUNDLE" ct-proc
	[ "$status" -eq 0 ]
	[ "$output" = "MemTotal: 42 kB" ]
}

# CVE-2021-30465: a destination that is a symlink out of the rootfs is
# followed inside it; the mount never lands on the host's path.
@test "cve-2021-30465: a symlinked mount destination stays inside the rootfs" {
	mkdir "$HOSTDIR/src" "$HOSTDIR/target"
	echo marker >"$HOSTDIR/src/marker"
	# ../../.. climbs out of a naive path join up to the host's /
	ln -s "../../../../../../../../..$HOSTDIR/target" "$BUNDLE/rootfs/evil"
	update_config --arg s "$HOSTDIR/src" '.mounts += [{destination: "/evil", type: "bind", source: $s, options: ["rbind"]}]
		| .process.args = ["/testinit", "cat", "/evil/marker"]'
	sane_run cruntime run -b "$BUNDLE" ct-sym
	[ "$status" -eq 0 ]
	[ "$output" = marker ]
	# the mount point was made in the rootfs, the host's directory untouched
	[ -d "$BUNDLE/rootfs$HOSTDIR/target" ]
	[ -z "$(ls -A "$HOSTDIR/target")" ]
}

# hook_script BODY: a createContainer hook, run in the container's mount
# namespace before pivot_root: it plays the container process that swaps
# files behind the runtime's back (deterministic, where the attack races).
hook_script() {
	printf '#!/bin/sh\ncat >/dev/null\nR=%s\n%s\n' "$BUNDLE/rootfs" "$1" >"$BUNDLE/hook.sh"
	chmod +x "$BUNDLE/hook.sh"
	update_config --arg h "$BUNDLE/hook.sh" '.hooks.createContainer = [{path: $h}]'
}

# CVE-2025-31133: maskedPaths bind /dev/null; a /dev/null that became a
# symlink would bind its target instead, and the path is not masked.
@test "cve-2025-31133: a masked path is never bound to what a /dev/null symlink points at" {
	echo secret >"$BUNDLE/rootfs/masked"
	echo sentinel >"$BUNDLE/rootfs/sentinel"
	hook_script 'rm -f "$R/dev/null" && ln -s /sentinel "$R/dev/null"'
	update_config '.linux.maskedPaths += ["/masked"] | .process.args = ["/testinit", "cat", "/masked"]'
	sane_run cruntime run -b "$BUNDLE" ct-mask
	[ "$status" -ne 0 ]
	# the first masked path (a default one) refuses already
	[[ "$output" == *"paths: mask \`/"*"\`: \`/dev/null\` is not a character device"* ]]
	[ "$(cat "$BUNDLE/rootfs/sentinel")" = sentinel ]
	# with the real /dev/null the file is masked
	update_config 'del(.hooks)'
	sane_run cruntime run -b "$BUNDLE" ct-mask
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# CVE-2025-52565: /dev/console replaced by a symlink when process.terminal
# is true would carry the pty's bind mount anywhere in the container.
@test "cve-2025-52565: a /dev/console symlink is refused, not followed" {
	[ -x /usr/bin/python3 ] || skip "test requires /usr/bin/python3"
	echo sentinel >"$BUNDLE/rootfs/sentinel"
	hook_script 'ln -sf /sentinel "$R/dev/console"'
	update_config '.process.terminal = true | .process.args = ["/testinit", "true"]'
	# a console socket that takes the master and lets it go
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1); print("ready", flush=True)
c, _ = s.accept(); c.recvmsg(64, socket.CMSG_SPACE(4))' "$BATS_TEST_TMPDIR/sock" </dev/null >"$BATS_TEST_TMPDIR/recv" 2>&1 &
	retry 100 0.05 grep -q ready "$BATS_TEST_TMPDIR/recv"
	# detached (a console socket wants it): files, never bats' pipes
	if cruntime run -d -b "$BUNDLE" --console-socket "$BATS_TEST_TMPDIR/sock" ct-con \
		</dev/null >"$BUNDLE/out" 2>"$BUNDLE/err"; then
		false
	fi
	cat "$BUNDLE/err" >&2
	grep -q "\`/dev/console\` is not a file or a device" "$BUNDLE/err"
	[ "$(cat "$BUNDLE/rootfs/sentinel")" = sentinel ]
	# the receiver never got a master: it goes with its socket
	kill %1 2>/dev/null || true
	wait || true
}

# CVE-2025-52881: a sysctl write redirected by a mount in the container's
# /proc (here another procfs file bound over it) must reach the real file.
@test "cve-2025-52881: a sysctl is written to the real procfs file, not what is mounted over it" {
	hook_script 'mount --bind "$R/proc/sys/net/ipv4/ip_default_ttl" "$R/proc/sys/net/ipv4/ip_forward"'
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	ct_run_d ct1
	local pid
	pid=$(cruntime state ct1 | jq -r .pid)
	# the container's network namespace, the host's /proc: no mount in the way
	[ "$(nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
	[ "$(nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ip_default_ttl)" = 64 ]
}
