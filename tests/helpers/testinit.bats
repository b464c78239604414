#!/usr/bin/env bats
# testinit on the host: the output formats the container tests rely on.
# Plain bats (no helpers.bash): this must pass before any runtime test can.

setup() {
	T="${TESTINIT:?TESTINIT not set}"
	WORK=$(mktemp -d /tmp/ct-testinit-XXXXXX)
}

teardown() {
	rm -rf "$WORK"
}

@test "testinit is static" {
	run file -L "$T"
	[ "$status" -eq 0 ]
	[[ "$output" == *"statically linked"* ]]
}

@test "true, exit N, unknown command" {
	run "$T" true
	[ "$status" -eq 0 ] && [ -z "$output" ]
	run "$T" exit 42
	[ "$status" -eq 42 ]
	run "$T" exit nope
	[ "$status" -eq 2 ]
	[[ "$output" == "testinit: exit needs a number" ]]
	run "$T" frobnicate
	[ "$status" -eq 2 ]
	[[ "$output" == 'testinit: unknown command `frobnicate`' ]]
	run "$T"
	[ "$status" -eq 2 ]
}

@test "echo, write, cat" {
	run "$T" echo a "b c" d
	[ "$status" -eq 0 ] && [ "$output" = "a b c d" ]
	run "$T" write "$WORK/f" "hello world"
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/f")" = "hello world" ]
	run "$T" cat "$WORK/f"
	[ "$status" -eq 0 ] && [ "$output" = "hello world" ]
	run "$T" cat "$WORK/missing"
	[ "$status" -eq 1 ]
	[[ "$output" == "testinit: open \`$WORK/missing\`: No such file or directory" ]]
}

@test "printenv" {
	run env -i FOO=bar BAZ=1 "$T" printenv
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "FOO=bar" ] && [ "${lines[1]}" = "BAZ=1" ] && [ "${#lines[@]}" -eq 2 ]
	run env -i FOO=bar "$T" printenv FOO
	[ "$status" -eq 0 ] && [ "$output" = "bar" ]
	run env -i "$T" printenv FOO
	[ "$status" -eq 1 ] && [ -z "$output" ]
}

@test "id, cwd, hostname" {
	run "$T" id
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^uid=$(id -u)\ gid=$(id -g)\ groups=[0-9,]*$ ]]
	run bash -c "cd '$WORK' && '$T' cwd"
	[ "$status" -eq 0 ] && [ "$output" = "$WORK" ]
	run "$T" hostname
	[ "$status" -eq 0 ] && [ "$output" = "$(uname -n)" ]
}

@test "caps prints the five sets" {
	run "$T" caps
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 5 ]
	[[ "${lines[0]}" =~ ^CapInh:\ [0-9a-f]{16}$ ]]
	[[ "${lines[1]}" =~ ^CapPrm:\ [0-9a-f]{16}$ ]]
	[[ "${lines[2]}" =~ ^CapEff:\ [0-9a-f]{16}$ ]]
	[[ "${lines[3]}" =~ ^CapBnd:\ [0-9a-f]{16}$ ]]
	[[ "${lines[4]}" =~ ^CapAmb:\ [0-9a-f]{16}$ ]]
}

@test "isatty" {
	run "$T" isatty 0 </dev/null
	[ "$status" -eq 0 ] && [ "$output" = "false" ]
	if [ -c /dev/ptmx ] && command -v script >/dev/null; then
		# script runs the command through $SHELL, which may be nologin
		SHELL=/bin/sh run script -qec "'$T' isatty 0" /dev/null
		[[ "$output" == true* ]]
	fi
}

@test "ls sorts and hides dot entries; stat" {
	mkdir "$WORK/d" && touch "$WORK/d/b" "$WORK/d/a" && mkdir "$WORK/d/c" && ln -s a "$WORK/d/l"
	chmod 0640 "$WORK/d/a"
	run "$T" ls "$WORK/d"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'a\nb\nc\nl')" ]
	run "$T" stat "$WORK/d/a"
	[ "$status" -eq 0 ] && [ "$output" = "type=file mode=0640 uid=$(id -u) gid=$(id -g)" ]
	run "$T" stat "$WORK/d/c"
	[[ "$output" == "type=dir "* ]]
	run "$T" stat "$WORK/d/l"
	[[ "$output" == "type=symlink mode=0777 "* ]]
	run "$T" stat /dev/null
	[[ "$output" == "type=char mode=0666 "* ]]
}

@test "fds lists exactly the open fds" {
	run bash -c "exec 7</dev/null; exec '$T' fds" 0</dev/null 1>&1 2>/dev/null
	[ "$status" -eq 0 ]
	[[ " ${lines[*]} " == *" 7 "* ]]
	run bash -c "exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-; for fd in /proc/self/fd/*; do n=\${fd##*/}; [ \$n -gt 2 ] && eval \"exec \$n>&-\"; done; exec '$T' fds" </dev/null 2>/dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '0\n1\n2')" ]
}

@test "pause ends on SIGTERM, and argv[0] names the command" {
	ln -s "$T" "$WORK/pause"
	"$WORK/pause" &
	pid=$!
	# wait until it sleeps in pause(2) rather than sleeping a fixed time
	for _ in $(seq 200); do
		[ "$(awk '{print $3}' /proc/$pid/stat 2>/dev/null)" = S ] && grep -q '^SigCgt:.*[1-9a-f]' /proc/$pid/status && break
	done
	kill -TERM "$pid"
	wait "$pid"
}
