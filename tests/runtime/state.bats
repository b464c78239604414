#!/usr/bin/env bats
# cruntime state: the runtime-spec state, status computed from the process.

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

@test "state: runc's keys and order; created, running, stopped with pid 0" {
	update_config '.process.args = ["/testinit", "pause"]'
	ct_create --pid-file "$BUNDLE/pid" ct1
	sane_run cruntime state ct1
	[ "$status" -eq 0 ]
	[ "$(jq -c 'keys_unsorted' <<<"$output")" = '["ociVersion","id","pid","status","bundle","rootfs","created","owner"]' ]
	[ "$(jq -r '.id + " " + .status + " " + (.pid | tostring) + " " + .bundle + " " + .rootfs + " [" + .owner + "]"' <<<"$output")" = "ct1 created $(cat "$BUNDLE/pid") $BUNDLE $BUNDLE/rootfs []" ]
	jq -e '.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$")' <<<"$output"
	local created
	created=$(jq -r .created <<<"$output")
	cruntime start ct1
	[ "$(ct_status ct1)" = running ]
	cruntime kill ct1 KILL
	retry 50 0.1 status_is ct1 stopped
	run cruntime state ct1
	[ "$(jq -r '(.pid | tostring) + " " + .created' <<<"$output")" = "0 $created" ]
}

@test "state: a reused pid is not the container (start time differs)" {
	ct_create ct1
	cruntime start ct1
	[ "$(ct_status ct1)" = running ]
	# as if the init had died and another process got its pid
	cp "$ROOT/ct1/init.start" "$BUNDLE/init.start"
	echo 1 >"$ROOT/ct1/init.start"
	[ "$(ct_status ct1)" = stopped ]
	run cruntime state ct1
	[ "$(jq -r .pid <<<"$output")" = 0 ]
	# the real start time again, so that teardown's delete -f kills it
	cp "$BUNDLE/init.start" "$ROOT/ct1/init.start"
	[ "$(ct_status ct1)" = running ]
}

@test "state: unknown and invalid ids" {
	sane_run cruntime state nope
	[ "$status" -eq 1 ]
	[[ "$output" == *"state \`nope\`: container does not exist"* ]]
	sane_run cruntime state ../x
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid id format: \`../x\`"* ]]
	sane_run cruntime state
	[ "$status" -eq 1 ]
	[[ "$output" == *"cruntime state ID"* ]]
}

@test "state: same document shape as runc" {
	requires runc
	ct_create ct1
	runc --root "$ROOT/runc" create -b "$BUNDLE" rc1 </dev/null >/dev/null 2>&1
	run runc --root "$ROOT/runc" state rc1
	local theirs=$output
	runc --root "$ROOT/runc" delete -f rc1
	rm -rf "$ROOT/runc"
	run cruntime state ct1
	[ "$(jq -c 'keys_unsorted' <<<"$output")" = "$(jq -c 'keys_unsorted' <<<"$theirs")" ]
	[ "$(jq -r '.status + .owner' <<<"$output")" = "$(jq -r '.status + .owner' <<<"$theirs")" ]
}
