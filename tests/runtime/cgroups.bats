#!/usr/bin/env bats
# The container's cgroup (cgroupfs driver, runc's rules): where create puts
# the init, exec's processes, the cgroup namespace and mount, delete, kill --all.
# Mode-aware (v1 / hybrid / v2): see tests/lib/cgroups.bash.

load ../lib/helpers
load ../lib/cgroups
bats_require_minimum_version 1.5.0

setup() {
	requires root jq
	setup_bundle
	# absolute: from each hierarchy's root; unique per test and run
	CG=/ct-test-cg-$BATS_TEST_NUMBER-$$/c
	update_config --arg cg "$CG" '.linux.cgroupsPath = $cg | .process.args = ["/testinit", "pause"]'
}

teardown() {
	teardown_bundle
	# setup skipped (not root): nothing of ours to clean, and an empty $CG
	# would name the root cgroup
	[ -n "${CG:-}" ] || return 0
	# what a failed kill --all left in our cgroup (no pid namespace)
	for p in $(cg_procs "$CG" 2>/dev/null); do
		kill -9 "$p" 2>/dev/null || true
	done
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -n "$(cg_procs "$CG" 2>/dev/null)" ] || break
		sleep 0.1
	done
	cg_cleanup "$CG"
	[ -z "${CGREL:-}" ] || cg_cleanup "$CGREL"
	[ -z "${CGID:-}" ] || cg_cleanup "" "$CGID"
}

init_pid() {
	cruntime state "$1" | jq -r .pid
}

@test "cgroups: an absolute cgroupsPath is the init's cgroup in every hierarchy" {
	ct_run_d ct1
	pid=$(init_pid ct1)
	cat "/proc/$pid/cgroup" >&2
	cg_check_proc "$pid" "$CG"
	cg_exists_all "$CG"
	# v1 and hybrid: the v1 hierarchies all hold it; v2: the single 0:: line
	if [ "$(cg_mode)" = v2 ]; then
		[ "$(cat "/proc/$pid/cgroup")" = "0::$CG" ]
	else
		[ "$(grep -c ":$CG\$" "/proc/$pid/cgroup")" -ge 4 ]
		for c in memory pids cpu freezer; do
			awk -F: -v c="$c" -v cg="$CG" '$2 ~ "(^|,)" c "(,|$)" && $3 == cg' "/proc/$pid/cgroup" | grep -q .
		done
	fi
	grep -qx "$pid" "$(cg_dir pids "$CG")/cgroup.procs"
}

@test "cgroups: a relative cgroupsPath lands under our own cgroup (v2: under its parent)" {
	CGREL=ct-test-cg-$BATS_TEST_NUMBER-$$/c
	update_config --arg cg "$CGREL" '.linux.cgroupsPath = $cg'
	ct_run_d ct1
	pid=$(init_pid ct1)
	cat /proc/self/cgroup "/proc/$pid/cgroup" >&2
	cg_check_proc "$pid" "$CGREL"
	cg_exists_all "$CGREL"
	cruntime delete -f ct1
	cg_absent_all "$CGREL"
}

@test "cgroups: without cgroupsPath the cgroup is the relative path ID" {
	CGID=ct-test-cg-$BATS_TEST_NUMBER-$$
	update_config 'del(.linux.cgroupsPath)'
	ct_run_d "$CGID"
	pid=$(init_pid "$CGID")
	cat "/proc/$pid/cgroup" >&2
	cg_check_proc "$pid" "" "$CGID"
	cruntime delete -f "$CGID"
	cg_absent_all "" "$CGID"
}

@test "cgroups: with a cgroup namespace the container sees its cgroup as /" {
	# (runc's spec has one already on v2)
	update_config '.linux.namespaces |= (map(select(.type != "cgroup")) + [{"type": "cgroup"}]) | .process.args = ["cat", "/proc/self/cgroup", "/proc/self/mountinfo"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	cgroup=$(echo "$output" | grep -E '^[0-9]+:[^ ]*:/')
	[ -n "$cgroup" ]
	[ -z "$(echo "$cgroup" | grep -v ':/$')" ]
	if [ "$(cg_mode)" = v2 ]; then
		[ "$cgroup" = "0::/" ]
	else
		# every v1 hierarchy is listed, each at /
		[ "$(echo "$cgroup" | grep -vc '^0::')" -eq "$(cg_keys | grep -c .)" ]
	fi
	# the cgroup file systems mounted inside show their root as /, read-only
	mounts=$(echo "$output" | awk '{ for (i = 7; i < NF && $i != "-"; i++) {} } $(i + 1) ~ /^cgroup2?$/')
	[ -n "$mounts" ]
	[ -z "$(echo "$mounts" | awk '$4 != "/" || $6 !~ /^ro(,|$)/')" ]
}

@test "cgroups: the default spec's cgroup mount is runc's (v1: one read-only bind per hierarchy)" {
	update_config '.process.args = ["cat", "/proc/self/mountinfo"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	# MOUNTPOINT ROOT OPTS FSTYPE of the cgroup mounts inside
	mounts=$(echo "$output" | awk '{ for (i = 7; i < NF && $i != "-"; i++) {} } $(i + 1) ~ /^cgroup2?$/ { print $5, $4, $6, $(i + 1) }' | sort)
	echo "$mounts" >&2
	[ -n "$mounts" ]
	# all read-only
	[ -z "$(echo "$mounts" | awk '$3 !~ /^ro(,|$)/')" ]
	if [ "$(cg_mode)" = v2 ]; then
		[ "$(echo "$mounts" | wc -l)" -eq 1 ]
		[ "$(echo "$mounts" | cut -d' ' -f1,4)" = "/sys/fs/cgroup cgroup2" ]
	else
		# one v1 mount per host hierarchy at /sys/fs/cgroup/NAME, showing the
		# container's own cgroup; no cgroup2 mount (runc mounts none on hybrid)
		want=$(cg_hierarchies | while IFS='|' read -r key mnt; do
			[ -n "$key" ] && echo "/sys/fs/cgroup/$(basename "$mnt") $CG cgroup"
		done | sort)
		[ "$(echo "$mounts" | cut -d' ' -f1,2,4)" = "$want" ]
	fi
	# /sys/fs/cgroup itself is a tmpfs on v1 (mounted before them)
	if [ "$(cg_mode)" != v2 ]; then
		echo "$output" | awk '{ for (i = 7; i < NF && $i != "-"; i++) {} } $5 == "/sys/fs/cgroup" && $(i + 1) == "tmpfs"' | grep -q .
	fi
}

@test "cgroups: exec'd processes join the container's cgroup" {
	# no cgroup namespace, so that both see the host's names
	update_config '.linux.namespaces |= map(select(.type != "cgroup"))'
	ct_run_d ct1
	pid=$(init_pid ct1)
	sane_run cruntime exec ct1 cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "/proc/$pid/cgroup")" ]
	cruntime exec -d --pid-file "$BUNDLE/exec.pid" ct1 /testinit pause
	epid=$(cat "$BUNDLE/exec.pid")
	cg_check_proc "$epid" "$CG"
	grep -qx "$epid" <(cg_procs "$CG")
}

@test "cgroups: on pure v2 the init and exec'd processes are born in their cgroup (clone3 CLONE_INTO_CGROUP)" {
	[ "$(cg_mode)" = v2 ] || skip "CLONE_INTO_CGROUP serves pure cgroup v2 hosts"
	"$CRUNTIME" --root "$ROOT" --debug --log "$BUNDLE/debug.log" run -d -b "$BUNDLE" ct1 \
		</dev/null >/dev/null 2>"$BUNDLE/err" || { cat "$BUNDLE/err" >&2; false; }
	pid=$(init_pid ct1)
	cg_check_proc "$pid" "$CG"
	grep -q "clone3: pid $pid born in its cgroup" "$BUNDLE/debug.log"
	"$CRUNTIME" --root "$ROOT" --debug --log "$BUNDLE/debug.log" exec -d --pid-file "$BUNDLE/exec.pid" ct1 \
		/testinit pause </dev/null >/dev/null 2>&1
	epid=$(cat "$BUNDLE/exec.pid")
	cg_check_proc "$epid" "$CG"
	grep -q "born in its cgroup" <(grep -v "pid $pid " "$BUNDLE/debug.log")
}

@test "cgroups: delete removes the cgroup in every hierarchy" {
	# created, then deleted
	ct_create ct1
	cg_exists_all "$CG"
	cruntime delete ct1
	cg_absent_all "$CG"
	# stopped by a signal, then deleted
	ct_run_d ct2
	cg_exists_all "$CG"
	cruntime kill ct2 KILL
	retry 50 0.1 status_is ct2 stopped
	cruntime delete ct2
	cg_absent_all "$CG"
	# running, delete -f
	ct_run_d ct3
	cg_exists_all "$CG"
	pid=$(init_pid ct3)
	cruntime delete -f ct3
	cg_absent_all "$CG"
	[ ! -e "/proc/$pid/cgroup" ] || grep -q '^State:.*Z' "/proc/$pid/status"
	# run in the foreground: gone once run returns
	update_config '.process.args = ["/testinit", "true"]'
	sane_run cruntime run -b "$BUNDLE" ct4
	[ "$status" -eq 0 ]
	cg_absent_all "$CG"
	[ -z "$(ls "$ROOT")" ]
}

# true when no process in "$@" is alive (gone or a zombie)
all_dead() {
	local p
	for p in "$@"; do
		[ -e "/proc/$p" ] || continue
		grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null || return 1
	done
	return 0
}

@test "cgroups: kill --all kills every process in the cgroup (shared pid namespace)" {
	# no pid namespace: only the cgroup can find the background sleepers
	update_config '.linux.namespaces |= map(select(.type != "pid")) | .process.args = ["sh", "-c", "sleep 1000 & sleep 1000 & exec /testinit pause"]'
	ct_run_d ct1
	retry 50 0.1 eval '[ "$(cg_procs "$CG" | wc -l)" -eq 3 ]'
	pids=$(cg_procs "$CG")
	echo "pids: $pids" >&2
	init=$(init_pid ct1)
	grep -qx "$init" <<<"$pids"
	sane_run cruntime kill --all ct1 KILL
	[ "$status" -eq 0 ]
	# shellcheck disable=SC2086
	retry 50 0.1 all_dead $pids
	retry 50 0.1 status_is ct1 stopped
	[ -z "$(cg_procs "$CG")" ]
	cruntime delete ct1
	cg_absent_all "$CG"
}

@test "cgroups: a memory limit is visible in the container's cgroup" {
	update_config '.linux.resources.memory.limit = 67108864'
	ct_run_d ct1
	sane_run cg_file memory "$CG" "$(cg_memory_limit_file)"
	[ "$output" = 67108864 ]
}

@test "cgroups: --systemd-cgroup without systemd is a clear error" {
	[ ! -d /run/systemd/system ] || skip "systemd runs on this host"
	update_config --arg cg "system.slice:ct-test:cg$$" '.linux.cgroupsPath = $cg'
	# files, not bats' pipes: a wrongly started init would keep them open
	status=0
	"$CRUNTIME" --root "$ROOT" --systemd-cgroup run -d -b "$BUNDLE" ct1 </dev/null >"$BUNDLE/out" 2>"$BUNDLE/err" || status=$?
	output=$(cat "$BUNDLE/err")
	echo "status=$status: $output" >&2
	[ "$status" -ne 0 ]
	[ "$(echo "$output" | grep -c .)" -eq 1 ]
	[[ "$output" == *systemd* ]]
	[ ! -e "$(cg_dir memory /system.slice/ct-test-cg$$.scope)" ]
	[ -z "$(ls "$ROOT")" ]
}

# mkdir cgroup PATH/SUB in every hierarchy (v1 cpuset: with its parent's cpus and mems)
mk_sub() {
	local key mnt
	while IFS='|' read -r key mnt; do
		mkdir -p "$mnt$CG/$1"
		if [[ ,$key, == *,cpuset,* ]]; then
			cat "$mnt$CG/cpuset.cpus" >"$mnt$CG/$1/cpuset.cpus"
			cat "$mnt$CG/cpuset.mems" >"$mnt$CG/$1/cpuset.mems"
		fi
	done < <(cg_hierarchies)
}

@test "cgroups: exec --cgroup runs the process in a sub-cgroup (runc 1.1's forms)" {
	ct_run_d ct1
	mk_sub sub
	# PATH alone: every hierarchy
	sane_run cruntime exec --cgroup sub ct1 cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c ":$CG/sub\$")" -eq "$(cg_keys | wc -l)" ]
	if [ "$(cg_mode)" != v2 ]; then
		# CONTROLLERS:PATH: only those; the others stay in the container's cgroup
		sane_run cruntime exec --cgroup pids,memory:sub ct1 cat /proc/self/cgroup
		[ "$status" -eq 0 ]
		[ "$(echo "$output" | grep -c ":$CG/sub\$")" -eq 2 ]
		echo "$output" | grep -q ":pids:$CG/sub\$"
		echo "$output" | grep -q ":freezer:$CG\$"
	else
		sane_run cruntime exec --cgroup pids:sub ct1 true
		[ "$status" -eq 255 ]
		[[ "$output" == *"no <controller>: prefix on cgroup v2"* ]]
	fi
	# ".." cannot leave the container's cgroup: it is the container's own then
	sane_run cruntime exec --cgroup ../../.. ct1 cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c ":$CG\$")" -eq "$(cg_keys | wc -l)" ]
	# bad arguments, runc's words; a missing sub-cgroup names it
	sane_run cruntime exec --cgroup a:b:c ct1 true
	[ "$status" -eq 255 ]
	[[ "$output" == *"invalid --cgroup argument: a:b:c"* ]]
	sane_run cruntime exec --cgroup x --cgroup y ct1 true
	[ "$status" -eq 255 ]
	[[ "$output" == *"missing <controller>: prefix"* ]]
	sane_run cruntime exec --cgroup nosuch ct1 true
	[ "$status" -eq 255 ]
	[[ "$output" == *"--cgroup \`nosuch\`"* ]]
	cruntime delete -f ct1
}
