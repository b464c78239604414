#!/usr/bin/env bats
# runtime-spec hooks: order, state on stdin, namespaces, failures, timeout.

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	requires root jq
	setup_bundle
	update_config '.process.args = ["/testinit", "pause"]'
	mkdir "$BUNDLE/hooklog"
	LOG=$BUNDLE/hooklog/log
	# the container's hooks write into the same directory
	update_config --arg src "$BUNDLE/hooklog" \
		'.mounts += [{destination: "/hooklog", type: "bind", source: $src, options: ["rbind", "rw"]}]'
	# On the host: one line per call: kind, status and pid from the state on
	# stdin, the mount namespace, then its argv and environment.
	cat >"$BUNDLE/hook.sh" <<-EOS
		#!/bin/sh
		st=\$(cat)
		echo "\$1 \$(echo "\$st" | jq -r '.status + " " + (.pid | tostring) + " " + .id + " " + .bundle') \$(readlink /proc/self/ns/mnt)" >>"$LOG"
		echo "\$1 argv=\$0|\$*|\$# env=\$(env | grep -v '^PWD=' | sort | tr '\n' ' ')" >>"$LOG.args"
	EOS
	chmod +x "$BUNDLE/hook.sh"
	# In the rootfs: startContainer runs inside the container.
	cat >"$BUNDLE/rootfs/chook.sh" <<-'EOS'
		#!/bin/sh
		cat >/hooklog/start.json
		echo "$1 $(readlink /proc/self/ns/mnt) $(cat /etc/hostname-marker 2>/dev/null)" >>/hooklog/log
	EOS
	chmod +x "$BUNDLE/rootfs/chook.sh"
	echo inside >"$BUNDLE/rootfs/etc/hostname-marker"
	HOSTNS=$(readlink /proc/self/ns/mnt)
}

teardown() {
	teardown_bundle
}

# hook KIND [PATH]: the JSON of one hook that logs as KIND
hook() {
	jq -n -c --arg p "${2:-$BUNDLE/hook.sh}" --arg k "$1" \
		'{path: $p, args: ["hook.sh", $k, "a b"], env: ["PATH=/usr/bin:/bin", "HOOK_ENV=x y"]}'
}

# all_hooks: every kind once, in the config
all_hooks() {
	update_config --argjson pre "$(hook prestart)" --argjson cr "$(hook createRuntime)" \
		--argjson cc "$(hook createContainer)" --argjson sc "$(hook startContainer /chook.sh)" \
		--argjson ps "$(hook poststart)" --argjson pst "$(hook poststop)" \
		'.hooks = {prestart: [$pre], createRuntime: [$cr], createContainer: [$cc],
		           startContainer: [$sc], poststart: [$ps], poststop: [$pst]}'
}

@test "hooks: create, start, delete run every kind in order with the right state" {
	all_hooks
	ct_create --pid-file "$BUNDLE/pid" ct1
	local pid ctns
	pid=$(cat "$BUNDLE/pid")
	ctns=$(readlink /proc/"$pid"/ns/mnt)
	[ "$ctns" != "$HOSTNS" ]
	sane_run cat "$LOG"
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "prestart creating $pid ct1 $BUNDLE $HOSTNS" ]
	[ "${lines[1]}" = "createRuntime creating $pid ct1 $BUNDLE $HOSTNS" ]
	# in the container's mount namespace, but the path was the host's
	[ "${lines[2]}" = "createContainer creating $pid ct1 $BUNDLE $ctns" ]

	sane_run cruntime start ct1
	[ "$status" -eq 0 ]
	sane_run cat "$LOG"
	[ "${#lines[@]}" -eq 5 ]
	# inside the container: its root (a file of the rootfs), after start
	[ "${lines[3]}" = "startContainer $ctns inside" ]
	[ "$(jq -r '.status + " " + (.pid | tostring) + " " + .id' "$BUNDLE/hooklog/start.json")" = "created $pid ct1" ]
	[ "${lines[4]}" = "poststart running $pid ct1 $BUNDLE $HOSTNS" ]
	[ "$(ct_status ct1)" = running ]

	cruntime kill ct1 KILL
	retry 50 0.1 status_is ct1 stopped
	sane_run cruntime delete ct1
	[ "$status" -eq 0 ]
	sane_run cat "$LOG"
	[ "${#lines[@]}" -eq 6 ]
	[ "${lines[5]}" = "poststop stopped 0 ct1 $BUNDLE $HOSTNS" ]
	[ ! -e "$ROOT/ct1" ]
}

@test "hooks: args and env are exactly the configured ones" {
	all_hooks
	update_config '.hooks.poststop = [{path: .hooks.poststop[0].path}]'
	# a script's $0 is its path: argv[0] is seen in /proc of a direct exec
	update_config --arg f "$LOG.argv0" \
		'.hooks.prestart += [{path: "/bin/sh", args: ["custom-argv0", "-c", "tr \"\\\\0\" \"|\" </proc/$$/cmdline >\($f)"]}]'
	ct_create ct1
	cruntime start ct1
	cruntime delete -f ct1
	sane_run cat "$LOG.args"
	local h=$BUNDLE/hook.sh
	[ "${lines[0]}" = "prestart argv=$h|prestart a b|2 env=HOOK_ENV=x y PATH=/usr/bin:/bin " ]
	[ "${lines[1]}" = "createRuntime argv=$h|createRuntime a b|2 env=HOOK_ENV=x y PATH=/usr/bin:/bin " ]
	[ "${lines[2]}" = "createContainer argv=$h|createContainer a b|2 env=HOOK_ENV=x y PATH=/usr/bin:/bin " ]
	[ "${lines[3]}" = "poststart argv=$h|poststart a b|2 env=HOOK_ENV=x y PATH=/usr/bin:/bin " ]
	# no args: argv = [path]; no env: empty (dash adds only PWD)
	[ "${lines[4]}" = " argv=$h||0 env=" ]
	[[ "$(cat "$LOG.argv0")" == "custom-argv0|-c|tr "* ]]
}

@test "hooks: run -d runs all but poststop, delete runs poststop" {
	all_hooks
	ct_run_d --pid-file "$BUNDLE/pid" ct1
	local pid
	pid=$(cat "$BUNDLE/pid")
	sane_run cut -d' ' -f1-3 "$LOG"
	[ "$output" = "prestart creating $pid
createRuntime creating $pid
createContainer creating $pid
startContainer $(readlink /proc/"$pid"/ns/mnt) inside
poststart running $pid" ]
	[ "$(ct_status ct1)" = running ]
	sane_run cruntime delete -f ct1
	[ "$status" -eq 0 ]
	[ "$(tail -n1 "$LOG" | cut -d' ' -f1-3)" = "poststop stopped 0" ]
}

@test "hooks: a foreground run runs poststop at the end, not with --keep" {
	all_hooks
	update_config '.process.args = ["/testinit", "exit", "3"]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 3 ]
	sane_run sh -c 'sed "s/ mnt:.*//" "$1" | cut -d" " -f1-2' sh "$LOG"
	[ "$output" = "prestart creating
createRuntime creating
createContainer creating
startContainer
poststart running
poststop stopped" ]
	[ ! -e "$ROOT/ct1" ]

	: >"$LOG"
	sane_run cruntime run --keep -b "$BUNDLE" ct2
	[ "$status" -eq 3 ]
	! grep -q poststop "$LOG"
	sane_run cruntime delete ct2
	[ "$status" -eq 0 ]
	[ "$(tail -n1 "$LOG" | cut -d' ' -f1-2)" = "poststop stopped" ]
}

# fails KIND OPERATION...: a hook of KIND exiting 3 fails the operation
fails_with() {
	local kind=$1
	shift
	update_config --arg k "$kind" --argjson ok "$(hook "$kind")" \
		'.hooks[$k] = [$ok, {path: "/bin/sh", args: ["sh", "-c", "echo hook-stderr >&2; exit 3"]}]'
	sane_run "$@"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$kind hook #1 \`/bin/sh\`: exit status 3"* ]]
	[[ "$output" == *"hook-stderr"* ]]
	# the first hook ran
	grep -q "^$kind " "$LOG"
}

@test "hooks: a failing prestart fails create; nothing is left" {
	fails_with prestart cruntime create -b "$BUNDLE" ct1
	[ -z "$(ls -A "$ROOT")" ]
}

@test "hooks: a failing createRuntime fails run -d; nothing is left" {
	fails_with createRuntime cruntime run -d -b "$BUNDLE" ct1
	[ -z "$(ls -A "$ROOT")" ]
}

@test "hooks: a failing createContainer fails run; nothing is left" {
	fails_with createContainer cruntime run -b "$BUNDLE" ct1
	[ -z "$(ls -A "$ROOT")" ]
}

@test "hooks: a failing startContainer fails run; nothing is left" {
	update_config '.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c", "exit 3"]}]'
	sane_run cruntime run -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"startContainer hook #0 \`/bin/sh\`: exit status 3"* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "hooks: a failing startContainer fails start; the container stops" {
	update_config '.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c", "exit 3"]}]'
	ct_create ct1
	sane_run cruntime start ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"startContainer hook #0 \`/bin/sh\`: exit status 3"* ]]
	retry 50 0.1 status_is ct1 stopped
}

@test "hooks: a hook path that does not exist fails create" {
	update_config '.hooks.createRuntime = [{path: "/nonexistent/hook"}]'
	sane_run cruntime create -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"createRuntime hook #0 \`/nonexistent/hook\`: exec"* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "hooks: a failing poststart or poststop only warns" {
	update_config '.hooks.poststart = [{path: "/bin/sh", args: ["sh", "-c", "exit 4"]}]
		| .hooks.poststop = [{path: "/bin/sh", args: ["sh", "-c", "exit 5"]}]'
	cruntime run -d -b "$BUNDLE" ct1 </dev/null >"$BUNDLE/out" 2>"$BUNDLE/err"
	[[ "$(cat "$BUNDLE/err")" == *"poststart hook #0 \`/bin/sh\`: exit status 4"* ]]
	[ "$(ct_status ct1)" = running ]
	sane_run cruntime delete -f ct1
	[ "$status" -eq 0 ]
	[[ "$output" == *"poststop hook #0 \`/bin/sh\`: exit status 5"* ]]
	[ ! -e "$ROOT/ct1" ]

	update_config '.process.args = ["/testinit", "exit", "0"]'
	sane_run cruntime run -b "$BUNDLE" ct2
	[ "$status" -eq 0 ]
	[[ "$output" == *"poststart hook #0 \`/bin/sh\`: exit status 4"* ]]
	[[ "$output" == *"poststop hook #0 \`/bin/sh\`: exit status 5"* ]]
}

@test "hooks: timeout kills a hook that does not finish" {
	mkfifo "$BUNDLE/never"
	# blocks opening a FIFO nobody writes: slow without sleeping
	update_config --arg f "$BUNDLE/never" \
		'.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "read x <\($f)"], timeout: 1}]'
	sane_run cruntime create -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *"createRuntime hook #0 \`/bin/sh\`: timed out after 1s"* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "hooks: a relative hook path is refused before anything runs" {
	update_config '.hooks.poststart = [{path: "bin/true"}]'
	sane_run cruntime run -d -b "$BUNDLE" ct1
	[ "$status" -eq 1 ]
	[[ "$output" == *'config.json: `hooks.poststart[0].path`: `bin/true` is not an absolute path'* ]]
	[ -z "$(ls -A "$ROOT")" ]
}
