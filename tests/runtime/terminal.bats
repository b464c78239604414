#!/usr/bin/env bats
# process.terminal: runc's --console-socket protocol (the pty master over
# SCM_RIGHTS), consoleSize, /dev/console, and runc's refusals.

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	requires root jq
	[ -x /usr/bin/python3 ] || skip "test requires /usr/bin/python3"
	setup_bundle
	SOCK=$BATS_TEST_TMPDIR/console.sock
	# The receiver: "ready" once it listens, then what came through the
	# master (CRLF -> LF) until EOF/EIO, after writing $2 to it if given.
	cat >"$BATS_TEST_TMPDIR/recv.py" <<'PY'
import array, os, socket, sys
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sys.argv[1])
srv.listen(1)
print("ready", flush=True)
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(64, socket.CMSG_SPACE(fds.itemsize))
for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
conn.close()
srv.close()
if len(fds) != 1:
    print("no fd received", flush=True)
    sys.exit(1)
master = fds[0]
if len(sys.argv) > 2:
    os.write(master, (sys.argv[2] + "\n").encode())
out = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
sys.stdout.write(out.decode(errors="replace").replace("\r\n", "\n"))
PY
}

teardown() {
	exec 7<&- 2>/dev/null || true
	teardown_bundle
}

# Start the receiver on $SOCK [LINE]; returns once it listens.  Its output
# is read by recv_output (on fd 7; bats owns 3. EOF: the container's last slave fd closed).
recv_start() {
	exec 7< <(/usr/bin/python3 "$BATS_TEST_TMPDIR/recv.py" "$SOCK" "$@")
	local line
	read -r -u 7 line
	[ "$line" = ready ]
}

recv_output() {
	cat <&7
	exec 7<&-
}

@test "terminal: run -d --console-socket: stdio is the pty, consoleSize, /dev/console, no stray fds" {
	update_config '.process.terminal = true | .process.consoleSize = {height: 33, width: 77} |
		.process.args = ["sh", "-c", "/testinit isatty 0; /testinit isatty 1; /testinit isatty 2; echo size $(stty size); echo fds $(/testinit fds); echo console $(stat -c %t:%T /dev/console) $(stat -L -c %t:%T /proc/self/fd/0); echo tty $(tty)"]'
	recv_start
	ct_run_d --console-socket "$SOCK" ct1
	sane_run recv_output
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = true ]
	[ "${lines[1]}" = true ]
	[ "${lines[2]}" = true ]
	[ "${lines[3]}" = "size 33 77" ]
	[ "${lines[4]}" = "fds 0 1 2" ]
	# /dev/console is the slave: the same device as our stdin
	[[ "${lines[5]}" =~ ^console\ ([0-9a-f]+:[0-9a-f]+)\ ([0-9a-f]+:[0-9a-f]+)$ ]]
	[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
	[[ "${lines[6]}" == "tty /dev/pts/"* ]]
	# nothing went to the caller's stdio
	[ ! -s "$BUNDLE/out" ]
}

@test "terminal: create --console-socket then start: input and output travel through the master" {
	update_config '.process.terminal = true | .process.args = ["sh", "-c", "read l; echo got:$l; exit 3"]'
	recv_start hello
	ct_create --console-socket "$SOCK" ct1
	[ "$(ct_status ct1)" = created ]
	sane_run cruntime start ct1
	[ "$status" -eq 0 ]
	sane_run recv_output
	[ "$status" -eq 0 ]
	[[ "$output" == *"got:hello"* ]]
}

@test "terminal: exec -d -t --console-socket gets its own pty; no /dev/console without a terminal init" {
	update_config '.process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	recv_start
	sane_run cruntime exec -d -t --console-socket "$SOCK" ct1 sh -c \
		'/testinit isatty 0; /testinit isatty 1; /testinit isatty 2; echo fds $(/testinit fds); [ -e /dev/console ] && echo console || echo noconsole'
	[ "$status" -eq 0 ]
	sane_run recv_output
	[ "${lines[0]}" = true ]
	[ "${lines[1]}" = true ]
	[ "${lines[2]}" = true ]
	[ "${lines[3]}" = "fds 0 1 2" ]
	[ "${lines[4]}" = noconsole ]
	[ "$(ct_status ct1)" = running ]
}

@test "terminal: exec --process with terminal true and a console socket" {
	update_config '.process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	echo '{"args": ["/testinit", "isatty", "1"], "cwd": "/", "terminal": true, "consoleSize": {"height": 5, "width": 6}}' >"$BUNDLE/p.json"
	recv_start
	sane_run cruntime exec -d --console-socket "$SOCK" --process "$BUNDLE/p.json" ct1
	[ "$status" -eq 0 ]
	sane_run recv_output
	[ "$output" = true ]
}

@test "terminal: runc's errors for a terminal without console socket and the reverse" {
	update_config '.process.terminal = true'
	sane_run cruntime create -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot allocate tty if runc will detach without setting console socket"* ]]
	sane_run cruntime run -d -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot allocate tty if runc will detach without setting console socket"* ]]
	# foreground run with a console socket: runc refuses it too
	sane_run cruntime run --console-socket "$SOCK" -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot use console socket if runc will not detach or allocate tty"* ]]
	update_config '.process.terminal = false'
	sane_run cruntime create --console-socket "$SOCK" -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot use console socket if runc will not detach or allocate tty"* ]]
	sane_run cruntime run -d --console-socket "$SOCK" -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot use console socket if runc will not detach or allocate tty"* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "terminal: exec's mismatches give runc's errors and 255" {
	update_config '.process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	sane_run cruntime exec -d -t ct1 true
	[ "$status" -eq 255 ]
	[[ "$output" == *"cannot allocate tty if runc will detach without setting console socket"* ]]
	sane_run cruntime exec -d --console-socket "$SOCK" ct1 true
	[ "$status" -eq 255 ]
	[[ "$output" == *"cannot use console socket if runc will not detach or allocate tty"* ]]
	sane_run cruntime exec -t --console-socket "$SOCK" ct1 true
	[ "$status" -eq 255 ]
	[[ "$output" == *"cannot use console socket if runc will not detach or allocate tty"* ]]
	[ "$(ct_status ct1)" = running ]
}

@test "terminal: a console socket nobody listens on names the path; nothing is left" {
	update_config '.process.terminal = true'
	sane_run cruntime create --console-socket "$BATS_TEST_TMPDIR/nope.sock" -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"connect to console socket \`$BATS_TEST_TMPDIR/nope.sock\`"* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "terminal: foreground run under a tty: output, status, raw mode restored" {
	command -v script >/dev/null || skip "test requires script (util-linux)"
	update_config '.process.terminal = true |
		.process.args = ["sh", "-c", "/testinit isatty 0; /testinit isatty 1; /testinit isatty 2; echo fds $(/testinit fds); exit 3"]'
	# script(1) gives cruntime a terminal; stty -a afterwards shows whether
	# cruntime put it back in canonical mode.  (The caller's size reaching the
	# container is not asserted here: `stty size` inside failed once in CI under
	# script(1), cause not yet understood; consoleSize is checked above.)
	sane_run script -qec "stty rows 17 cols 91; '$CRUNTIME' --root '$ROOT' run -b '$BUNDLE' ct1; echo status \$?; stty -a" /dev/null </dev/null
	[ "$status" -eq 0 ]
	output=${output//$'\r'/}
	# script(1) turns its stdin's EOF into a NUL the container's pty echoes
	# as ^@, at any point: drop it
	output=${output//^@/}
	[[ "$output" == *$'true\ntrue\ntrue\nfds 0 1 2\nstatus 3\n'* ]]
	[[ "$output" == *" icanon "* ]]
	[[ "$output" == *" echo "* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "terminal: foreground run without a tty: stdin goes in, output comes out, exit status" {
	update_config '.process.terminal = true | .process.args = ["sh", "-c", "read l; echo got:$l; /testinit isatty 1; exit 4"]'
	sane_run cruntime run -b "$BUNDLE" ct1 < <(echo hello)
	[ "$status" -eq 4 ]
	output=${output//$'\r'/}
	[[ "$output" == *$'got:hello\ntrue'* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "terminal: exec -t in the foreground proxies the pty; exit status passes through" {
	update_config '.process.args = ["/testinit", "pause"]'
	ct_run_d ct1
	sane_run cruntime exec -t ct1 sh -c '/testinit isatty 0; echo fds $(/testinit fds); exit 5'
	[ "$status" -eq 5 ]
	output=${output//$'\r'/}
	[[ "$output" == *$'true\nfds 0 1 2'* ]]
	# without -t: no terminal
	sane_run cruntime exec ct1 /testinit isatty 0
	[ "$status" -eq 0 ]
	[ "$output" = false ]
	[ "$(ct_status ct1)" = running ]
}
