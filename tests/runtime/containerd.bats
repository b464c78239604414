#!/usr/bin/env bats
# cruntime as the runtime of a real engine: containerd 1.6 (Debian's
# `containerd`) through its io.containerd.runc.v2 shim, driven with ctr.
# The suite starts a private containerd (own root, state, socket; no CRI, no
# CNI) and stops it at the end; ctr's --runc-binary points the shim at
# $CRUNTIME, --runc-root at a state root of ours.  The shim calls cruntime
# with --root --log --log-format json and create --bundle --pid-file
# [--console-socket], start, state, kill, delete, ps --format json,
# pause/resume, exec --process --detach --pid-file.
#
# CTRD_CONTAINERD names another containerd binary (default: containerd).
#
# Left to the host: containerd's shims put their sockets in
# /run/containerd/s/ (a fixed path in containerd 1.6), gone with them.

load ../lib/helpers
load ../lib/cgroups
bats_require_minimum_version 1.5.0

ctrd() {
	ctr --address "$CTRD_SOCK" --namespace "$CTRD_NS" "$@"
}

# ctr_run RUNTIME [ctr run options and arguments]: the runtime's options
# first, so the caller's options, image and id follow.
ctr_run() {
	local rt=$1
	shift
	ctrd run --runc-binary "$rt" --runc-root "$CTRD_RTROOT" --snapshotter "$CTRD_SNAP" "$@"
}

# Every task (killed, deleted) and container of our namespace.
ctrd_clean() {
	local id i
	for id in $(ctrd task ls -q 2>/dev/null); do
		# a paused task takes no signal: thaw it (ours)
		cg_thaw "/$CTRD_NS/$id" 2>/dev/null
		ctrd task kill -a -s KILL "$id" >/dev/null 2>&1
		for ((i = 0; i < 50; i++)); do
			ctrd task ls 2>/dev/null | awk -v id="$id" '$1 == id { print $3 }' | grep -qx STOPPED && break
			sleep 0.1
		done
		ctrd task delete -f "$id" >/dev/null 2>&1
	done
	for id in $(ctrd container ls -q 2>/dev/null); do
		ctrd container delete "$id" >/dev/null 2>&1
	done
}

# Why the suite cannot run here, or nothing.
ctrd_missing() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "test requires root"
	elif ! command -v "${CTRD_CONTAINERD:-containerd}" >/dev/null; then
		echo "test requires containerd (Debian package containerd)"
	elif ! command -v ctr >/dev/null; then
		echo "test requires ctr (Debian package containerd)"
	elif ! command -v jq >/dev/null; then
		echo "test requires jq"
	fi
}

# bats 1.8 cannot skip in setup_file: each test skips with the reason.
setup() {
	[ -z "${CTRD_SKIP:-}" ] || skip "$CTRD_SKIP"
}

setup_file() {
	local i
	CTRD_SKIP=$(ctrd_missing)
	export CTRD_SKIP
	[ -z "$CTRD_SKIP" ] || return 0
	# A short path: the socket's must fit in sun_path.
	CTRD_DIR=$(mktemp -d "/tmp/ct-ctrd.XXXXXX")
	# others may pass: the rootfs of a container in a user namespace is
	# under it, and runc mounts it as the namespace's root
	chmod 0711 "$CTRD_DIR"
	export CTRD_DIR CTRD_SOCK=$CTRD_DIR/ctrd.sock CTRD_RTROOT=$CTRD_DIR/rt
	# Our own namespace, so our cgroups (/NS/ID) are our own too.
	export CTRD_NS=ct-bats-$$
	cat >"$CTRD_DIR/config.toml" <<-EOF
		version = 2
		root = "$CTRD_DIR/root"
		state = "$CTRD_DIR/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$CTRD_SOCK"
		[ttrpc]
		  address = "$CTRD_SOCK.ttrpc"
		[debug]
		  address = ""
		[metrics]
		  address = ""
	EOF
	# fd 3 is bats': containerd (and its shims) must not hold it.
	"${CTRD_CONTAINERD:-containerd}" --config "$CTRD_DIR/config.toml" </dev/null >"$CTRD_DIR/containerd.log" 2>&1 3>&- &
	echo $! >"$CTRD_DIR/containerd.pid"
	for ((i = 0; i < 100; i++)); do
		ctr --address "$CTRD_SOCK" version >/dev/null 2>&1 && break
		kill -0 "$(cat "$CTRD_DIR/containerd.pid")" 2>/dev/null || break
		sleep 0.1
	done
	ctr --address "$CTRD_SOCK" version >/dev/null || {
		cat "$CTRD_DIR/containerd.log" >&2
		return 1
	}
	# overlayfs when this kernel and file system take it, else native
	export CTRD_SNAP=native
	if ctr --address "$CTRD_SOCK" plugins ls | awk '$1 == "io.containerd.snapshotter.v1" && $2 == "overlayfs" { print $4 }' |
		grep -qx ok; then
		CTRD_SNAP=overlayfs
	fi
	"$FIXTURES/mk-busybox-image.sh" "$CTRD_DIR/layout" busybox:latest >/dev/null
	tar -C "$CTRD_DIR/layout" -cf "$CTRD_DIR/busybox.tar" .
	ctrd images import --snapshotter "$CTRD_SNAP" "$CTRD_DIR/busybox.tar" >/dev/null
	ctrd images ls -q | grep -qx busybox:latest
}

teardown_file() {
	local pid i mnt
	[ -n "${CTRD_DIR:-}" ] || return 0
	if [ -S "$CTRD_SOCK" ]; then
		ctrd_clean
		ctrd images rm busybox:latest >/dev/null 2>&1
	fi
	# our containerd, by its pid only
	pid=$(cat "$CTRD_DIR/containerd.pid" 2>/dev/null)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
	fi
	# anything still mounted under our directory (a rootfs), deepest first
	for mnt in $(awk -v d="$CTRD_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$mnt" 2>/dev/null
	done
	cg_cleanup "/$CTRD_NS"
	cg_cleanup /ct-bats-ctrd-custom
	rm -rf "$CTRD_DIR"
}

teardown() {
	[ -n "${CTRD_SOCK:-}" ] && [ -S "$CTRD_SOCK" ] || return 0
	ctrd_clean
}

# The status ctr shows for task ID.
task_status() {
	ctrd task ls | awk -v id="$1" '$1 == id { print $3 }'
}

task_status_is() {
	[ "$(task_status "$1")" = "$2" ]
}

@test "containerd: ctr run --rm passes the output and exit status through" {
	sane_run ctr_run "$CRUNTIME" --rm busybox:latest t1 sh -c 'echo out; echo err >&2; exit 7'
	[ "$status" -eq 7 ]
	# ctr copies stdout and stderr from two fifos: their order is not kept
	[ "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' ' ')" = "err out " ]
	sane_run ctr_run "$CRUNTIME" --rm busybox:latest t1 true
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# stdin reaches the process
	run ctr_run "$CRUNTIME" --rm busybox:latest t1 sh -c 'read l; echo "got $l"' <<<"hello"
	[ "$status" -eq 0 ]
	[ "$output" = "got hello" ]
	# nothing left: no container, no state in cruntime's root
	[ -z "$(ctrd container ls -q)" ]
	[ -z "$(ls -A "$CTRD_RTROOT/$CTRD_NS" 2>/dev/null)" ]
}

@test "containerd: cruntime's error on create reaches ctr" {
	sane_run ctr_run "$CRUNTIME" --rm busybox:latest t2 /nonexistent
	[ "$status" -ne 0 ]
	[[ "$output" == *'OCI runtime create failed'*'"/nonexistent": stat /nonexistent: No such file or directory'* ]]
	sane_run ctr_run "$CRUNTIME" --rm busybox:latest t2 nosuchcmd
	[ "$status" -ne 0 ]
	[[ "$output" == *'"nosuchcmd": executable file not found in $PATH'* ]]
	[ -z "$(ctrd task ls -q)" ]
}

@test "containerd: a detached task: ls, exec, ps, pause, resume, kill, delete" {
	local pid
	sane_run ctr_run "$CRUNTIME" -d busybox:latest d1 sleep 1000
	[ "$status" -eq 0 ]
	[ "$(task_status d1)" = RUNNING ]
	pid=$(ctrd task ls | awk '$1 == "d1" { print $2 }')
	# cruntime is the runtime: its state root holds the container, same pid
	sane_run "$CRUNTIME" --root "$CTRD_RTROOT/$CTRD_NS" state d1
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = running ]
	[ "$(jq -r .pid <<<"$output")" = "$pid" ]
	# exec: output and status
	sane_run ctrd task exec --exec-id e1 d1 sh -c 'echo in-exec; cat /proc/1/cmdline | tr "\0" " "; exit 3'
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = in-exec ]
	[ "${lines[1]}" = "sleep 1000 " ]
	# an exec killed by a signal: 128 + N
	sane_run ctrd task exec --exec-id e1 d1 sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	# ps (cruntime ps --format json): the init, and a detached exec with its id
	sane_run ctrd task exec -d --exec-id bg d1 sleep 500
	[ "$status" -eq 0 ]
	sane_run ctrd task ps d1
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "$(awk -v p="$pid" '$1 == p' <<<"$output" | wc -l)" -eq 1 ]
	[[ "$output" == *"ExecID:bg"* ]]
	# pause / resume: the task's state, cruntime's and the freezer's
	sane_run ctrd task pause d1
	[ "$status" -eq 0 ]
	[ "$(task_status d1)" = PAUSED ]
	[ "$("$CRUNTIME" --root "$CTRD_RTROOT/$CTRD_NS" state d1 | jq -r .status)" = paused ]
	[ "$(cg_freezer_state "/$CTRD_NS/d1")" = FROZEN ]
	sane_run ctrd task resume d1
	[ "$status" -eq 0 ]
	[ "$(task_status d1)" = RUNNING ]
	[ "$(cg_freezer_state "/$CTRD_NS/d1")" = THAWED ]
	sane_run ctrd task exec --exec-id e2 d1 echo alive
	[ "$output" = alive ]
	# kill: the task stops, killed by SIGKILL (137)
	sane_run ctrd task kill -s KILL d1
	[ "$status" -eq 0 ]
	retry 50 0.1 task_status_is d1 STOPPED
	[ ! -e "/proc/$pid" ]
	sane_run ctrd task delete d1
	[ "$status" -eq 0 ]
	[[ "$output" == *"exit code 137"* ]]
	[ -z "$(ctrd task ls -q)" ]
	# cruntime's delete ran: its state is gone
	[ ! -e "$CTRD_RTROOT/$CTRD_NS/d1" ]
	sane_run ctrd container delete d1
	[ "$status" -eq 0 ]
	[ -z "$(ctrd container ls -q)" ]
}

@test "containerd: a detached task's own exit status, and SIGTERM (ctr task kill's default) delivered" {
	sane_run ctr_run "$CRUNTIME" -d busybox:latest s1 sh -c 'exit 5'
	[ "$status" -eq 0 ]
	retry 50 0.1 task_status_is s1 STOPPED
	sane_run ctrd task delete s1
	[ "$status" -eq 0 ]
	[[ "$output" == *"exit code 5"* ]]
	ctrd container delete s1
	# pid 1 gets SIGTERM only through a handler: the trap's status tells it came
	sane_run ctr_run "$CRUNTIME" -d busybox:latest s2 sh -c 'trap "exit 9" TERM; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	sane_run ctrd task kill s2
	[ "$status" -eq 0 ]
	retry 50 0.1 task_status_is s2 STOPPED
	sane_run ctrd task delete s2
	[[ "$output" == *"exit code 9"* ]]
}

# What the container sees: capabilities, no_new_privs, seccomp, mounts (point,
# options, type: not the overlay's snapshot paths), /dev, user, env, limits.
VIEW='grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status
awk "{ for (i = 7; \$i != \"-\"; i++); print \$5, \$6, \$(i + 1) }" /proc/self/mountinfo | sort
ls -ln /dev | awk "{ print \$1, \$3, \$4, \$5, \$6, \$NF }"
readlink /dev/ptmx; id; echo "HOME=$HOME"; env | grep -v "^HOSTNAME=" | sort; pwd; umask
ulimit -a; cat /proc/self/oom_score_adj; cat /proc/self/uid_map; hostname
cat /proc/self/cgroup | sed "s/ct-bats-[0-9]*/NS/"'

# view_of RUNTIME ID [ctr run options]: VIEW in a container of RUNTIME.
view_of() {
	local rt=$1 id=$2
	shift 2
	ctr_run "$rt" --rm "$@" busybox:latest "$id" sh -c "$VIEW"
}

compare_views() {
	local a b
	a=$(view_of "$RUNC" v-runc "$@") || {
		echo "runc: $a"
		return 1
	}
	b=$(view_of "$CRUNTIME" v-cruntime "$@") || {
		echo "cruntime: $b"
		return 1
	}
	echo "runc and cruntime with: $*"
	diff <(echo "$a" | sed 's/v-runc/ID/') <(echo "$b" | sed 's/v-cruntime/ID/') || return 1
	# both ran the whole view
	[[ "$b" == *CapEff:* && "$b" == *"/proc "* && "$b" == *"HOME="* ]]
}

# runc, to compare with
need_runc() {
	requires runc
	RUNC=$(command -v runc)
}

@test "containerd: the container sees the same with cruntime as with runc (default spec)" {
	need_runc
	compare_views
	compare_views --env FOO=bar --cwd /tmp --read-only
	compare_views --cap-add CAP_SYS_ADMIN --cap-drop CAP_CHOWN --allow-new-privs --seccomp
	compare_views --uidmap 0:100000:65536 --gidmap 0:100000:65536
	compare_views --net-host --no-pivot
}

@test "containerd: the container sees the same with cruntime as with runc (--privileged: every host device)" {
	need_runc
	compare_views --privileged
}

@test "containerd: an exec sees the same with cruntime as with runc, as root and as another user" {
	local rt a b user
	need_runc
	for user in 0 daemon 1000:1000; do
		for rt in "$RUNC" "$CRUNTIME"; do
			ctr_run "$rt" -d busybox:latest x1 sleep 1000
			run ctrd task exec --user "$user" --exec-id v x1 sh -c "$VIEW"
			echo "$rt --user $user: status=$status"
			[ "$status" -eq 0 ]
			if [ "$rt" = "$RUNC" ]; then a=$output; else b=$output; fi
			ctrd_clean
		done
		diff <(echo "$a") <(echo "$b")
		[[ "$b" == *CapEff:* ]]
	done
	[[ "$b" == *"uid=1000 gid=1000"* ]]
}

@test "containerd: ctr run -t gets a terminal (/dev/pts/N), exit status through" {
	requires script
	# ctr -t needs a tty on its stdin: script gives it one
	run script -qec "ctr --address $CTRD_SOCK --namespace $CTRD_NS run --runc-binary $CRUNTIME --runc-root $CTRD_RTROOT --snapshotter $CTRD_SNAP --rm -t busybox:latest tt1 sh -c 'tty; [ -t 0 ] && echo stdin-tty; exit 3'" /dev/null </dev/null
	echo "status=$status output=$output"
	[ "$status" -eq 3 ]
	[[ "$output" =~ /dev/pts/[0-9]+ ]]
	[[ "$output" == *stdin-tty* ]]
	# an exec with a terminal in a detached task
	ctr_run "$CRUNTIME" -d busybox:latest tt2 sleep 1000
	run script -qec "ctr --address $CTRD_SOCK --namespace $CTRD_NS task exec -t --exec-id t tt2 sh -c 'tty; exit 4'" /dev/null </dev/null
	echo "status=$status output=$output"
	[ "$status" -eq 4 ]
	[[ "$output" =~ /dev/pts/[0-9]+ ]]
}

@test "containerd: --env, --cwd, --memory-limit, metrics, exec --user and HOME" {
	local dir
	sane_run ctr_run "$CRUNTIME" -d --env FOO=bar --cwd /tmp --memory-limit 67108864 busybox:latest m1 sleep 1000
	[ "$status" -eq 0 ]
	sane_run ctrd task exec --exec-id e m1 sh -c 'echo "$FOO $(pwd) $HOME"'
	[ "$output" = "bar /tmp /root" ]
	# the limit is on the task's cgroup (cruntime made it), as metrics shows
	dir=$(cg_dir memory "/$CTRD_NS/m1")
	[ "$(cat "$dir/$(cg_memory_limit_file)")" = 67108864 ]
	grep -qx "$(ctrd task ls | awk '$1 == "m1" { print $2 }')" "$dir/cgroup.procs"
	sane_run ctrd task metrics m1
	[ "$status" -eq 0 ]
	[ "$(awk '$1 == "memory.limit_in_bytes" { print $2 }' <<<"$output")" = 67108864 ]
	# exec as a user of the image's /etc/passwd, and as one it lacks
	sane_run ctrd task exec --user daemon --exec-id e m1 sh -c 'echo "$(id -u):$(id -g) $HOME"'
	[ "$output" = "1:1 /usr/sbin" ]
	sane_run ctrd task exec --user 1000:1000 --exec-id e m1 sh -c 'echo "$(id -u):$(id -g) $HOME"'
	[ "$output" = "1000:1000 /" ]
	sane_run ctrd task exec --user nobody --cwd /etc --exec-id e m1 sh -c 'echo "$(id -u) $(pwd)"'
	[ "$output" = "65534 /etc" ]
}

@test "containerd: --rootfs, a read-only bind --mount, a custom --cgroup" {
	local layer
	mkdir -p "$CTRD_DIR/rootfs" "$CTRD_DIR/hostdir"
	echo from-host >"$CTRD_DIR/hostdir/f"
	layer=$(jq -r '.layers[0].digest' "$CTRD_DIR/layout/blobs/sha256/$(jq -r '.manifests[0].digest' \
		"$CTRD_DIR/layout/index.json" | cut -d: -f2)" | cut -d: -f2)
	tar -C "$CTRD_DIR/rootfs" -xzf "$CTRD_DIR/layout/blobs/sha256/$layer"
	# no image: no PATH either, so the command is given by path
	sane_run ctr_run "$CRUNTIME" --rm --rootfs --mount "type=bind,src=$CTRD_DIR/hostdir,dst=/h,options=rbind:ro" \
		"$CTRD_DIR/rootfs" r1 /bin/sh -c 'cat /h/f; touch /h/g 2>/dev/null || echo ro; touch /x && echo rw'
	[ "$status" -eq 0 ]
	[ "${lines[*]}" = "from-host ro rw" ]
	[ -e "$CTRD_DIR/rootfs/x" ]
	[ ! -e "$CTRD_DIR/hostdir/g" ]
	sane_run ctr_run "$CRUNTIME" --rm --cgroup /ct-bats-ctrd-custom/r2 busybox:latest r2 \
		sh -c 'grep -c ":/ct-bats-ctrd-custom/r2$" /proc/self/cgroup'
	[ "$status" -eq 0 ]
	[ "$output" -ge 1 ]
}

@test "containerd: images exported by cimage (oci and docker archives) import and run" {
	local store=$CTRD_DIR/cimage-store
	sane_run "$CIMAGE" --store "$store" pull "oci:$CTRD_DIR/layout:busybox:latest" cbox:1
	[ "$status" -eq 0 ]
	sane_run "$CIMAGE" --store "$store" export cbox:1 -o "$CTRD_DIR/cbox-oci.tar"
	[ "$status" -eq 0 ]
	sane_run "$CIMAGE" --store "$store" export --format docker cbox:1 -o "$CTRD_DIR/cbox-docker.tar"
	[ "$status" -eq 0 ]
	# the OCI archive keeps the store's name; docker's is normalised by ctr
	sane_run ctrd images import --snapshotter "$CTRD_SNAP" "$CTRD_DIR/cbox-oci.tar"
	[ "$status" -eq 0 ]
	sane_run ctrd images import --snapshotter "$CTRD_SNAP" "$CTRD_DIR/cbox-docker.tar"
	[ "$status" -eq 0 ]
	sane_run ctr_run "$CRUNTIME" --rm cbox:1 i1 sh -c 'echo from-oci'
	[ "$status" -eq 0 ]
	[ "$output" = from-oci ]
	sane_run ctr_run "$CRUNTIME" --rm docker.io/library/cbox:1 i2 sh -c 'echo from-docker'
	[ "$status" -eq 0 ]
	[ "$output" = from-docker ]
	ctrd images rm cbox:1 docker.io/library/cbox:1 >/dev/null
}
