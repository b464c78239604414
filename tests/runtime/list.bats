#!/usr/bin/env bats
# cruntime list: the containers under --root, as runc prints them.

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

@test "list: nothing yet: the header, json null, no ids; a missing root too" {
	sane_run cruntime list
	[ "$status" -eq 0 ]
	[ "$output" = "ID          PID         STATUS      BUNDLE      CREATED     OWNER" ]
	sane_run cruntime list -f json
	[ "$status" -eq 0 ]
	[ "$output" = "null" ]
	sane_run cruntime list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	sane_run "$CRUNTIME" --root "$ROOT/missing" list --format json
	[ "$status" -eq 0 ]
	[ "$output" = "null" ]
}

@test "list: table columns as Go's tabwriter aligns them, json and quiet" {
	ct_create b22
	ct_create a1
	cruntime start b22
	local pa pb ca cb bw cw
	pa=$(cruntime state a1 | jq -r .pid)
	pb=$(cruntime state b22 | jq -r .pid)
	ca=$(cruntime state a1 | jq -r .created)
	cb=$(cruntime state b22 | jq -r .created)
	# min width 12, padding 3; the last column is not padded
	bw=$((${#BUNDLE} + 3 > 12 ? ${#BUNDLE} + 3 : 12))
	cw=$((${#ca} > ${#cb} ? ${#ca} + 3 : ${#cb} + 3))
	sane_run cruntime list
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf "%-12s%-12s%-12s%-${bw}s%-${cw}s%s" ID PID STATUS BUNDLE CREATED OWNER)" ]
	[ "${lines[1]}" = "$(printf "%-12s%-12s%-12s%-${bw}s%-${cw}s%s" a1 "$pa" created "$BUNDLE" "$ca" root)" ]
	[ "${lines[2]}" = "$(printf "%-12s%-12s%-12s%-${bw}s%-${cw}s%s" b22 "$pb" running "$BUNDLE" "$cb" root)" ]
	[ "${#lines[@]}" -eq 3 ]
	sane_run cruntime list -q
	[ "$output" = "$(printf 'a1\nb22')" ]
	sane_run cruntime list -f json
	[ "$status" -eq 0 ]
	[ "$(jq -r 'map(.id + ":" + .status + ":" + .owner) | join(" ")' <<<"$output")" = "a1:created:root b22:running:root" ]
	[ "$(jq -c '.[0] | keys_unsorted' <<<"$output")" = '["ociVersion","id","pid","status","bundle","rootfs","created","owner"]' ]
	cruntime kill b22 KILL
	retry 50 0.1 status_is b22 stopped
	sane_run cruntime list -f json
	[ "$(jq -r '.[1].status + " " + (.[1].pid | tostring)' <<<"$output")" = "stopped 0" ]
}

@test "list: a bad format is refused, naming it" {
	sane_run cruntime list -f xml
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid format option \`xml\`"* ]]
	sane_run cruntime list extra
	[ "$status" -eq 1 ]
	[[ "$output" == *"cruntime list"* ]]
}
