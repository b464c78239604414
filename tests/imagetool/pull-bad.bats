#!/usr/bin/env bats
# cimage pull against a registry that misbehaves (tests/helpers/badregistry.py):
# every bad answer is one clear line and a non-zero exit, and the store keeps
# nothing of it: no blob that does not match its name, no name, no temp file.

# shellcheck disable=SC2016  # messages quote their subject in backticks

load ../lib/helpers
load ../lib/registry

bats_require_minimum_version 1.5.0

setup_file() {
	command -v python3 >/dev/null || skip "test requires python3"
	badregistry_start
}

teardown_file() {
	registry_stop
}

setup() {
	[ -n "${BADREGISTRY:-}" ] || skip "no bad registry"
	export CIMAGE_STORE=$BATS_TEST_TMPDIR/store
}

# The store holds nothing but what a good pull would have left: every blob
# matches its name, no name points anywhere, tmp/ is empty.
store_clean() {
	local f
	[ -d "$CIMAGE_STORE" ] || return 0
	for f in "$CIMAGE_STORE"/blobs/sha256/*; do
		[ -e "$f" ] || continue
		[ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$(basename "$f")" ]
	done
	[ "$(jq '.manifests | length' "$CIMAGE_STORE/index.json")" -eq 0 ]
	[ -z "$(find "$CIMAGE_STORE/tmp" -type f)" ]
}

pull_fails() { # REPO MESSAGE
	run_split "$CIMAGE" -q pull "docker://$BADREGISTRY/$1:1"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"$2"* ]]
	store_clean
}

@test "a good image pulls (the bad registry itself works)" {
	run_split "$CIMAGE" -q pull "docker://$BADREGISTRY/good:1"
	[ "$status" -eq 0 ]
	[[ "$output" == sha256:* ]]
}

@test "a layer whose digest does not match is not stored" {
	pull_fails wrongdigest "digest mismatch"
}

@test "a layer longer or shorter than its descriptor is not stored" {
	pull_fails wrongsize "size mismatch"
	pull_fails short "size mismatch"
}

@test "a manifest over 4 MiB is refused, with or without Content-Length" {
	pull_fails bigmanifest "4 MiB"
	pull_fails bigstream "4 MiB"
}

@test "a manifest of an unknown media type is refused naming it" {
	pull_fails badtype "application/vnd.example.thing+json"
}

@test "a blob cut off mid-transfer is resumed with a Range request" {
	run_split "$CIMAGE" -q pull "docker://$BADREGISTRY/truncate:1"
	[ "$status" -eq 0 ]
	grep -q 'truncate/blobs/.* range=bytes=' "$BADREGISTRY_LOG"
	# the layer stored is the whole one
	run_split "$CIMAGE" inspect truncate:1
	[ "$status" -eq 0 ]
	[ "$(jq -r .Name <<<"$output")" = "$BADREGISTRY/truncate:1" ]
	layer=$(jq -r '.Layers[0]' <<<"$output")
	[ "sha256:$(sha256sum <"$CIMAGE_STORE/blobs/sha256/${layer#sha256:}" | cut -d' ' -f1)" = "$layer" ]
}

@test "a hung registry ends in an error, not a hang" {
	CIMAGE_STALL_TIMEOUT=1 pull_fails hang "$BADREGISTRY/hang:1"
}
