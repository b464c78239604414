#!/usr/bin/env bats
# cruntime's command line: globals, errors in runc's wording, --log json.

load ../lib/helpers

setup() {
	ROOT=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ct-root.XXXXXX")
}

teardown() {
	rm -rf "$ROOT"
	[ -z "${LOGF:-}" ] || rm -f "$LOGF"
}

@test "cli: --help lists the commands" {
	sane_run "$CRUNTIME" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"run "* ]]
	[[ "$output" == *"features"* ]]
	[[ "$output" != *"checkpoint"* ]]
}

@test "cli: no command is a usage error" {
	sane_run "$CRUNTIME"
	[ "$status" -eq 1 ]
	[[ "$output" == *"usage:"* ]]
}

@test "cli: unknown command" {
	sane_run "$CRUNTIME" frobnicate
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown command \`frobnicate\`"* ]]
	[ "${#lines[@]}" -eq 1 ]
}

@test "cli: unknown flag" {
	sane_run "$CRUNTIME" --frob features
	[ "$status" -eq 1 ]
	[[ "$output" == *"flag provided but not defined: --frob"* ]]
	sane_run "$CRUNTIME" run --frob x
	[ "$status" -eq 1 ]
	[[ "$output" == *"flag provided but not defined: --frob"* ]]
}

@test "cli: flag needs an argument" {
	sane_run "$CRUNTIME" --root
	[ "$status" -eq 1 ]
	[[ "$output" == *"flag needs an argument: --root"* ]]
	sane_run "$CRUNTIME" run --bundle
	[ "$status" -eq 1 ]
	[[ "$output" == *"flag needs an argument: --bundle"* ]]
}

@test "cli: runc's commands we do not have are unknown" {
	sane_run "$CRUNTIME" checkpoint
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown command \`checkpoint\`"* ]]
}

@test "cli: --root=X and --root X both work" {
	requires root jq
	sane_run "$CRUNTIME" --root="$ROOT/a" run -b /nonexistent ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"/nonexistent"* ]]
	sane_run "$CRUNTIME" --root "$ROOT/b" --rootless=auto --debug --systemd-cgroup features
	[ "$status" -eq 0 ]
	sane_run "$CRUNTIME" --root "$ROOT/c" --systemd-cgroup run -b /tmp ct1
	[ "$status" -eq 1 ]
	# never a silent fallback to cgroupfs: runc's words on a host without systemd
	if [ -d /run/systemd/system ]; then
		[[ "$output" == *"--systemd-cgroup: the systemd cgroup driver is not supported"* ]]
	else
		[[ "$output" == *"systemd not running on this host, cannot use systemd cgroups manager"* ]]
	fi
	[ -z "$(ls -A "$ROOT/c" 2>/dev/null)" ]
}

@test "cli: bad --rootless and --log-format values" {
	sane_run "$CRUNTIME" --rootless maybe features
	[ "$status" -eq 1 ]
	[[ "$output" == *"maybe"* ]]
	sane_run "$CRUNTIME" --log-format xml features
	[ "$status" -eq 1 ]
	[[ "$output" == *"xml"* ]]
}

@test "cli: --log json: one error record and the message on stderr" {
	requires jq
	LOGF=$(mktemp "${BATS_TMPDIR:-/tmp}/ct-log.XXXXXX")
	sane_run "$CRUNTIME" --log "$LOGF" --log-format json --root "$ROOT" run -b /nonexistent ct1
	[ "$status" -eq 1 ]
	[ "$(wc -l <"$LOGF")" -eq 1 ]
	run jq -r '.level' "$LOGF"
	[ "$output" = "error" ]
	local msg
	msg=$(jq -r '.msg' "$LOGF")
	[[ "$msg" == *"/nonexistent"* ]]
	sane_run "$CRUNTIME" --log "$LOGF" --log-format json --root "$ROOT" run -b /nonexistent ct1
	[[ "$output" == *"$msg"* ]]
	[ "${#lines[@]}" -eq 1 ]
}

@test "cli: --debug and --log-level debug record debug lines, text and json" {
	requires root jq
	rm -rf "$ROOT" # setup_bundle makes its own state root
	setup_bundle
	update_config '.process.args = ["true"]'
	LOGF=$(mktemp "${BATS_TMPDIR:-/tmp}/ct-log.XXXXXX")
	sane_run "$CRUNTIME" --debug --log "$LOGF" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	grep -q 'level=debug msg="container `ct1` started, init pid [0-9]*"' "$LOGF"
	grep -q 'level=debug msg="container `ct1` exited with status 0"' "$LOGF"
	: >"$LOGF"
	sane_run "$CRUNTIME" --log-level debug --log-format json --log "$LOGF" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	# every line is one JSON object with exactly level, msg, time (RFC 3339 UTC)
	run jq -e -c 'select((keys == ["level", "msg", "time"]) and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")))' "$LOGF"
	[ "${#lines[@]}" -eq "$(wc -l <"$LOGF")" ]
	jq -e 'select(.level == "debug" and (.msg | startswith("container `ct1` exited")))' "$LOGF"
	# without --debug, no debug records
	: >"$LOGF"
	sane_run "$CRUNTIME" --log "$LOGF" --root "$ROOT" run -b "$BUNDLE" ct1
	! grep -q 'level=debug' "$LOGF"
	teardown_bundle
}

@test "cli: bad --log-level is refused, naming it" {
	sane_run "$CRUNTIME" --log-level loud --root "$ROOT" features
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid log level \`loud\`"* ]]
}

@test "cli: a planned command's --help prints its usage and exits 0" {
	for cmd in create start exec kill delete state list ps pause resume events update; do
		sane_run "$CRUNTIME" --root "$ROOT" "$cmd" --help
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" == "usage: cruntime $cmd"* ]]
	done
	# without --help the command looks for the container
	sane_run "$CRUNTIME" --root "$ROOT" pause ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
	# kill is implemented now: it looks for the container
	sane_run "$CRUNTIME" --root "$ROOT" kill ct1 KILL
	[ "$status" -eq 1 ]
	[[ "$output" == *"kill \`ct1\`: container does not exist"* ]]
}

@test "cli: output that cannot be written is an error, not a silent success" {
	[ -w /dev/full ] || skip "no /dev/full"
	for args in "features" "--version" "--help" "spec --help"; do
		run sh -c "'$CRUNTIME' --root '$ROOT' $args >/dev/full"
		echo "$args: status=$status output=$output" >&2
		[ "$status" -eq 1 ]
		[[ "$output" == *"No space left on device"* ]]
	done
	run sh -c "'$CIMAGE' --help >/dev/full"
	[ "$status" -eq 1 ]
	run sh -c "'$CBUILD' --version >/dev/full"
	[ "$status" -eq 1 ]
}
