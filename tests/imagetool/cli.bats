#!/usr/bin/env bats
# cimage command line: help, version, the planned commands, usage errors.
# Contract: specs/cimage.1.md.

# Messages quote their subject in backticks: literal, not command substitution.
# shellcheck disable=SC2016,SC2154  # stderr/stderr_lines come from bats run --separate-stderr

load ../lib/helpers

bats_require_minimum_version 1.5.0

# Every command of the design (DESIGN.md "cimage — contract").
COMMANDS=(pull push copy images inspect tag rm gc history unpack umount commit config export import login logout)
# The ones not implemented yet.
PLANNED=()

@test "cimage --help lists every command and the global options" {
	for flag in --help -h; do
		run_split "$CIMAGE" "$flag"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		[[ "${lines[0]}" == "usage: cimage "* ]]
		for cmd in "${COMMANDS[@]}"; do
			grep -qE "^   $cmd +[a-z]" <<<"$output" || { echo "missing command $cmd"; false; }
		done
		for opt in --store --debug -q --log --log-format; do
			grep -qE "^   (-., )?$opt( |$)|^   $opt, " <<<"$output" || { echo "missing option $opt"; false; }
		done
	done
}

@test "cimage --version prints version, commit, runtime-spec and image-spec" {
	for flag in --version -v; do
		run_split "$CIMAGE" "$flag"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		[ "${#lines[@]}" -eq 4 ]
		[[ "${lines[0]}" =~ ^cimage\ version\ [0-9]+\.[0-9]+\.[0-9]+ ]]
		[[ "${lines[1]}" =~ ^commit:\ . ]]
		[[ "${lines[2]}" =~ ^spec:\ 1\.[0-9]+\.[0-9]+ ]]
		[[ "${lines[3]}" =~ ^image-spec:\ 1\.[0-9]+\.[0-9]+ ]]
	done
}

@test "every planned command fails with 'not implemented yet' and prints nothing on stdout" {
	for cmd in "${PLANNED[@]}"; do
		run_split "$CIMAGE" --store "$BATS_TEST_TMPDIR/store" "$cmd" a b
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		[[ "$stderr" == *"cimage $cmd: not implemented yet"* ]]
		# One line: the error, nothing else.
		[ "${#stderr_lines[@]}" -eq 1 ]
	done
}

@test "every command's --help prints its usage line and exits 0" {
	for cmd in "${COMMANDS[@]}"; do
		run_split "$CIMAGE" "$cmd" --help
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		[[ "${lines[0]}" == "usage: cimage $cmd"* ]]
	done
	run_split "$CIMAGE" unpack -h
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: cimage unpack [--overlay] [--rootless] [--uid-map C:H:N]... [--gid-map C:H:N]... REF BUNDLE" ]
}

@test "--help after -- is an argument, not a request for help" {
	run_split "$CIMAGE" tag -- --help
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *'`tag` requires exactly 2 arguments'* ]]
}

@test "unknown command names the command" {
	run_split "$CIMAGE" frobnicate
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *'unknown command `frobnicate`; see `cimage --help`'* ]]
}

@test "no command is an error" {
	run_split "$CIMAGE"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *'no command given; see `cimage --help`'* ]]
}

@test "unknown global flags use runc's wording" {
	run_split "$CIMAGE" --bogus images
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"flag provided but not defined: --bogus"* ]]

	run_split "$CIMAGE" -x images
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"flag provided but not defined: -x"* ]]
}

@test "a global flag without its argument uses runc's wording" {
	for flag in --store --log --log-format --log-level; do
		run_split "$CIMAGE" "$flag"
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		[[ "$stderr" == *"flag needs an argument: $flag"* ]]
	done
}

@test "global options are accepted before the command" {
	run_split "$CIMAGE" --store "$BATS_TEST_TMPDIR/s" --debug -q --log-format text images
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# Only read: a reader creates no store.
	[ ! -e "$BATS_TEST_TMPDIR/s" ]
}

@test "--store, then CIMAGE_STORE, then the default choose the store" {
	# `images` only reads: nothing is created at these paths.
	run_split env CIMAGE_STORE=/env/store "$CIMAGE" --debug --store /flag/store images
	[[ "$stderr" == *'store `/flag/store`'* ]]

	run_split env CIMAGE_STORE=/env/store "$CIMAGE" --debug images
	[[ "$stderr" == *'store `/env/store`'* ]]

	run_split env -u CIMAGE_STORE XDG_DATA_HOME=/xdg HOME=/home/u "$CIMAGE" --debug images
	if [ "$(id -u)" -eq 0 ]; then
		[[ "$stderr" == *'store `/var/lib/cimage`'* ]]
	else
		[[ "$stderr" == *'store `/xdg/cimage`'* ]]
		run_split env -u CIMAGE_STORE -u XDG_DATA_HOME HOME=/home/u "$CIMAGE" --debug images
		[[ "$stderr" == *'store `/home/u/.local/share/cimage`'* ]]
	fi
}

@test "without root, HOME or XDG_DATA_HOME the default store is an error naming HOME" {
	[ "$(id -u)" -ne 0 ] || skip "root uses /var/lib/cimage"
	run_split env -u CIMAGE_STORE -u XDG_DATA_HOME HOME=relative "$CIMAGE" images
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *'find the default store: `HOME` is not an absolute path; use --store'* ]]
}

@test "--log-format json writes the final error as a JSON line and also to stderr" {
	log="$BATS_TEST_TMPDIR/log.json"
	run_split "$CIMAGE" --log "$log" --log-format json pull x
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"no registry host"* ]]
	run jq -e -c 'select(.level == "error") | .msg' "$log"
	echo "log: $(cat "$log")"
	[ "$status" -eq 0 ]
	[[ "$output" == *'`docker://x`: no registry host'* ]]
}

@test "an unknown --log-format is refused" {
	run_split "$CIMAGE" --log-format yaml images
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *yaml* ]]
}
