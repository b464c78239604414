#!/usr/bin/env bats
# cruntime spec: runc's default config.json, atomically, never overwriting.

load ../lib/helpers

SCHEMA_DIR="$CT_SRCDIR/../shared/reference/runtime-spec/schema"

setup() {
	DIR=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ct-spec.XXXXXX")
}

teardown() {
	rm -rf "$DIR"
}

# The same document as runc's apart from ociVersion.
same_as_runc() {
	local ours=$1 theirs=$2
	diff -u <(jq -S 'del(.ociVersion)' "$theirs") <(jq -S 'del(.ociVersion)' "$ours")
}

@test "spec writes runc's default config" {
	requires runc jq
	mkdir "$DIR/ours" "$DIR/runc"
	cd "$DIR/ours"
	sane_run "$CRUNTIME" spec
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	(cd "$DIR/runc" && runc spec)
	same_as_runc "$DIR/ours/config.json" "$DIR/runc/config.json"
	[ "$(jq -r .ociVersion "$DIR/ours/config.json")" = "1.3.0" ]
	# no temporary file left behind
	[ "$(ls -A "$DIR/ours")" = "config.json" ]
}

@test "spec --rootless matches runc spec --rootless" {
	requires runc jq
	mkdir "$DIR/ours" "$DIR/runc"
	sane_run "$CRUNTIME" spec --rootless -b "$DIR/ours"
	[ "$status" -eq 0 ]
	runc spec --rootless -b "$DIR/runc"
	same_as_runc "$DIR/ours/config.json" "$DIR/runc/config.json"
	# the caller's ids are the ones mapped to root
	[ "$(jq '.linux.uidMappings[0].hostID' "$DIR/ours/config.json")" -eq "$(id -u)" ]
	[ "$(jq '.linux.gidMappings[0].hostID' "$DIR/ours/config.json")" -eq "$(id -g)" ]
	[ "$(jq -r '.linux.namespaces[-1].type' "$DIR/ours/config.json")" = user ]
}

@test "spec --bundle writes into the bundle directory" {
	sane_run "$CRUNTIME" spec --bundle "$DIR"
	[ "$status" -eq 0 ]
	[ -f "$DIR/config.json" ]
	rm "$DIR/config.json"
	sane_run "$CRUNTIME" spec -b "$DIR"
	[ "$status" -eq 0 ]
	[ -f "$DIR/config.json" ]
}

@test "spec refuses to overwrite an existing config.json" {
	echo '{"keep": "me"}' >"$DIR/config.json"
	sane_run "$CRUNTIME" spec -b "$DIR"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"File config.json exists. Remove it first"* ]]
	[ "$(cat "$DIR/config.json")" = '{"keep": "me"}' ]
	# a dangling symlink counts as existing too
	rm "$DIR/config.json"
	ln -s nowhere "$DIR/config.json"
	sane_run "$CRUNTIME" spec -b "$DIR"
	[ "$status" -eq 1 ]
	[[ "$output" == *"File config.json exists. Remove it first"* ]]
	[ ! -e "$DIR/nowhere" ]
}

@test "spec fails on a missing bundle directory" {
	sane_run "$CRUNTIME" spec -b "$DIR/missing"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"open bundle \`$DIR/missing\`"*"No such file or directory"* ]]
	[ ! -e "$DIR/missing" ]
}

@test "spec rejects arguments and unknown flags" {
	sane_run "$CRUNTIME" spec extra
	[ "$status" -eq 1 ]
	[[ "$output" == *"\`spec\` requires exactly 0 arguments"* ]]
	sane_run "$CRUNTIME" spec --bogus
	[ "$status" -eq 1 ]
	[[ "$output" == *"flag provided but not defined: --bogus"* ]]
	sane_run "$CRUNTIME" spec -b
	[ "$status" -eq 1 ]
	[[ "$output" == *"flag needs an argument: -b"* ]]
	[ -z "$(ls -A "$DIR")" ]
}

@test "spec output validates against the runtime-spec schema" {
	requires jsonschema
	[ -d "$SCHEMA_DIR" ] || skip "runtime-spec schema not found at $SCHEMA_DIR (distcheck tree?)"
	mkdir "$DIR/root" "$DIR/rootless"
	"$CRUNTIME" spec -b "$DIR/root"
	"$CRUNTIME" spec --rootless -b "$DIR/rootless"
	sane_run /usr/bin/python3 -W ignore "$CT_SRCDIR/tests/lib/validate-schema.py" "$SCHEMA_DIR" config-schema.json \
		"$DIR/root/config.json" "$DIR/rootless/config.json" "$FIXTURES/full-config.json"
	[ "$status" -eq 0 ]
	# and the validator can fail
	echo '{"ociVersion": "1.3.0", "process": {"cwd": "/", "user": {"uid": -1}}}' >"$DIR/bad.json"
	sane_run /usr/bin/python3 -W ignore "$CT_SRCDIR/tests/lib/validate-schema.py" "$SCHEMA_DIR" config-schema.json \
		"$DIR/bad.json"
	[ "$status" -eq 1 ]
	[[ "$output" == *"process/user/uid"* ]]
}
