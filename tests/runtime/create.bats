#!/usr/bin/env bats
# cruntime create: the init waits on the exec fifo until `start`.

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	requires root jq
	setup_bundle
	update_config '.process.args = ["/testinit", "pause"]'
}

teardown() {
	teardown_bundle
}

# Sleeping in the fifo open (wchan 0 when the kernel hides wait channels).
blocked_on_fifo() {
	local wchan
	wchan=$(cat /proc/"$1"/wchan)
	[ "$(awk '{ print $3 }' /proc/"$1"/stat)" = S ] && { [ "$wchan" = wait_for_partner ] || [ "$wchan" = 0 ]; }
}

@test "create: exit 0 with the init alive, blocked before exec, pid file and state written" {
	# no linux.resources: its warning is the only thing create would print
	update_config 'del(.linux.resources)'
	ct_create --pid-file "$BUNDLE/pid" ct1
	local pid
	pid=$(cat "$BUNDLE/pid")
	[[ "$pid" =~ ^[0-9]+$ ]]
	# still our init, not the container's process: blocked opening the fifo
	[ "$(cat /proc/"$pid"/comm)" = "cruntime:[init]" ]
	# READY is sent just before the fifo open: the init gets there promptly
	retry 50 0.1 blocked_on_fifo "$pid"
	[ -p "$ROOT/ct1/exec.fifo" ]
	run jq -r '.status + " " + (.pid | tostring) + " " + .bundle + " " + .rootfs' "$ROOT/ct1/state.json"
	[ "$output" = "created $pid $BUNDLE $BUNDLE/rootfs" ]
	# nothing was printed by cruntime
	[ ! -s "$BUNDLE/err" ]
	[ ! -s "$BUNDLE/out" ]
}

@test "create: the init outlives cruntime and is re-parented to the caller's subreaper" {
	command -v python3 >/dev/null || skip "test requires python3"
	# a tiny subreaper: PR_SET_CHILD_SUBREAPER (36), runs create, reports the init's parent
	cat >"$BUNDLE/reaper.py" <<'PY'
import ctypes, os, subprocess, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)
pidfile = sys.argv[1]
# the init keeps create's stdio: no pipe of bats may reach it
subprocess.run(sys.argv[2:], check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL)
pid = open(pidfile).read()
ppid = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()[1]
print("reaped-by-me" if int(ppid) == os.getpid() else "parent=%s me=%d" % (ppid, os.getpid()))
PY
	sane_run python3 "$BUNDLE/reaper.py" "$BUNDLE/pid" "$CRUNTIME" --root "$ROOT" create -b "$BUNDLE" --pid-file "$BUNDLE/pid" ct1
	[ "$status" -eq 0 ]
	[ "$output" = "reaped-by-me" ]
	# the subreaper exited: its orphan went further up, still blocked and alive
	[ "$(ct_status ct1)" = created ]
}

@test "create: only fds 0, 1, 2 (+ --preserve-fds) reach the container; stdio is the caller's" {
	update_config '.process.args = ["/testinit", "fds"]'
	ct_create ct1 5</dev/null 7</dev/null
	cruntime start ct1
	retry 50 0.1 status_is ct1 stopped
	[ "$(cat "$BUNDLE/out")" = "$(printf '0\n1\n2')" ]
	cruntime delete ct1
	ct_create --preserve-fds 1 ct1 3</dev/null 5</dev/null
	cruntime start ct1
	retry 50 0.1 status_is ct1 stopped
	[ "$(cat "$BUNDLE/out")" = "$(printf '0\n1\n2\n3')" ]
}

@test "create: annotations from the config appear in the state" {
	update_config '.annotations = {"org.example.a": "1", "b": "two words"}'
	ct_create ct1
	run cruntime state ct1
	[ "$status" -eq 0 ]
	[ "$(jq -r '.annotations["org.example.a"] + "|" + .annotations.b' <<<"$output")" = "1|two words" ]
}

@test "create: a duplicate id is refused and the first container is untouched" {
	ct_create ct1
	sane_run cruntime create -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"container with id exists: ct1"* ]]
	[ "$(ct_status ct1)" = created ]
}

@test "create: errors before exec are reported by create, leaving nothing behind" {
	update_config '.process.args = ["nosuchbinary"]'
	sane_run cruntime create -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *'exec: \"nosuchbinary\": executable file not found in $PATH'* ]]
	[ -z "$(ls -A "$ROOT")" ]
	update_config '.process.args = ["/testinit", "pause"] | .process.cwd = "/etc/passwd"'
	sane_run cruntime create -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cwd: create cwd \`/etc/passwd\`"* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "create: bad arguments name the culprit" {
	sane_run cruntime create --console-socket /x -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot use console socket if runc will not detach or allocate tty"* ]]
	sane_run cruntime create -b "$BUNDLE" 'a/b'
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid id format: \`a/b\`"* ]]
	sane_run cruntime create -d -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"flag provided but not defined: -d"* ]]
	sane_run cruntime create -b /nonexistent ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"/nonexistent"* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "create: --no-pivot and --no-new-keyring are honoured as by run" {
	update_config '.process.args = ["/testinit", "echo", "nopivot"]'
	ct_create --no-pivot --no-new-keyring ct1
	cruntime start ct1
	retry 50 0.1 status_is ct1 stopped
	[ "$(cat "$BUNDLE/out")" = nopivot ]
}
