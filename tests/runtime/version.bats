#!/usr/bin/env bats
# cruntime --version: runc's shape, which engines parse.

load ../lib/helpers

@test "version: runc-shaped lines" {
	for flag in --version -v; do
		sane_run "$CRUNTIME" "$flag"
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" =~ ^cruntime\ version\ [0-9]+\.[0-9]+\.[0-9]+ ]]
		[[ "${lines[1]}" =~ ^commit:\ .+ ]]
		[ "${lines[2]}" = "spec: 1.3.0" ]
		[[ "${lines[3]}" =~ ^libseccomp:\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
		[ "${#lines[@]}" -eq 4 ]
	done
}
