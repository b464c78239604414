#!/usr/bin/env bats
# cbuild command line: help, version, the planned build and parse, usage errors.
# Contract: specs/cbuild.1.md.

# Messages quote their subject in backticks: literal, not command substitution.
# shellcheck disable=SC2016,SC2154  # stderr/stderr_lines come from bats run --separate-stderr

load ../lib/helpers

bats_require_minimum_version 1.5.0

@test "cbuild --help lists the commands and every option of the design" {
	for flag in --help -h; do
		run_split "$CBUILD" "$flag"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		[[ "${lines[0]}" == "usage: cbuild "* ]]
		for cmd in build parse; do
			grep -qE "^   $cmd +[a-z]" <<<"$output" || { echo "missing command $cmd"; false; }
		done
		for opt in -f -t --build-arg --target --no-cache --runtime --store --network --label \
			--iidfile --output --platform -q --progress --debug --log --log-format; do
			grep -qE "^   (-., )?$opt( |$)|^   $opt, " <<<"$output" || { echo "missing option $opt"; false; }
		done
	done
}

@test "cbuild --version prints version, commit, runtime-spec and image-spec" {
	for flag in --version -v; do
		run_split "$CBUILD" "$flag"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		[ "${#lines[@]}" -eq 4 ]
		[[ "${lines[0]}" =~ ^cbuild\ version\ [0-9]+\.[0-9]+\.[0-9]+ ]]
		[[ "${lines[1]}" =~ ^commit:\ . ]]
		[[ "${lines[2]}" =~ ^spec:\ 1\.[0-9]+\.[0-9]+ ]]
		[[ "${lines[3]}" =~ ^image-spec:\ 1\.[0-9]+\.[0-9]+ ]]
	done
}

@test "the default build action is planned: exit 1, nothing on stdout" {
	run_split "$CBUILD" -t x "$BATS_TEST_TMPDIR"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"cbuild build: not implemented yet"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "every build option is accepted before CONTEXT" {
	run_split "$CBUILD" -f - -t a -t b --build-arg A=1 --build-arg B --target s --no-cache \
		--runtime runc --store "$BATS_TEST_TMPDIR/store" --network none --label k=v \
		--iidfile "$BATS_TEST_TMPDIR/iid" --output oci:"$BATS_TEST_TMPDIR/out" --platform linux/amd64 \
		--timestamp 0 -q --progress plain --debug --log-format text -
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"cbuild build: not implemented yet"* ]]
	# Nothing may be written by a build that did not run.
	[ ! -e "$BATS_TEST_TMPDIR/store" ]
	[ ! -e "$BATS_TEST_TMPDIR/iid" ]
}

@test "cbuild parse is planned; its --help prints the usage" {
	run_split "$CBUILD" parse --json Dockerfile
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"cbuild parse: not implemented yet"* ]]

	run_split "$CBUILD" parse --help
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${lines[0]}" = "usage: cbuild parse [--json] FILE" ]
}

@test "a build option before parse is refused, naming the option" {
	run_split "$CBUILD" -t x parse Dockerfile
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *'`-t` is a build option, not one of `cbuild parse`'* ]]

	run_split "$CBUILD" --no-cache parse Dockerfile
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'`--no-cache` is a build option'* ]]
}

@test "CONTEXT is required, and only one" {
	run_split "$CBUILD"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *'`cbuild` requires exactly 1 argument (CONTEXT); usage: cbuild [OPTIONS] CONTEXT|-'* ]]

	run_split "$CBUILD" -t x a b
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'`cbuild` requires exactly 1 argument (CONTEXT)'* ]]
}

@test "unknown flags use runc's wording" {
	run_split "$CBUILD" --bogus .
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"flag provided but not defined: --bogus"* ]]

	run_split "$CBUILD" -Z .
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"flag provided but not defined: -Z"* ]]
}

@test "a flag without its argument uses runc's wording" {
	for flag in -f -t --build-arg --target --runtime --store --network --label --iidfile --output \
		--platform --progress --log --log-format; do
		run_split "$CBUILD" "$flag"
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		[[ "$stderr" == *"flag needs an argument: $flag"* ]]
	done
}

@test "--network and --progress values are checked, naming the value" {
	run_split "$CBUILD" --network bridge .
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *'check --network: `bridge` is neither host nor none'* ]]

	run_split "$CBUILD" --progress auto .
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'check --progress: `auto` is neither plain nor tty'* ]]
}

@test "--store, then CIMAGE_STORE, then the default choose the store" {
	run_split env CIMAGE_STORE=/env/store "$CBUILD" --debug --store /flag/store .
	[[ "$stderr" == *'store `/flag/store`'* ]]

	run_split env CIMAGE_STORE=/env/store "$CBUILD" --debug .
	[[ "$stderr" == *'store `/env/store`'* ]]

	if [ "$(id -u)" -eq 0 ]; then
		run_split env -u CIMAGE_STORE "$CBUILD" --debug .
		[[ "$stderr" == *'store `/var/lib/cimage`'* ]]
	else
		run_split env -u CIMAGE_STORE -u XDG_DATA_HOME HOME=/home/u "$CBUILD" --debug .
		[[ "$stderr" == *'store `/home/u/.local/share/cimage`'* ]]
	fi
}
