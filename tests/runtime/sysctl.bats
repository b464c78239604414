#!/usr/bin/env bats
# linux.sysctl: written under the container's /proc/sys, only for sysctls of
# namespaces the container has its own of (runc's rules and wording).

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	requires root jq
	setup_bundle
}

teardown() {
	teardown_bundle
}

# refused KEY JQ MESSAGE: non-zero, the one line naming the key, nothing left
refused() {
	update_config --arg k "$1" ".linux.sysctl = {(\$k): \"1\"} | .process.args = [\"true\"] | $2"
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"config.json: \`linux.sysctl.$1\`: $3"* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "sysctl: net, ipv4 and ipc sysctls are written in the container's namespaces only" {
	local host_fwd host_shm
	host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	host_shm=$(cat /proc/sys/kernel/shmmni)
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmni": "1234", "fs.mqueue.msg_max": "77",
		"net.ipv4.ping_group_range": "0 5"}
		| .process.args = ["sh", "-c", "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni /proc/sys/fs/mqueue/msg_max /proc/sys/net/ipv4/ping_group_range"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = 1234 ]
	[ "${lines[2]}" = 77 ]
	[[ "${lines[3]}" =~ ^0[[:space:]]+5$ ]]
	# the host is untouched
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_fwd" ]
	[ "$(cat /proc/sys/kernel/shmmni)" = "$host_shm" ]
}

@test "sysctl: kernel.domainname with a uts namespace" {
	update_config '.linux.sysctl = {"kernel.domainname": "sysctl.example"} | .process.args = ["cat", "/proc/sys/kernel/domainname"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = sysctl.example ]
}

@test "sysctl: written before /proc/sys turns read-only (runc's order)" {
	# the default config lists /proc/sys in readonlyPaths
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .process.args = ["sh", "-c", "(echo 0 > /proc/sys/net/ipv4/ip_forward) 2>/dev/null; cat /proc/sys/net/ipv4/ip_forward"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

@test "sysctl: sysctls of the host's namespaces are refused by name" {
	refused net.ipv4.ip_forward '.linux.namespaces |= map(select(.type != "network"))' \
		"not allowed in the host's network namespace"
	refused kernel.shmmax '.linux.namespaces |= map(select(.type != "ipc"))' "not allowed in the host's ipc namespace"
	refused fs.mqueue.msg_max '.linux.namespaces |= map(select(.type != "ipc"))' \
		"not allowed in the host's ipc namespace"
	refused vm.swappiness '.' "not in a separate kernel namespace"
	refused kernel.hostname '.' "conflicts with the OCI \`hostname\` field"
	refused kernel.domainname '.linux.namespaces |= map(select(.type != "uts")) | del(.hostname)' \
		"not in a separate kernel namespace"
}

@test "sysctl: joining our own network namespace by path is the host's" {
	refused net.ipv4.ip_forward \
		'.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/net" else . end)' \
		"not allowed in the host's network namespace"
}

@test "sysctl: keys that could leave /proc/sys are refused" {
	refused 'net.ipv4/../../x' '.' "not a valid sysctl name"
	refused 'net..ipv4' '.' "not a valid sysctl name"
	refused 'net.ipv4.' '.' "not a valid sysctl name"
}

@test "sysctl: an unknown sysctl fails in the init, naming it" {
	update_config '.linux.sysctl = {"net.ipv4.no_such_sysctl": "1"} | .process.args = ["true"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	[[ "$output" == *'set sysctl `net.ipv4.no_such_sysctl`'* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "sysctl: a file bound over /proc/sys is not written (procfs only)" {
	echo 0 >"$BUNDLE/fake"
	update_config --arg f "$BUNDLE/fake" '.mounts += [{destination: "/proc/sys/net/ipv4/ip_forward", type: "bind", source: $f, options: ["bind"]}]
		| .linux.sysctl = {"net.ipv4.ip_forward": "1"} | .process.args = ["true"]'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -ne 0 ]
	# refused as a mount inside /proc already (security-cve.bats has the
	# redirect made behind the runtime's back)
	[[ "$output" == *'`/proc/sys/net/ipv4/ip_forward` cannot be mounted because it is inside /proc'* ]]
	[ "$(cat "$BUNDLE/fake")" = 0 ]
	[ -z "$(ls -A "$ROOT")" ]
}
