#!/usr/bin/env bats
# cruntime run: foreground containers from a busybox bundle.

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	requires root jq
	setup_bundle
}

teardown() {
	teardown_bundle
	[ -z "${SENTINEL:-}" ] || rm -rf "$SENTINEL"
}

# Run the container with `sh -c SCRIPT`; stderr is kept apart so warnings
# (linux.resources) do not mix with what the container prints.
run_sh() {
	update_config --arg s "$1" '.process.args = ["sh", "-c", $s]'
	run --separate-stderr "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" "${2:-ct1}"
	echo "status=$status output=$output stderr=$stderr" >&2
}

@test "run: echo hello" {
	update_config '.process.args = ["echo", "hello"]'
	run --separate-stderr "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = "hello" ]
}

@test "run: the bundle defaults to the current directory" {
	update_config '.process.args = ["echo", "cwd-bundle"]'
	cd "$BUNDLE"
	run --separate-stderr "$CRUNTIME" --root "$ROOT" run ct1
	[ "$status" -eq 0 ]
	[ "$output" = "cwd-bundle" ]
}

@test "run: exit status is passed through" {
	run_sh 'exit 42'
	[ "$status" -eq 42 ]
}

@test "run: a container killed by a signal exits 128+N" {
	# pid 1 of a pid namespace cannot SIGKILL itself: share the host's.
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	run_sh 'kill -9 $$'
	[ "$status" -eq 137 ]
}

@test "run: SIGTERM to cruntime is forwarded to the container" {
	# The container traps TERM and exits 7; cruntime forwards TERM once it is ready.
	update_config '.process.args = ["sh", "-c", "trap \"exit 7\" TERM; echo ready; while :; do sleep 1; done"]'
	"$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1 > "$BATS_TMPDIR/fwd.out" 2>/dev/null &
	local pid=$!
	retry 50 0.1 grep -q ready "$BATS_TMPDIR/fwd.out"
	kill -TERM "$pid"
	local rc=0
	wait "$pid" || rc=$?
	rm -f "$BATS_TMPDIR/fwd.out"
	[ "$rc" -eq 7 ]
}

@test "run: hostname, env, cwd and args from the config" {
	update_config '.hostname = "ct-host" | .process.env = ["PATH=/bin:/usr/bin", "FOO=bar baz"] | .process.cwd = "/tmp"'
	run_sh 'echo "$(hostname) $FOO $(pwd) $0 $1" ' 
	[ "$status" -eq 0 ]
	[ "$output" = "ct-host bar baz /tmp sh " ]
	update_config '.process.args = ["echo", "a", "b c"]'
	run --separate-stderr "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct2
	[ "$status" -eq 0 ]
	[ "$output" = "a b c" ]
}

@test "run: pid 1 and no host processes" {
	run_sh 'echo $$; ls -d /proc/[0-9]* | wc -l'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1" ]
	# sh, ls and wc at most: nothing of the host
	[ "${lines[1]}" -le 3 ]
}

@test "run: /proc is mounted and /dev holds only the default devices" {
	run_sh 'test -r /proc/self/status && echo proc; ls /dev | tr "\n" " "; echo; test -c /dev/null && test -c /dev/zero && echo devs'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "proc" ]
	[[ "${lines[1]}" == *ptmx* ]]
	[[ "${lines[1]}" != *sda* ]]
	[[ "${lines[1]}" != *vda* ]]
	[[ "${lines[1]}" != *kmsg* ]]
	[ "${lines[2]}" = "devs" ]
}

@test "run: readonly root blocks writes" {
	update_config '.root.readonly = true'
	run_sh 'touch /x 2>&1; echo rc=$?'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *"rc=1"* ]]
	[ ! -e "$BUNDLE/rootfs/x" ]
}

@test "run: masked paths read empty, readonly paths refuse writes" {
	update_config '.linux.maskedPaths = ["/proc/timer_list", "/proc/acpi"] | .linux.readonlyPaths = ["/proc/sys"]'
	run_sh 'wc -c < /proc/timer_list; echo 1 > /proc/sys/kernel/domainname 2>/dev/null; echo rc=$?'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0" ]
	[ "${lines[1]}" = "rc=1" ]
}

@test "run: capability sets equal the config" {
	# As a non-root user the sets survive execve only through ambient.
	update_config '.process.user = {uid: 1000, gid: 1000} | .process.capabilities = {bounding: ["CAP_KILL", "CAP_CHOWN"], effective: ["CAP_KILL"], permitted: ["CAP_KILL", "CAP_CHOWN"], inheritable: ["CAP_KILL"], ambient: ["CAP_KILL"]}'
	run_sh 'grep ^Cap /proc/self/status'
	[ "$status" -eq 0 ]
	# CAP_CHOWN = bit 0, CAP_KILL = bit 5
	[[ "$output" == *"CapInh:	0000000000000020"* ]]
	[[ "$output" == *"CapPrm:	0000000000000020"* ]]
	[[ "$output" == *"CapEff:	0000000000000020"* ]]
	[[ "$output" == *"CapBnd:	0000000000000021"* ]]
	[[ "$output" == *"CapAmb:	0000000000000020"* ]]
}

@test "run: default capabilities as root: the bounding set of the config" {
	update_config '.process.capabilities.bounding = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]'
	run_sh 'grep -E "^Cap(Bnd|Eff)" /proc/self/status'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "CapEff:	0000000020000420" ]
	[ "${lines[1]}" = "CapBnd:	0000000020000420" ]
}

@test "run: user, group and additional groups" {
	update_config '.process.user = {uid: 1234, gid: 567, additionalGids: [8, 9]}'
	run_sh 'id -u; id -g; id -G'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1234" ]
	[ "${lines[1]}" = "567" ]
	[ "${lines[2]}" = "567 8 9" ]
}

@test "run: a missing or empty HOME is the user's home in the container's /etc/passwd, else / (runc)" {
	local uid
	# runc's setupUser; containerd's specs carry no HOME and rely on it
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' '# a comment' '  ' \
		'long:x:7:7:'"$(printf 'g%.0s' $(seq 5000))"':/long:/bin/sh' \
		'daemon:x:1:1:daemon:/usr/sbin:/bin/false' 'odd:x:42:42::/odd' \
		'first:x:43:43::/first:/bin/sh' 'second:x:43:43::/second:/bin/sh' \
		'nohome:x:44:44:' 'last:x:45:45::/no/newline:/bin/sh' |
		head -c -1 >"$BUNDLE/rootfs/etc/passwd"
	for uid in 0 1 7 42 43 44 45 1234; do
		update_config --argjson u "$uid" '.process.user = {uid: $u, gid: 0}'
		run_sh 'echo "$HOME"; env | grep -c "^HOME="' "ct$uid"
		[ "$status" -eq 0 ]
		[ "${lines[1]}" = 1 ]
		case $uid in
		0) [ "${lines[0]}" = /root ] ;;
		1) [ "${lines[0]}" = /usr/sbin ] ;;
		7) [ "${lines[0]}" = /long ] ;;
		42) [ "${lines[0]}" = /odd ] ;;
		43) [ "${lines[0]}" = /first ] ;;
		44 | 1234) [ "${lines[0]}" = / ] ;;
		45) [ "${lines[0]}" = /no/newline ] ;;
		esac
	done
	# an empty HOME is replaced in place; a set one is kept
	update_config '.process.user = {uid: 0, gid: 0} | .process.env = ["PATH=/bin", "HOME=", "X=1"]'
	run_sh 'echo "$HOME"; env | grep -c "^HOME="; echo "$X"' ct100
	[ "$status" -eq 0 ]
	[ "${lines[*]}" = "/root 1 1" ]
	update_config '.process.env = ["PATH=/bin", "HOME=/mine"]'
	run_sh 'echo "$HOME"' ct101
	[ "$output" = /mine ]
	# no passwd file, or one that is not a regular file: /
	rm "$BUNDLE/rootfs/etc/passwd"
	update_config '.process.env = ["PATH=/bin"]'
	run_sh 'echo "$HOME"' ct102
	[ "$output" = / ]
	mkfifo "$BUNDLE/rootfs/etc/passwd"
	run_sh 'echo "$HOME"' ct103
	[ "$output" = / ]
	# a symlink out of the rootfs resolves inside it
	rm "$BUNDLE/rootfs/etc/passwd"
	ln -s /../../../../etc/passwd "$BUNDLE/rootfs/etc/passwd"
	run_sh 'echo "$HOME"' ct104
	[ "$output" = / ]
}

@test "run: noNewPrivileges and rlimit NOFILE" {
	update_config '.process.noNewPrivileges = true | .process.rlimits = [{type: "RLIMIT_NOFILE", soft: 321, hard: 654}]'
	run_sh 'grep NoNewPrivs /proc/self/status; ulimit -n; ulimit -Hn'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "NoNewPrivs:	1" ]
	[ "${lines[1]}" = "321" ]
	[ "${lines[2]}" = "654" ]
}

@test "run: only fds 0 1 2 reach the container" {
	run_sh 'ls /proc/self/fd | tr "\n" " "' ct1 3>/dev/null 4>/dev/null
	[ "$status" -eq 0 ]
	# 3 is ls's own directory fd
	[ "$output" = "0 1 2 3 " ]
}

@test "run: unknown binary: runc's message and exit 1" {
	update_config '.process.args = ["nosuchbinary"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	# the text log escapes quotes as logrus does (runc prints the same)
	[[ "$output" == *'exec: \"nosuchbinary\": executable file not found in $PATH'* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "run: duplicate id is refused" {
	mkdir -p "$ROOT/ct1"
	update_config '.process.args = ["true"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"container with id exists: ct1"* ]]
	rmdir "$ROOT/ct1"
}

@test "run: invalid ids are refused" {
	for id in . .. a/b 'a b'; do
		sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" "$id"
		[ "$status" -eq 1 ]
		[[ "$output" == *"invalid id format: \`$id\`"* ]]
	done
}

@test "run: nothing is left under the state root" {
	update_config '.process.args = ["true"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ -z "$(ls -A "$ROOT")" ]
	update_config '.process.cwd = "/etc/passwd"'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cwd: create cwd \`/etc/passwd\`"*"Not a directory"* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "run: a missing cwd is created inside the rootfs, as runc does" {
	update_config '.process.cwd = "/work/dir" | .process.args = ["pwd"]'
	run --separate-stderr "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = "/work/dir" ]
	[ -d "$BUNDLE/rootfs/work/dir" ]
}

@test "run: cwd through /proc/self/fd of an inherited fd cannot reach the host (CVE-2024-21626)" {
	requires root
	update_config '.process.cwd = "/proc/self/fd/7" | .process.args = ["sh", "-c", "pwd; ls"]'
	# fd 7: a host directory the caller leaked
	run --separate-stderr "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1 7</etc
	echo "status=$status output=$output stderr=$stderr" >&2
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"cwd \`/proc/self/fd/7\`"*"Too many levels of symbolic links"* ]]
	[[ "$output" != *"passwd"* ]]
}

@test "run: a rootfs holding only the static testinit" {
	[ -x "$TESTINIT" ] || skip "testinit not built"
	rm -rf "$BUNDLE/rootfs"
	mkdir "$BUNDLE/rootfs"
	cp "$TESTINIT" "$BUNDLE/rootfs/testinit"
	update_config '.process.args = ["/testinit", "fds"] | .root.readonly = false'
	# mount points are created in the empty rootfs; fds 5 and 6 leak from the caller
	run --separate-stderr "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1 5</dev/null 6>/dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '0\n1\n2')" ]
	[ -d "$BUNDLE/rootfs/proc" ] && [ -d "$BUNDLE/rootfs/dev" ]
	update_config '.process.args = ["/testinit", "id"] | .process.user = {uid: 1000, gid: 100, additionalGids: [5, 7]}'
	run --separate-stderr "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = "uid=1000 gid=100 groups=5,7" ]
	update_config '.process.args = ["/testinit", "stat", "/dev/null"]'
	run --separate-stderr "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = "type=char mode=0666 uid=0 gid=0" ]
}

@test "run: state.json exists while the container runs" {
	# observe from the outside: a container that waits on a fifo
	mkfifo "$BUNDLE/rootfs/tmp/fifo"
	update_config '.root.readonly = false | .process.args = ["sh", "-c", "read x < /tmp/fifo"]'
	"$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1 2>/dev/null &
	local pid=$!
	retry 50 0.1 test -f "$ROOT/ct1/state.json"
	run jq -r '.id + " " + .status + " " + (.pid | tostring)' "$ROOT/ct1/state.json"
	echo ok > "$BUNDLE/rootfs/tmp/fifo"
	wait "$pid"
	[[ "$output" == "ct1 running "* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "run: a mount destination symlinked out of the rootfs stays inside" {
	requires openat2
	SENTINEL=$(mktemp -d /tmp/host-sentinel-dir.XXXXXX)
	echo untouched > "$SENTINEL/file"
	ln -s "$SENTINEL" "$BUNDLE/rootfs/mnt-escape"
	update_config '.mounts += [{destination: "/mnt-escape", type: "tmpfs", source: "tmpfs", options: ["nosuid"]}]'
	run_sh 'echo inside > /mnt-escape/new; ls /mnt-escape'
	[ "$status" -eq 0 ]
	# the host directory is unchanged and nothing is mounted on it
	[ "$(ls "$SENTINEL")" = "file" ]
	! grep -q "$SENTINEL" /proc/self/mountinfo
	# the symlink was resolved inside the rootfs: /tmp/host-sentinel-dir.X under rootfs
	[ -d "$BUNDLE/rootfs$SENTINEL" ]
}

@test "run: without openat2, relative and file mount destinations symlinked out stay inside" {
	SENTINEL=$(mktemp -d /tmp/host-sentinel-dir.XXXXXX)
	echo untouched > "$SENTINEL/file"
	# a relative chain climbing out, and a file destination through an absolute link
	ln -s ../../../../../../../../.."$SENTINEL" "$BUNDLE/rootfs/rel-escape"
	ln -s "$SENTINEL/file" "$BUNDLE/rootfs/file-escape"
	echo from-bundle > "$BUNDLE/src-file"
	update_config '.mounts += [{destination: "/rel-escape", type: "tmpfs", source: "tmpfs"},
		{destination: "/file-escape", type: "bind", source: "src-file", options: ["bind"]}]'
	CT_NO_OPENAT2=1 run_sh 'echo inside > /rel-escape/new; cat /file-escape'
	[ "$status" -eq 0 ]
	[ "$output" = "from-bundle" ]
	[ "$(ls "$SENTINEL")" = "file" ]
	[ "$(cat "$SENTINEL/file")" = "untouched" ]
	! grep -q "$SENTINEL" /proc/self/mountinfo
	[ -d "$BUNDLE/rootfs$SENTINEL" ]
	rm -rf "$SENTINEL"
}

@test "run: bind mounts, ro, and relative sources" {
	mkdir "$BUNDLE/share"
	echo shared > "$BUNDLE/share/f"
	update_config '.mounts += [{destination: "/data", type: "bind", source: "share", options: ["rbind", "ro"]}]'
	run_sh 'cat /data/f; touch /data/g 2>/dev/null; echo rc=$?'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "shared" ]
	[ "${lines[1]}" = "rc=1" ]
	[ ! -e "$BUNDLE/share/g" ]
}

@test "run: --no-pivot works" {
	update_config '.process.args = ["echo", "nopivot"]'
	run --separate-stderr "$CRUNTIME" --root "$ROOT" run --no-pivot -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = "nopivot" ]
}

@test "run: a new network namespace has only lo; joining by path works" {
	run_sh 'ls /sys/class/net | tr "\n" " "'
	[ "$status" -eq 0 ]
	[ "$output" = "lo " ]
	update_config --arg ns "/proc/$$/ns/uts" '.linux.namespaces |= map(if .type == "uts" then .path = $ns else . end) | del(.hostname)'
	run_sh 'hostname'
	[ "$status" -eq 0 ]
	[ "$output" = "$(hostname)" ]
}

@test "run: unsupported settings are refused by name" {
	update_config '.linux.intelRdt = {"closID": "ct1"}'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *'config.json: `linux.intelRdt`: not supported yet'* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "run: the process runs in the container's cgroup, which goes when it ends" {
	requires root
	update_config '.linux.resources = {pids: {limit: 100}} | .process.args = ["cat", "/proc/self/cgroup"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[[ "$output" == *":$CT_CGROUPS_PATH"* ]]
	[[ "$output" != *"not implemented"* ]]
	[ -z "$(ls -d /sys/fs/cgroup$CT_CGROUPS_PATH /sys/fs/cgroup/*$CT_CGROUPS_PATH 2>/dev/null)" ]
}

@test "run: --console-socket without -d and a terminal is refused (runc)" {
	# with -d and process.terminal: terminal.bats
	sane_run "$CRUNTIME" --root "$ROOT" run --console-socket /x -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot use console socket if runc will not detach or allocate tty"* ]]
}

@test "run: rro makes a bind mount and the mounts below it read-only (mount_setattr); ro only the top" {
	requires root
	local plain recursive
	mkdir -p "$BUNDLE/src/sub"
	mount -t tmpfs tmpfs "$BUNDLE/src/sub"
	update_config '.mounts += [{destination: "/mnt", type: "bind", source: "'"$BUNDLE/src"'", options: ["rbind", "ro"]}]
		| .process.args = ["sh", "-c", "touch /mnt/a 2>/dev/null; echo top=$?; touch /mnt/sub/b 2>/dev/null; echo sub=$?"]'
	plain=$("$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1 2>&1 | tr '\n' ' ')
	update_config '.mounts[-1].options = ["rbind", "rro"]'
	recursive=$("$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1 2>&1 | tr '\n' ' ')
	umount "$BUNDLE/src/sub"
	echo "ro: $plain; rro: $recursive" >&2
	[ "$plain" = "top=1 sub=0 " ]
	[ "$recursive" = "top=1 sub=1 " ]
}

# tmpcopyup (runc's extension; podman --read-only puts it on /tmp, /var/tmp
# and /run): the tmpfs starts with a copy of what it covers.
@test "run: tmpcopyup fills a tmpfs with a copy of the directory it covers" {
	local d="$BUNDLE/rootfs/data"
	SENTINEL=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ct-sentinel.XXXXXX")
	echo host-secret >"$SENTINEL/secret"
	mkdir -p "$d/sub/deeper"
	printf hello >"$d/f"
	chown 5:6 "$d/f"
	chmod 0604 "$d/f"
	touch -d @1000000000 "$d/f"
	cp "$BUNDLE/rootfs/bin/busybox" "$d/suid" && chmod 4755 "$d/suid"
	echo g >"$d/sub/deeper/g"
	chmod 0750 "$d/sub"
	ln -s /etc/hostname "$d/abs"
	ln -s "$SENTINEL" "$d/out"
	mkfifo "$d/p"
	update_config '.root.readonly = true
		| .mounts += [{destination: "/data", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup", "nodev"]}]'
	run_sh 'cd /data && for f in f suid sub sub/deeper/g p; do stat -c "%n %a %u:%g %F" $f; done;
		stat -c "%Y" f; cat f; echo; readlink abs; readlink out; ls out/ 2>/dev/null | wc -l
		echo new >/data/new && echo wrote; grep " /data " /proc/mounts | cut -d" " -f3'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "f 604 5:6 regular file" ]
	[ "${lines[1]}" = "suid 4755 0:0 regular file" ]
	[ "${lines[2]}" = "sub 750 0:0 directory" ]
	[ "${lines[3]}" = "sub/deeper/g 644 0:0 regular file" ]
	[ "${lines[4]}" = "p 644 0:0 fifo" ]
	[ "${lines[5]}" = 1000000000 ]
	[ "${lines[6]}" = hello ]
	[ "${lines[7]}" = /etc/hostname ]
	[ "${lines[8]}" = "$SENTINEL" ]
	[ "${lines[9]}" = 0 ]
	[ "${lines[10]}" = wrote ]
	[ "${lines[11]}" = tmpfs ]
	# the copy is the tmpfs's: the rootfs and the host are as they were
	[ ! -e "$d/new" ]
	[ "$(ls "$SENTINEL")" = secret ]
}

@test "run: tmpcopyup with ro copies, then makes the tmpfs read-only; elsewhere it is ignored (runc)" {
	mkdir -p "$BUNDLE/rootfs/data" "$BUNDLE/share"
	echo kept >"$BUNDLE/rootfs/data/f"
	echo shared >"$BUNDLE/share/f"
	update_config '.mounts += [{destination: "/data", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup", "ro", "size=1m"]},
		{destination: "/share", type: "bind", source: "share", options: ["rbind", "tmpcopyup"]}]'
	run_sh 'cat /data/f; touch /data/g 2>/dev/null; echo rc=$?; grep " /data " /proc/mounts | cut -d" " -f4 | cut -d, -f1; cat /share/f'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = kept ]
	[ "${lines[1]}" = rc=1 ]
	[ "${lines[2]}" = ro ]
	[ "${lines[3]}" = shared ]
}

@test "run: tmpcopyup of a tree deeper than 64 directories fails naming the mount" {
	local p="$BUNDLE/rootfs/data" i
	for i in $(seq 70); do p="$p/d"; done
	mkdir -p "$p"
	update_config '.mounts += [{destination: "/data", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup"]}]'
	run_sh 'true'
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'mount `/data`: copy up `d`: more than 64 directories deep'* ]]
}
