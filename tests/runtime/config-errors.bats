#!/usr/bin/env bats
# Malformed config.json: `run` fails before creating anything, with one line
# naming the culprit.  Cases: tests/fixtures/bad-configs/NN-name.json, the
# expected message substring in NN-name.expect.

load ../lib/helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
}

# Run the bundle's config as container $1; check exit status, a single
# stderr line containing $2, and no state left under $ROOT.
expect_failure() {
	local id=$1 expect=$2 err
	err="$BATS_TEST_TMPDIR/stderr"
	"$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" "$id" >/dev/null 2>"$err" </dev/null && {
		echo "$id: accepted" >&2
		return 1
	}
	if [ "$(wc -l <"$err")" -ne 1 ]; then
		echo "$id: stderr is not one line:" >&2
		cat "$err" >&2
		return 1
	fi
	# the file is always named, then the culprit
	if ! grep -qF -- "config.json: " "$err" || ! grep -qF -- "$expect" "$err"; then
		echo "$id: \"$(cat "$err")\" lacks \"$expect\"" >&2
		return 1
	fi
	if [ -n "$(ls -A "$ROOT")" ]; then
		echo "$id: state left in $ROOT: $(ls -A "$ROOT")" >&2
		return 1
	fi
}

@test "every malformed config fails with one line naming the culprit" {
	local f name failed=0 n=0
	for f in "$FIXTURES"/bad-configs/*.expect; do
		name=$(basename "$f" .expect)
		cp "$FIXTURES/bad-configs/$name.json" "$BUNDLE/config.json"
		n=$((n + 1))
		expect_failure "c$n" "$(head -n1 "$f")" || failed=$((failed + 1))
	done
	echo "$n cases, $failed failed" >&2
	[ "$n" -ge 25 ]
	[ "$failed" -eq 0 ]
}

@test "a 5 MiB config.json is refused" {
	head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$BUNDLE/config.json"
	expect_failure big "config.json: document too large"
}

@test "the base of the malformed cases is accepted by the decoder" {
	# guards the fixtures: each case breaks one thing in this document
	requires root
	[ -x "$BUNDLE/rootfs/testinit" ] || skip "testinit not built"
	cp "$FIXTURES/minimal-config.json" "$BUNDLE/config.json"
	run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" good
	[[ "$output" != *"config.json:"* ]]
	# and it really runs: a missing binary or a broken base would not get here
	[ "$status" -eq 0 ]
}

@test "a config.json that is a FIFO or a directory is refused without hanging" {
	rm "$BUNDLE/config.json"
	mkfifo "$BUNDLE/config.json"
	# a FIFO with no writer: a naive open() would block forever
	run timeout 10 "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" fifo
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.json: not a regular file"* ]]
	rm "$BUNDLE/config.json"
	mkdir "$BUNDLE/config.json"
	expect_failure dir "config.json: not a regular file"
	rmdir "$BUNDLE/config.json"
	run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" missing
	[ "$status" -eq 1 ]
	[[ "$output" == *"open \`$BUNDLE/config.json\`: No such file or directory"* ]]
	[ -z "$(ls -A "$ROOT")" ]
}
