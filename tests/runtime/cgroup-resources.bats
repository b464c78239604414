#!/usr/bin/env bats
# linux.resources written to the container's cgroup at create (runtime-spec
# config-linux.md "Control groups"; runc 1.1's fs/fs2 values).  Every test uses
# its own absolute cgroupsPath, so no foreign cgroup is touched, and reads the
# files back through cg_file, which knows v1 (this hybrid host) and pure v2.

load ../lib/helpers
load ../lib/resources

setup() {
	requires root jq
	setup_bundle
	CGNAME="ct-test-resources-$BATS_TEST_NUMBER-$$"
	update_config --arg p "/$CGNAME" '.linux.cgroupsPath = $p | .process.args = ["/testinit", "pause"]'
}

teardown() {
	resources_teardown
}

# `run -d` whose outcome the test checks (sane_run try_run_d ID): the init
# gets files, never bats' pipes, so an unexpected success cannot hang the
# suite; prints cruntime's stderr.
try_run_d() {
	local rc=0
	"$CRUNTIME" --root "$ROOT" run -d -b "$BUNDLE" "$@" </dev/null >"$BUNDLE/out" 2>"$BUNDLE/err" || rc=$?
	cat "$BUNDLE/err"
	return $rc
}

@test "memory: limit, reservation, swap and swappiness" {
	update_config '.linux.resources.memory = {limit: 104857600, reservation: 52428800, swap: 209715200, swappiness: 30}'
	ct_run_d c1
	[ "$(cg_read memory memory.limit_in_bytes memory.max)" = 104857600 ]
	[ "$(cg_read memory memory.soft_limit_in_bytes memory.low)" = 52428800 ]
	if cg_v2; then
		# memory.swap.max holds swap alone: 200M - 100M (no swap accounting: absent)
		f=$(cg_file memory - memory.swap.max)
		[ ! -f "$f" ] || [ "$(cat "$f")" = 104857600 ]
	else
		f=$(cg_file memory memory.memsw.limit_in_bytes -)
		[ ! -f "$f" ] || [ "$(cat "$f")" = 209715200 ]
		[ "$(cg_read memory memory.swappiness -)" = 30 ]
	fi
}

@test "memory: -1 is unlimited" {
	update_config '.linux.resources.memory = {limit: -1}'
	ct_run_d c1
	if cg_v2; then
		[ "$(cg_read memory - memory.max)" = max ]
	else
		[ "$(cg_read memory memory.limit_in_bytes -)" = 9223372036854771712 ]
	fi
}

@test "memory: disableOOMKiller (v1 memory.oom_control)" {
	cg_v2 && skip "cgroup v2 has no OOM killer switch (ignored, as runc)"
	update_config '.linux.resources.memory = {limit: 104857600, disableOOMKiller: true}'
	ct_run_d c1
	grep -qx 'oom_kill_disable 1' "$(cg_file memory memory.oom_control -)"
}

@test "memory: swappiness above 100 fails naming the field" {
	cg_v2 && skip "swappiness is ignored on cgroup v2 (as runc)"
	update_config '.linux.resources.memory = {swappiness: 101}'
	sane_run try_run_d c1
	[ "$status" -ne 0 ]
	[[ "$output" == *'config.json: `linux.resources.memory.swappiness`: invalid memory swappiness value 101 (valid range is 0-100)'* ]]
	[ "$(echo "$output" | wc -l)" -eq 1 ]
}

@test "cpu: shares, quota, period, cpuset" {
	update_config '.linux.resources.cpu = {shares: 512, quota: 50000, period: 100000, cpus: "0", mems: "0"}'
	ct_run_d c1
	if cg_v2; then
		# runc's conversion: 1 + ((512 - 2) * 9999) / 262142 = 20
		[ "$(cg_read cpu - cpu.weight)" = 20 ]
		[ "$(cg_read cpu - cpu.max)" = "50000 100000" ]
	else
		[ "$(cg_read cpu cpu.shares -)" = 512 ]
		[ "$(cg_read cpu cpu.cfs_quota_us -)" = 50000 ]
		[ "$(cg_read cpu cpu.cfs_period_us -)" = 100000 ]
	fi
	[ "$(cg_read cpuset cpuset.cpus cpuset.cpus)" = 0 ]
	[ "$(cg_read cpuset cpuset.mems cpuset.mems)" = 0 ]
}

@test "cpu: quota -1 is unlimited" {
	update_config '.linux.resources.cpu = {quota: -1, period: 200000}'
	ct_run_d c1
	if cg_v2; then
		[ "$(cg_read cpu - cpu.max)" = "max 200000" ]
	else
		[ "$(cg_read cpu cpu.cfs_quota_us -)" = -1 ]
		[ "$(cg_read cpu cpu.cfs_period_us -)" = 200000 ]
	fi
}

@test "pids: limit, and -1 is max" {
	update_config '.linux.resources.pids = {limit: 42}'
	ct_run_d c1
	[ "$(cg_read pids pids.max pids.max)" = 42 ]
	cruntime delete -f c1
	update_config '.linux.resources.pids = {limit: -1}'
	ct_run_d c2
	[ "$(cg_read pids pids.max pids.max)" = max ]
}

@test "blockIO: weight (bfq files when the CFQ ones are gone)" {
	update_config '.linux.resources.blockIO = {weight: 300}'
	ct_run_d c1
	if cg_v2; then
		if [ -f "$(cg_file - - io.bfq.weight)" ]; then
			grep -q '^default 300$' "$(cg_file - - io.bfq.weight)"
		elif [ -f "$(cg_file - - io.weight)" ]; then
			# 1 + (300 - 10) * 9999 / 990 = 2930
			grep -q '^default 2930$' "$(cg_file - - io.weight)"
		else
			skip "no io weight file on this host"
		fi
	else
		if [ -f "$(cg_file blkio blkio.weight -)" ]; then
			[ "$(cg_read blkio blkio.weight -)" = 300 ]
		else
			[ "$(cg_read blkio blkio.bfq.weight -)" = 300 ]
		fi
	fi
}

@test "a field whose controller is missing fails naming the field" {
	grep -qw net_cls /proc/self/cgroup && skip "net_cls is mounted here"
	update_config '.linux.resources.network = {classID: 1048577}'
	sane_run try_run_d c1
	[ "$status" -ne 0 ]
	[[ "$output" == *'config.json: `linux.resources.network.classID`: the net_cls controller is not available'* ]]
	[ "$(echo "$output" | wc -l)" -eq 1 ]
	# nothing is left behind
	[ ! -d "$ROOT/c1" ]
}

@test "absent fields need no controller" {
	grep -qw net_cls /proc/self/cgroup && skip "net_cls is mounted here"
	update_config '.linux.resources.network = {} | .linux.resources.pids = {limit: 0}'
	ct_run_d c1
	status_is c1 running
}

@test "unified: refused on cgroup v1, written as is on v2" {
	update_config '.linux.resources.unified = {"pids.max": "17"}'
	if cg_v2; then
		ct_run_d c1
		[ "$(cg_read - - pids.max)" = 17 ]
	else
		sane_run try_run_d c1
		[ "$status" -ne 0 ]
		[[ "$output" == *'config.json: `linux.resources.unified`: cannot use unified on cgroup v1'* ]]
	fi
}

@test "unified: keys that are not plain controller files are refused" {
	cg_v2 || skip "unified needs cgroup v2"
	for k in ../pids.max cgroup.procs cgroup.subtree_control nodot; do
		update_config --arg k "$k" '.linux.resources.unified = {($k): "1"}'
		sane_run try_run_d c1
		[ "$status" -ne 0 ]
		[[ "$output" == *"config.json: \`linux.resources.unified.$k\`: "* ]]
	done
}

@test "realtime cpu: written on v1, refused on v2" {
	update_config '.linux.resources.cpu = {realtimeRuntime: 1000, realtimePeriod: 1000000}'
	if cg_v2; then
		sane_run try_run_d c1
		[ "$status" -ne 0 ]
		[[ "$output" == *'config.json: `linux.resources.cpu.realtimeRuntime`: realtime scheduling is not supported on cgroup v2'* ]]
	else
		sane_run try_run_d c1
		# the kernel may have no RT group budget to give (EINVAL): then the
		# error names the file
		if [ "$status" -eq 0 ]; then
			[ "$(cg_read cpu cpu.rt_runtime_us -)" = 1000 ]
		else
			[[ "$output" == *'cpu.rt_runtime_us'* ]]
		fi
	fi
}
