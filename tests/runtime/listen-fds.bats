#!/usr/bin/env bats
# --preserve-fds with LISTEN_FDS, and NOTIFY_SOCKET.

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	requires root jq
	setup_bundle
}

teardown() {
	teardown_bundle
}

# with_listen PID N CMD...: CMD with LISTEN_PID (the literal "self" means
# CMD's own pid: sh execs it) and LISTEN_FDS in its environment
with_listen() {
	local pid=$1 n=$2
	shift 2
	if [ "$pid" = self ]; then
		LISTEN_FDS=$n sh -c 'LISTEN_PID=$$ exec "$@"' sh "$@"
	else
		LISTEN_PID=$pid LISTEN_FDS=$n "$@"
	fi
}

@test "listen-fds: LISTEN_FDS fds are passed from 3 on, with LISTEN_FDS=N and LISTEN_PID=1 (runc)" {
	echo listen-a >"$BUNDLE/a"
	echo listen-b >"$BUNDLE/b"
	update_config '.process.args = ["sh", "-c", "env | grep ^LISTEN_ | sort; cat <&3; cat <&4; /testinit fds"]'
	sane_run with_listen self 2 "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1 3<"$BUNDLE/a" 4<"$BUNDLE/b" 5<"$BUNDLE/b"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = LISTEN_FDS=2 ]
	[ "${lines[1]}" = LISTEN_PID=1 ]
	[ "${lines[2]}" = listen-a ]
	[ "${lines[3]}" = listen-b ]
	# 5 is neither a listen fd nor preserved
	[ "$(echo "${lines[@]:4}" | tr ' ' ,)" = 0,1,2,3,4 ]
}

@test "listen-fds: --preserve-fds counts after the listen fds" {
	echo listen-a >"$BUNDLE/a"
	echo preserved >"$BUNDLE/b"
	update_config '.process.args = ["sh", "-c", "cat <&4; /testinit fds"]'
	sane_run with_listen self 1 "$CRUNTIME" --root "$ROOT" run --preserve-fds 1 -b "$BUNDLE" ct1 3<"$BUNDLE/a" 4<"$BUNDLE/b" 5<"$BUNDLE/b"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = preserved ]
	[ "$(echo "${lines[@]:1}" | tr ' ' ,)" = 0,1,2,3,4 ]
}

@test "listen-fds: ignored when LISTEN_PID is not cruntime's pid" {
	echo listen-a >"$BUNDLE/a"
	update_config '.process.args = ["sh", "-c", "env | grep -c ^LISTEN_; /testinit fds"]'
	sane_run with_listen 1 1 "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1 3<"$BUNDLE/a"
	[ "${lines[0]}" = 0 ]
	[ "$(echo "${lines[@]:1}" | tr ' ' ,)" = 0,1,2 ]
}

# A datagram listener on $1 that prints what it receives, one repr per
# datagram, stopping after $2 datagrams or 10 s of silence.
notify_listener() {
	python3 - "$1" "$2" <<'PY'
import os, socket, sys
path, want = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(10)
open(path + ".ready", "w").close()
got = 0
try:
    while got < want:
        print(repr(s.recv(4096).decode()), flush=True)
        got += 1
except socket.timeout:
    print("timeout", flush=True)
PY
}

@test "notify: run relays the container's READY=1 and MAINPID to NOTIFY_SOCKET (runc)" {
	requires python3
	local sock="$BUNDLE/host-notify.sock" lpid
	notify_listener "$sock" 2 >"$BUNDLE/notify.out" 2>&1 </dev/null 3>&- &
	lpid=$!
	retry 50 0.1 test -e "$sock.ready"
	update_config '.process.args = ["sh", "-c", "echo $NOTIFY_SOCKET; /testinit notify \"READY=1\nSTATUS=up\"; echo pid=$$"]'
	NOTIFY_SOCKET=$sock sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /run/notify/notify.sock ]
	wait "$lpid"
	cat "$BUNDLE/notify.out" >&2
	[ "$(sed -n 1p "$BUNDLE/notify.out")" = "'READY=1\n'" ]
	[[ "$(sed -n 2p "$BUNDLE/notify.out")" =~ ^\'MAINPID=[0-9]+\\n\'$ ]]
}

@test "notify: a container that never notifies does not hang run; nothing without NOTIFY_SOCKET" {
	update_config '.process.args = ["sh", "-c", "echo ${NOTIFY_SOCKET:-unset}; test -S /run/notify/notify.sock && echo mounted || true"]'
	NOTIFY_SOCKET=$BUNDLE/nobody.sock sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /run/notify/notify.sock ]
	[ "${lines[1]}" = mounted ]
	sane_run env -u NOTIFY_SOCKET "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = unset ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "notify: create + start and run -d relay READY=1 and MAINPID, returning once it came (runc)" {
	requires python3
	local sock="$BUNDLE/host-notify.sock" lpid pid
	notify_listener "$sock" 4 >"$BUNDLE/notify.out" 2>&1 </dev/null 3>&- &
	lpid=$!
	retry 50 0.1 test -e "$sock.ready"
	update_config '.process.args = ["sh", "-c", "/testinit notify READY=1; exec /testinit pause"]'
	NOTIFY_SOCKET=$sock ct_create ct1
	NOTIFY_SOCKET=$sock cruntime start ct1
	pid=$(cruntime state ct1 | jq .pid)
	NOTIFY_SOCKET=$sock ct_run_d ct2
	wait "$lpid"
	cat "$BUNDLE/notify.out" >&2
	[ "$(sed -n 1p "$BUNDLE/notify.out")" = "'READY=1\n'" ]
	[ "$(sed -n 2p "$BUNDLE/notify.out")" = "'MAINPID=$pid\n'" ]
	[ "$(sed -n 3p "$BUNDLE/notify.out")" = "'READY=1\n'" ]
	[ "$(sed -n 4p "$BUNDLE/notify.out")" = "'MAINPID=$(cruntime state ct2 | jq .pid)\n'" ]
}
