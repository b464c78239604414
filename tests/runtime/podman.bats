#!/usr/bin/env bats
# A real engine: podman (through conmon) with cruntime as its OCI runtime.
# Each test asserts what the container sees or what podman reports, and some
# compare with the same podman run on runc.  Podman keeps everything under
# the suite's temporary directory (storage, run and tmp dirs, its own
# containers.conf); cruntime is reached through a wrapper that logs every
# call, so a test can tell cruntime did the work.

load ../lib/helpers
load ../lib/rootless
bats_require_minimum_version 1.5.0

# Why the suite cannot run here, or nothing.
pm_missing() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "test requires root"
	elif ! command -v podman >/dev/null; then
		echo "test requires podman (Debian package podman)"
	elif ! command -v runc >/dev/null; then
		echo "test requires runc"
	fi
}

# bats 1.8 cannot skip in setup_file: each test skips with the reason.
setup_file() {
	PM_SKIP=$(pm_missing)
	export PM_SKIP
	[ -z "$PM_SKIP" ] || return 0
	PM=$BATS_FILE_TMPDIR
	export PM
	# Root here may lack CAP_SYS_RESOURCE: podman's default rlimits for
	# root (nofile 1048576, nproc 4194304) fail with every runtime.
	cat >"$PM/containers.conf" <<-EOF
		[containers]
		default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
	EOF
	export CONTAINERS_CONF=$PM/containers.conf
	printf '#!/bin/sh\necho "$*" >>"%s"\nexec "%s" "$@"\n' "$PM/calls" "$CRUNTIME" >"$PM/cruntime"
	chmod +x "$PM/cruntime"
	sh "$CT_SRCDIR/tests/fixtures/mk-busybox-image.sh" "$PM/img" busybox:latest
	tar -C "$PM/img" -cf "$PM/img.tar" .
	pm load -q -i "$PM/img.tar" >/dev/null
	pm images -q --no-trunc | head -1 >"$PM/image-id"
	[ -s "$PM/image-id" ]
}

teardown_file() {
	[ -n "${PM:-}" ] && [ -f "$PM/containers.conf" ] || return 0
	pm rm -a -f -t 0 >/dev/null 2>&1 || true
	pm rmi -a -f >/dev/null 2>&1 || true
}

# podman on the suite's own storage; the runtime is cruntime unless
# --runtime says otherwise.
pm() {
	podman --root "$PM/root" --runroot "$PM/run" --tmpdir "$PM/tmp" --storage-driver vfs \
		--cgroup-manager cgroupfs --events-backend file --runtime "$PM/cruntime" "$@"
}

setup() {
	RLD=
	[ -z "${PM_SKIP:-}" ] || skip "$PM_SKIP"
	IMG=$(cat "$PM/image-id")
	: >"$PM/calls"
}

# The rootless user's podman on its own storage under $RLD.
rlpm() {
	as_user env CONTAINERS_CONF="$RLD/containers.conf" podman --root "$RLD/root" --runroot "$RLD/run" \
		--tmpdir "$RLD/tmp" --storage-driver vfs --cgroup-manager cgroupfs --events-backend file \
		--runtime "$CRUNTIME" "$@"
}

teardown() {
	[ -n "${RLD:-}" ] || return 0
	rlpm rm -a -f -t 0 >/dev/null 2>&1 || true
	# a rootless podman's pause process keeps its user namespace: it goes
	# with the test, by the pid it wrote
	local pause
	pause=$(cat "$RLD/tmp/pause.pid" 2>/dev/null || true)
	[ -z "$pause" ] || kill "$pause" 2>/dev/null || true
	rm -rf "$RLD"
}

@test "podman: run passes output and exit status through cruntime" {
	run_split pm run --rm --network none "$IMG" sh -c 'echo hello; exit 7'
	[ "$status" -eq 7 ]
	[ "$output" = hello ]
	grep -Eq '(^| )create .*--bundle ' "$PM/calls"
	grep -Eq '(^| )start ' "$PM/calls"
	grep -Eq '(^| )delete ' "$PM/calls"
}

@test "podman: the container sees the same as under runc (capabilities, seccomp, mounts, devices, limits)" {
	local script='grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status; cut -d" " -f2,3 /proc/mounts | sort
		ls /dev /dev/pts | tr "\n" " "; echo; ulimit -n; id; cat /proc/sys/kernel/sysrq 2>&1 | head -1
		echo x >/proc/sysrq-trigger 2>/dev/null; echo sysrq=$?; touch /proc/sys/x 2>/dev/null; echo sys=$?'
	local ours theirs
	ours=$(pm run --rm --network none "$IMG" sh -c "$script")
	grep -Eq '(^| )create ' "$PM/calls"
	theirs=$(pm --runtime runc run --rm --network none "$IMG" sh -c "$script")
	echo "cruntime: $ours" >&2
	echo "runc: $theirs" >&2
	[[ "$ours" == *"Seccomp:	2"* ]]
	[[ "$ours" == *"CapEff:	00000000a80425fb"* ]]
	[ "$ours" = "$theirs" ]
}

@test "podman: a detached container through exec, top, pause, unpause, stop, start, kill, wait and rm" {
	pm run -d --name det --network none "$IMG" sleep 1000
	run_split pm exec det sh -c 'echo in-exec; id -u'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'in-exec\n0')" ]
	run_split pm exec --user 1000:1000 -e FOO=bar -w /tmp det sh -c 'id -u; id -g; echo $FOO; pwd'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1000\n1000\nbar\n/tmp')" ]
	run_split pm exec det sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run_split pm top det args
	[ "$status" -eq 0 ]
	[[ "$output" == *"sleep 1000"* ]]
	pm pause det
	[ "$(pm inspect --format '{{.State.Status}}' det)" = paused ]
	grep -Eq '(^| )pause ' "$PM/calls"
	pm unpause det
	[ "$(pm inspect --format '{{.State.Status}}' det)" = running ]
	# sleep as pid 1 ignores SIGTERM: stop ends in SIGKILL after the timeout
	run_split pm stop -t 1 det
	[ "$status" -eq 0 ]
	[ "$(pm inspect --format '{{.State.Status}}' det)" = exited ]
	pm start det
	[ "$(pm inspect --format '{{.State.Status}}' det)" = running ]
	pm kill -s KILL det
	run_split pm wait det
	[ "$output" = 137 ]
	grep -Eq '(^| )kill ' "$PM/calls"
	pm rm det
	run ! pm inspect det
}

@test "podman: logs of a container that has ended" {
	pm run --name logged --network none "$IMG" sh -c 'echo to-stdout; echo to-stderr >&2'
	run_split pm logs logged
	[ "$status" -eq 0 ]
	[[ "$output" == *to-stdout* ]]
	[[ "$output$stderr" == *to-stderr* ]]
	pm rm logged
}

@test "podman: --read-only keeps /tmp, /var/tmp and /run writable with what the image has there (tmpcopyup)" {
	mkdir -p "$PM/ctx"
	printf 'FROM %s\nRUN mkdir -p /run/x && echo kept >/run/x/f\n' "$IMG" >"$PM/ctx/Containerfile"
	pm build -q --network none --runtime "$PM/cruntime" -t ro-derived "$PM/ctx"
	run_split pm run --rm --read-only --network none ro-derived sh -c \
		'cat /run/x/f; touch /tmp/a /var/tmp/b /run/c && echo writable; touch /etc/x 2>/dev/null; echo etc=$?'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'kept\nwritable\netc=1')" ]
	pm rmi ro-derived
}

@test "podman: build runs RUN steps through cruntime" {
	mkdir -p "$PM/ctx2"
	printf 'FROM %s\nRUN echo built-by-run >/stamp && id -u >>/stamp\n' "$IMG" >"$PM/ctx2/Containerfile"
	pm build -q --network none --runtime "$PM/cruntime" -t run-derived "$PM/ctx2"
	grep -Eq '(^| )(create|run) ' "$PM/calls"
	run_split pm run --rm --network none run-derived cat /stamp
	[ "$output" = "$(printf 'built-by-run\n0')" ]
	pm rmi run-derived
}

@test "podman: --device gives the node with the host's mode, --privileged every capability and device" {
	[ -c /dev/fuse ] || skip "the host has no /dev/fuse"
	run_split pm run --rm --network none --device /dev/fuse "$IMG" stat -c '%t:%T %a %F' /dev/fuse
	[ "$status" -eq 0 ]
	[ "$output" = "a:e5 666 character special file" ]
	local ours theirs
	ours=$(pm run --rm --network none --privileged "$IMG" sh -c 'grep CapEff /proc/self/status; ls /dev | sort')
	theirs=$(pm --runtime runc run --rm --network none --privileged "$IMG" sh -c 'grep CapEff /proc/self/status; ls /dev | sort')
	[ "$ours" = "$theirs" ]
	[[ "$ours" == *fuse* ]]
}

@test "podman: --memory and --pids-limit reach the container's cgroup" {
	run_split pm run --rm --network none --memory 64m --pids-limit 50 "$IMG" sh -c \
		'if [ -f /sys/fs/cgroup/memory.max ]; then cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max
		 else cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max; fi'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '67108864\n50')" ]
}

@test "podman: --uidmap runs the container in a user namespace" {
	run_split pm run --rm --network none --uidmap 0:200000:65536 --gidmap 0:200000:65536 "$IMG" sh -c \
		'cat /proc/self/uid_map /proc/self/gid_map | tr -s " "; id -u; touch /x && stat -c %u /x'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf ' 0 200000 65536\n 0 200000 65536\n0\n0')" ]
}

@test "podman: -t gives the process a terminal through conmon's console socket" {
	run_split pm run --rm -t --network none "$IMG" tty
	[ "$status" -eq 0 ]
	[[ "$output" == /dev/pts/0* ]]
	grep -Eq '(^| )create .*--console-socket' "$PM/calls"
}

@test "podman: --security-opt seccomp=unconfined, --cap-add and --cap-drop" {
	run_split pm run --rm --network none --security-opt seccomp=unconfined --cap-add NET_ADMIN --cap-drop CHOWN \
		"$IMG" sh -c 'grep -E "^(Seccomp|CapEff):" /proc/self/status'
	[ "$status" -eq 0 ]
	# runc's defaults (a80425fb) + NET_ADMIN (bit 12) - CHOWN (bit 0)
	[ "$output" = "$(printf 'CapEff:\t00000000a80435fa\nSeccomp:\t0')" ]
}

# Rootless podman runs the runtime as root in the user's user namespace,
# with a config that asks for neither a user namespace nor a cgroup.
@test "podman: a user's rootless podman runs, execs and removes containers on cruntime" {
	command -v newuidmap >/dev/null || skip "test requires newuidmap (Debian package uidmap)"
	rl_make_user
	local d
	d=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ct-podman-rl.XXXXXX")
	RLD=$d
	RL_XDG=$d/xdg
	mkdir -m 700 "$RL_XDG"
	cp "$PM/containers.conf" "$PM/img.tar" "$d/"
	chown -R "$RL_UID:$RL_GID" "$d"
	chmod 755 "$d"
	as_user test -x "$CRUNTIME" || skip "user $RL_USER cannot run $CRUNTIME"
	as_user unshare --user true 2>/dev/null || skip "unprivileged user namespaces are disabled"
	rlpm load -q -i "$d/img.tar" >/dev/null
	local img
	img=$(rlpm images -q | head -1)
	run_split rlpm run --rm --network none "$img" sh -c 'id -u; cat /proc/self/uid_map | tr -s " "'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '0\n 0 %s 1\n 1 %s 65536' "$RL_UID" "$RL_SUBUID")" ]
	rlpm run -d --name rl1 --network none "$img" sleep 1000 >/dev/null
	run_split rlpm exec rl1 sh -c 'echo in-exec; echo pid=$$'
	[ "$status" -eq 0 ]
	local nl=$'\n'
	[[ "$output" =~ ^in-exec${nl}pid=[0-9]+$ ]]
	[ -z "$stderr" ]
	rlpm rm -f -t 0 rl1 >/dev/null
	run_split rlpm ps -aq
	[ -z "$output" ]
}

@test "podman: run options give the container what they give it under runc" {
	local opts script ours theirs n=0
	# OPTIONS | SCRIPT, one per line; each run once on cruntime, once on runc
	while IFS='|' read -r opts script; do
		[ -n "$opts" ] || continue
		# shellcheck disable=SC2086 # the options are words on purpose
		ours=$(pm run --rm --network none $opts "$IMG" sh -c "$script" 2>&1; echo "status=$?")
		# shellcheck disable=SC2086
		theirs=$(pm --runtime runc run --rm --network none $opts "$IMG" sh -c "$script" 2>&1; echo "status=$?")
		echo "[$opts] cruntime: $ours" >&2
		echo "[$opts] runc: $theirs" >&2
		[ "$ours" = "$theirs" ]
		[[ "$ours" == *status=0 ]] || [[ "$opts" == *unmask* ]]
		n=$((n + 1))
	done <<-'EOF'
		--pid host|ls /proc 2>/dev/null | grep -c "^[0-9]" | awk "{ print (\$1 > 5) }"
		--cgroupns private|grep -c ":/$" /proc/self/cgroup
		--security-opt no-new-privileges|grep NoNewPrivs /proc/self/status
		--tmpfs /x:rw,size=1m,mode=1777|stat -c %a /x; grep " /x " /proc/mounts | cut -d" " -f3,4
		--shm-size 1m|grep " /dev/shm " /proc/mounts | cut -d" " -f3,4
		--group-add 123 --user 1000:1000|id; grep -E "^(Cap|Groups)" /proc/self/status
		--oom-score-adj 500|cat /proc/self/oom_score_adj
		--cpus 0.5 --cpu-shares 512 --cpuset-cpus 0|grep Cpus_allowed_list /proc/self/status; cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.shares 2>/dev/null || cat /sys/fs/cgroup/cpu.max
		--memory 64m --memory-reservation 32m|cat /sys/fs/cgroup/memory/memory.soft_limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.low
		--sysctl kernel.msgmax=65536|cat /proc/sys/kernel/msgmax
		--security-opt mask=/etc/hostname --security-opt unmask=/proc/kcore|wc -c </etc/hostname; ls /proc/kcore 2>&1
		--cap-add all|grep -E "^Cap" /proc/self/status
		--user 65534 -w /tmp|id; pwd; grep -E "^Cap" /proc/self/status
		--systemd always|grep -E " /(run|tmp|var/log/journal|sys/fs/cgroup) " /proc/mounts | cut -d" " -f2,3 | sort
	EOF
	[ "$n" -eq 14 ]
}
