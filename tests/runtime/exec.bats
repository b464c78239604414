#!/usr/bin/env bats
# cruntime exec: a new process in a running container (runc 1.1's contract).

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	requires root jq
	setup_bundle
	update_config '.process.args = ["/testinit", "pause"] | .hostname = "exec-ct"'
}

teardown() {
	teardown_bundle
}

@test "exec: output and exit status are passed through" {
	ct_run_d ct1
	sane_run cruntime exec ct1 sh -c 'echo hello; exit 7'
	[ "$status" -eq 7 ]
	[ "$output" = hello ]
	sane_run cruntime exec ct1 /testinit true
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# the container is untouched
	[ "$(ct_status ct1)" = running ]
	[ "$(jq -r .status "$ROOT/ct1/state.json")" = running ]
}

@test "exec: a process killed by a signal gives 128 + N" {
	ct_run_d ct1
	sane_run cruntime exec ct1 sh -c 'kill -KILL $$'
	[ "$status" -eq 137 ]
	sane_run cruntime exec ct1 sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
}

@test "exec: the process is in the container's uts and pid namespaces, not the host's" {
	ct_run_d ct1
	sane_run cruntime exec ct1 /testinit hostname
	[ "$status" -eq 0 ]
	[ "$output" = exec-ct ]
	[ "$output" != "$(hostname)" ]
	# the container's init is pid 1, and we are a small pid beside it
	sane_run cruntime exec ct1 cat /proc/1/comm
	[ "$status" -eq 0 ]
	[ "$output" = testinit ]
	sane_run cruntime exec ct1 sh -c 'echo $$'
	[ "$status" -eq 0 ]
	[ "$output" -lt 100 ]
	sane_run cruntime exec ct1 ps -o pid,args
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" =~ ^\ +1\ /testinit\ pause$ ]]
	[ "$(readlink /proc/self/ns/pid)" != "$(cruntime exec ct1 readlink /proc/self/ns/pid)" ]
	[ "$(readlink /proc/self/ns/net)" != "$(cruntime exec ct1 readlink /proc/self/ns/net)" ]
}

@test "exec: the process sees the container's mounts, not the host's" {
	update_config '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}]
		| .process.args = ["/bin/sh", "-c", "echo from-init > /tmp/marker && exec /testinit pause"]'
	ct_run_d ct1
	# the init writes it once it runs: poll the real file
	retry 50 0.1 cruntime exec ct1 cat /tmp/marker
	[ "$output" = from-init ]
	# on a tmpfs of the container's mount namespace, not in the host's rootfs dir
	[ ! -e "$BUNDLE/rootfs/tmp/marker" ]
	sane_run cruntime exec ct1 sh -c 'grep " /tmp " /proc/self/mounts'
	[ "$status" -eq 0 ]
	[[ "$output" == "tmpfs /tmp tmpfs"* ]]
	# the root is the container's: the host's bundle path is not there
	sane_run cruntime exec ct1 ls "$BUNDLE"
	[ "$status" -ne 0 ]
}

@test "exec: env from the config plus -e, which overrides" {
	update_config '.process.env += ["FROM_CONFIG=yes", "OVER=config"]'
	ct_run_d ct1
	sane_run cruntime exec -e OVER=flag -e NEW=1 ct1 /testinit printenv
	[ "$status" -eq 0 ]
	[[ "$output" == *"FROM_CONFIG=yes"* ]]
	[[ "$output" == *"PATH=/usr/local/sbin:"* ]]
	[[ "$output" == *"NEW=1"* ]]
	[[ "$output" == *"OVER=flag"* ]]
	[[ "$output" != *"OVER=config"* ]]
	sane_run cruntime exec -e NOVALUE ct1 true
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid environment variable \`NOVALUE\`"* ]]
}

@test "exec: --cwd, and a relative or missing one is refused" {
	ct_run_d ct1
	sane_run cruntime exec --cwd /etc ct1 /testinit cwd
	[ "$status" -eq 0 ]
	[ "$output" = /etc ]
	sane_run cruntime exec ct1 /testinit cwd
	[ "$output" = / ]
	sane_run cruntime exec --cwd etc ct1 /testinit cwd
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec \`ct1\`: --cwd: \`etc\` is not an absolute path"* ]]
	# runc does not create it for exec
	sane_run cruntime exec --cwd /nonexistent ct1 /testinit cwd
	[ "$status" -eq 255 ]
	[[ "$output" == *"chdir to cwd \`/nonexistent\`"* ]]
	[ ! -e "$BUNDLE/rootfs/nonexistent" ]
}

@test "exec: -u UID:GID and --additional-gids" {
	ct_run_d ct1
	sane_run cruntime exec -u 1000:1000 ct1 /testinit id
	[ "$status" -eq 0 ]
	[ "$output" = "uid=1000 gid=1000 groups=" ]
	# without a gid, the config's (0) stays, as runc
	sane_run cruntime exec -u 1000 -g 5 --additional-gids 6 ct1 /testinit id
	[ "$status" -eq 0 ]
	[ "$output" = "uid=1000 gid=0 groups=5,6" ]
	sane_run cruntime exec -u 1000:x ct1 /testinit id
	[ "$status" -eq 255 ]
	[[ "$output" == *"invalid value \`1000:x\` for flag --user"* ]]
}

@test "exec: a missing HOME is the user's home in the container's /etc/passwd, else / (runc)" {
	ct_run_d ct1
	sane_run cruntime exec ct1 sh -c 'echo "$HOME"'
	[ "$output" = /root ]
	sane_run cruntime exec -u 1 ct1 sh -c 'echo "$HOME"'
	[ "$output" = /usr/sbin ]
	sane_run cruntime exec -u 1000:1000 ct1 sh -c 'echo "$HOME"'
	[ "$output" = / ]
	sane_run cruntime exec -u 1 -e HOME=/given ct1 sh -c 'echo "$HOME"'
	[ "$output" = /given ]
}

cap_eff() {
	local hex
	hex=$(grep CapEff <<<"$1" | awk '{ print $2 }')
	echo $((16#$hex))
}

@test "exec: --cap adds a capability; an unknown one is named" {
	ct_run_d ct1
	sane_run cruntime exec ct1 /testinit caps
	[ "$status" -eq 0 ]
	# CAP_SYS_ADMIN is 21: not in the default spec's sets
	[ $(($(cap_eff "$output") & (1 << 21))) -eq 0 ]
	sane_run cruntime exec --cap CAP_SYS_ADMIN ct1 /testinit caps
	[ "$status" -eq 0 ]
	[ $(($(cap_eff "$output") & (1 << 21))) -ne 0 ]
	[[ "$output" == *"CapBnd: 00000000202"* ]]
	sane_run cruntime exec --cap CAP_NOPE ct1 true
	[ "$status" -eq 255 ]
	[[ "$output" == *"unknown capability \`CAP_NOPE\`"* ]]
}

@test "exec: --no-new-privs" {
	update_config '.process.noNewPrivileges = false'
	ct_run_d ct1
	sane_run cruntime exec ct1 grep NoNewPrivs /proc/self/status
	[[ "$output" == *"NoNewPrivs:"*0 ]]
	sane_run cruntime exec --no-new-privs ct1 grep NoNewPrivs /proc/self/status
	[ "$status" -eq 0 ]
	[[ "$output" == *"NoNewPrivs:"*1 ]]
}

@test "exec: --process FILE runs that process, ignoring the config's" {
	ct_run_d ct1
	cat >"$BUNDLE/p.json" <<-'EOF'
		{"args": ["/testinit", "printenv", "ONLY"], "cwd": "/tmp", "env": ["ONLY=me"],
		 "user": {"uid": 1000, "gid": 1000}}
	EOF
	sane_run cruntime exec --process "$BUNDLE/p.json" ct1
	[ "$status" -eq 0 ]
	[ "$output" = me ]
	jq '.args = ["/testinit", "id"]' "$BUNDLE/p.json" >"$BUNDLE/id.json"
	sane_run cruntime exec -p "$BUNDLE/id.json" ct1
	[ "$output" = "uid=1000 gid=1000 groups=" ]
	jq '.args = ["/testinit", "cwd"]' "$BUNDLE/p.json" >"$BUNDLE/cwd.json"
	sane_run cruntime exec -p "$BUNDLE/cwd.json" ct1
	[ "$output" = /tmp ]
}

@test "exec: a bad --process file fails with one line naming the field" {
	ct_run_d ct1
	echo '{"args": "x", "cwd": "/"}' >"$BUNDLE/p.json"
	sane_run cruntime exec --process "$BUNDLE/p.json" ct1
	[ "$status" -eq 255 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"exec \`ct1\`: p.json: \`args\`: not an array"* ]]
	echo '{"args": ["true"]}' >"$BUNDLE/p.json"
	sane_run cruntime exec --process "$BUNDLE/p.json" ct1
	[ "$status" -eq 255 ]
	[[ "$output" == *"p.json: \`cwd\`: required"* ]]
	echo '{"args": ["true"], "cwd": "rel"}' >"$BUNDLE/p.json"
	sane_run cruntime exec --process "$BUNDLE/p.json" ct1
	[ "$status" -eq 255 ]
	[[ "$output" == *"p.json: \`cwd\`: \`rel\` is not an absolute path"* ]]
	sane_run cruntime exec --process "$BUNDLE/nonexistent.json" ct1
	[ "$status" -eq 255 ]
	[[ "$output" == *"nonexistent.json"* ]]
	[ "$(ct_status ct1)" = running ]
}

@test "exec: in a stopped or unknown container, runc's messages and 255" {
	update_config '.process.args = ["/testinit", "true"]'
	ct_run_d ct1
	retry 50 0.1 status_is ct1 stopped
	sane_run cruntime exec ct1 true
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec \`ct1\`: cannot exec in a stopped container"* ]]
	sane_run cruntime exec nosuch true
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec \`nosuch\`: container does not exist"* ]]
}

@test "exec: in a created container works and leaves it created (runc)" {
	cruntime create -b "$BUNDLE" ct1 </dev/null >"$BUNDLE/out" 2>"$BUNDLE/err"
	sane_run cruntime exec ct1 /testinit hostname
	[ "$status" -eq 0 ]
	[ "$output" = exec-ct ]
	[ "$(ct_status ct1)" = created ]
	cruntime start ct1
	[ "$(ct_status ct1)" = running ]
}

@test "exec: -d returns at once, --pid-file holds the process's pid" {
	ct_run_d ct1
	cruntime exec -d --pid-file "$BUNDLE/pid" ct1 /testinit pause </dev/null >"$BUNDLE/eout" 2>&1
	local pid
	pid=$(cat "$BUNDLE/pid")
	[[ "$pid" =~ ^[0-9]+$ ]]
	[ ! -e "$BUNDLE/pid.tmp" ]
	retry 50 0.1 grep -qx testinit /proc/"$pid"/comm
	# in the container's pid namespace, beside the init
	[ "$(readlink /proc/"$pid"/ns/pid)" = "$(readlink /proc/"$(cat "$ROOT/ct1/state.json" | jq .pid)"/ns/pid)" ]
	sane_run cruntime exec ct1 ps -o args
	[ "$(grep -c '^/testinit pause$' <<<"$output")" -eq 2 ]
	kill "$pid"
	[ "$(ct_status ct1)" = running ]
}

@test "exec: a missing binary exits 255 with runc's wording" {
	ct_run_d ct1
	sane_run cruntime exec ct1 nosuch
	[ "$status" -eq 255 ]
	[ "${#lines[@]}" -eq 1 ]
	# the log line escapes the quotes
	[[ "$output" == *'exec `ct1`: exec: \"nosuch\": executable file not found in $PATH'* ]]
	sane_run cruntime exec ct1 /nosuch
	[ "$status" -eq 255 ]
	[[ "$output" == *'exec: \"/nosuch\": stat /nosuch'* ]]
	sane_run cruntime exec ct1
	[ "$status" -eq 255 ]
	[[ "$output" == *"process args cannot be empty"* ]]
}

@test "exec: only fds 0 1 2 reach the process, plus --preserve-fds" {
	ct_run_d ct1
	# bats itself holds fd 3 and more open here
	sane_run cruntime exec ct1 /testinit fds
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 1 2" ]
	sane_run cruntime exec --preserve-fds 1 ct1 /testinit fds 3</dev/null
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 1 2 3" ]
}

@test "exec: the container stays running and delete -f still works" {
	ct_run_d ct1
	local init
	init=$(jq .pid "$ROOT/ct1/state.json")
	cruntime exec ct1 true
	cruntime exec ct1 sh -c 'exit 3' || true
	[ "$(ct_status ct1)" = running ]
	[ "$(jq .pid "$ROOT/ct1/state.json")" = "$init" ]
	cruntime delete -f ct1
	[ ! -e "$ROOT/ct1" ]
	[ ! -e /proc/"$init" ] || [ "$(awk '{ print $3 }' /proc/"$init"/stat)" = Z ]
}

@test "exec: a long foreground exec does not block other commands; signals are forwarded" {
	ct_run_d ct1
	# not the `cruntime` function: $! must be cruntime itself, not a subshell
	"$CRUNTIME" --root "$ROOT" exec --pid-file "$BUNDLE/epid" ct1 /testinit pause </dev/null >"$BUNDLE/eout" 2>&1 &
	local bg=$!
	retry 50 0.1 test -s "$BUNDLE/epid"
	# state, list and another exec run while it waits (timeout: a lock held would hang)
	sane_run timeout 10 "$CRUNTIME" --root "$ROOT" state ct1
	[ "$status" -eq 0 ]
	sane_run timeout 10 "$CRUNTIME" --root "$ROOT" exec ct1 /testinit true
	[ "$status" -eq 0 ]
	sane_run timeout 10 "$CRUNTIME" --root "$ROOT" list -q
	[ "$status" -eq 0 ]
	[ "$output" = ct1 ]
	# SIGTERM to cruntime reaches the process: testinit pause exits 0 on it
	kill -TERM "$bg"
	local rc=0
	wait "$bg" || rc=$?
	cat "$BUNDLE/eout"
	[ "$rc" -eq 0 ]
	[ ! -e /proc/"$(cat "$BUNDLE/epid")" ] ||
		[ "$(awk '{ print $3 }' /proc/"$(cat "$BUNDLE/epid")"/stat)" = Z ]
	[ "$(ct_status ct1)" = running ]
}

@test "exec: --console-socket needs -d and -t (runc)" {
	# -t and --console-socket that work: terminal.bats
	ct_run_d ct1
	sane_run cruntime exec --console-socket /tmp/nope ct1 true
	[ "$status" -eq 255 ]
	[[ "$output" == *"cannot use console socket if runc will not detach or allocate tty"* ]]
	sane_run cruntime exec
	[ "$status" -eq 1 ]
	[[ "$output" == *"\`exec\` requires at least 1 argument"* ]]
}

@test "exec: uses the config as it was at create, even when the bundle's changes or goes" {
	update_config '.process.env += ["WHICH=at-create"]'
	ct_run_d ct1
	update_config '.process.env = ["PATH=/bin", "WHICH=edited-later"]'
	sane_run cruntime exec ct1 /testinit printenv WHICH
	[ "$status" -eq 0 ]
	[ "$output" = at-create ]
	rm "$BUNDLE/config.json"
	sane_run cruntime exec ct1 /testinit printenv WHICH
	[ "$status" -eq 0 ]
	[ "$output" = at-create ]
}
