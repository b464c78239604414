#!/usr/bin/env bats
# cruntime update: new cgroup limits for a live container (runc 1.1's flags,
# -r FILE|-), read back from the cgroup files (v1 here, pure v2 in the VM) and
# from the stored config.

load ../lib/helpers
load ../lib/resources

setup() {
	requires root jq
	setup_bundle
	CGNAME="ct-test-resources-$BATS_TEST_NUMBER-$$"
	update_config --arg p "/$CGNAME" '.linux.cgroupsPath = $p | .process.args = ["/testinit", "pause"]
		| .linux.resources.memory = {limit: 104857600} | .linux.resources.pids = {limit: 50}'
}

teardown() {
	resources_teardown
}

stored() {
	jq -c "$1" "$ROOT/c1/config.json"
}

@test "update memory, cpu and pids of a running container" {
	ct_run_d c1
	sane_run cruntime update --memory 512m --memory-reservation 256m --cpu-share 1024 \
		--cpu-period 200000 --cpu-quota 40000 --pids-limit 99 c1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(cg_read memory memory.limit_in_bytes memory.max)" = 536870912 ]
	[ "$(cg_read memory memory.soft_limit_in_bytes memory.low)" = 268435456 ]
	[ "$(cg_read pids pids.max pids.max)" = 99 ]
	if cg_v2; then
		[ "$(cg_read cpu - cpu.max)" = "40000 200000" ]
		[ "$(cg_read cpu - cpu.weight)" = 39 ]
	else
		[ "$(cg_read cpu cpu.shares -)" = 1024 ]
		[ "$(cg_read cpu cpu.cfs_period_us -)" = 200000 ]
		[ "$(cg_read cpu cpu.cfs_quota_us -)" = 40000 ]
	fi
	# the stored config follows, untouched fields kept
	[ "$(stored .linux.resources.memory)" = '{"limit":536870912,"reservation":268435456}' ]
	[ "$(stored .linux.resources.pids.limit)" = 99 ]
	[ "$(stored .linux.resources.cpu)" = '{"shares":1024,"quota":40000,"period":200000}' ]
	[ "$(stored .process.args)" = '["/testinit","pause"]' ]
	# and a second update starts from it
	cruntime update --pids-limit -1 c1
	[ "$(cg_read pids pids.max pids.max)" = max ]
	[ "$(stored .linux.resources.memory.limit)" = 536870912 ]
	# exec still works with the rewritten config
	sane_run cruntime exec c1 /testinit echo hi
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
}

@test "update: byte units as runc, -1 unlimited, 0 unchanged" {
	ct_run_d c1
	cruntime update --memory 1G c1
	[ "$(cg_read memory memory.limit_in_bytes memory.max)" = 1073741824 ]
	cruntime update --memory '64 MiB' c1
	[ "$(cg_read memory memory.limit_in_bytes memory.max)" = 67108864 ]
	cruntime update --memory 0 c1
	[ "$(cg_read memory memory.limit_in_bytes memory.max)" = 67108864 ]
	cruntime update --memory -1 c1
	if cg_v2; then
		[ "$(cg_read memory - memory.max)" = max ]
	else
		[ "$(cg_read memory memory.limit_in_bytes -)" = 9223372036854771712 ]
	fi
}

@test "update -r FILE (the flags are then ignored, as runc)" {
	ct_run_d c1
	echo '{"memory": {"limit": 209715200}, "pids": {"limit": 77}}' >"$BUNDLE/res.json"
	sane_run cruntime update -r "$BUNDLE/res.json" --pids-limit 88 c1
	[ "$status" -eq 0 ]
	[ "$(cg_read memory memory.limit_in_bytes memory.max)" = 209715200 ]
	[ "$(cg_read pids pids.max pids.max)" = 77 ]
	[ "$(stored .linux.resources.pids.limit)" = 77 ]
}

@test "update -r - reads stdin" {
	ct_run_d c1
	sane_run bash -c "echo '{\"pids\": {\"limit\": 66}}' | \"$CRUNTIME\" --root \"$ROOT\" update -r - c1"
	[ "$status" -eq 0 ]
	[ "$(cg_read pids pids.max pids.max)" = 66 ]
}

@test "update of a created container" {
	ct_create c1
	cruntime update --pids-limit 12 c1
	[ "$(cg_read pids pids.max pids.max)" = 12 ]
}

@test "update: bad flag values name the flag" {
	ct_run_d c1
	for args in "--memory x" "--memory 1.2.3" "--memory-swap 5q" "--cpu-quota x" "--cpu-share -1" \
		"--cpu-period 1.5" "--pids-limit x" "--blkio-weight 70000"; do
		set -- $args
		sane_run cruntime update "$1" "$2" c1
		[ "$status" -ne 0 ]
		[[ "$output" == *"invalid value \`$2\` for flag $1"* ]]
		[ "$(echo "$output" | wc -l)" -eq 1 ]
	done
	# nothing changed
	[ "$(cg_read pids pids.max pids.max)" = 50 ]
}

@test "update: a bad -r document names the file and the path" {
	ct_run_d c1
	echo '{"pids": {"limit": "x"}}' >"$BUNDLE/res.json"
	sane_run cruntime update -r "$BUNDLE/res.json" c1
	[ "$status" -ne 0 ]
	[[ "$output" == *'res.json: `pids.limit`: not an int64'* ]]
	echo 'nonsense' >"$BUNDLE/res.json"
	sane_run cruntime update -r "$BUNDLE/res.json" c1
	[ "$status" -ne 0 ]
	[[ "$output" == *'res.json: invalid JSON'* ]]
	sane_run cruntime update -r "$BUNDLE/missing.json" c1
	[ "$status" -ne 0 ]
	[[ "$output" == *"open \`$BUNDLE/missing.json\`"* ]]
}

@test "update: an out-of-range value fails naming the field" {
	cg_v2 && skip "v1 swappiness"
	ct_run_d c1
	echo '{"memory": {"swappiness": 101}}' >"$BUNDLE/res.json"
	sane_run cruntime update -r "$BUNDLE/res.json" c1
	[ "$status" -ne 0 ]
	[[ "$output" == *'update `c1`: `memory.swappiness`: invalid memory swappiness value 101 (valid range is 0-100)'* ]]
}

@test "update of a nonexistent container" {
	sane_run cruntime update --memory 1m nope
	[ "$status" -ne 0 ]
	[[ "$output" == *"container does not exist"* ]]
}

@test "update of a stopped container" {
	update_config '.process.args = ["/testinit", "true"]'
	ct_run_d c1
	retry 50 0.1 status_is c1 stopped
	sane_run cruntime update --pids-limit 10 c1
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not running"* ]]
}

@test "update: usage" {
	sane_run cruntime update
	[ "$status" -ne 0 ]
	[[ "$output" == *'`update` requires exactly 1 argument'* ]]
	sane_run cruntime update --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--memory-swap"* ]]
	sane_run cruntime update --l3-cache-schema L3:0=f c1
	[ "$status" -ne 0 ]
}
