#!/usr/bin/env bats
# cruntime features: a truthful runtime-spec features document.

load ../lib/helpers

setup() {
	requires jq
	FEATURES=$(mktemp "${BATS_TMPDIR:-/tmp}/ct-features.XXXXXX")
	"$CRUNTIME" features >"$FEATURES"
}

teardown() {
	rm -f "$FEATURES"
	teardown_bundle
}

@test "features: valid JSON with the version range" {
	sane_run jq -r '.ociVersionMin + " " + .ociVersionMax' "$FEATURES"
	[ "$status" -eq 0 ]
	[ "$output" = "1.0.0 1.3.0" ]
}

@test "features: validates against features-schema.json" {
	requires jsonschema
	local v=$CT_SRCDIR/tests/lib/validate-schema.py
	[ -f "$v" ] || skip "tests/lib/validate-schema.py not there yet"
	sane_run /usr/bin/python3 "$v" /work/shared/reference/runtime-spec/schema features-schema.json "$FEATURES"
	[ "$status" -eq 0 ]
}

@test "features: only what is implemented" {
	sane_run jq -c '[.hooks, .linux.namespaces, .linux.seccomp.enabled]' "$FEATURES"
	[ "$status" -eq 0 ]
	[ "$output" = '[["prestart","createRuntime","createContainer","startContainer","poststart","poststop"],["pid","network","mount","ipc","uts","cgroup","user","time"],true]' ]
	# the cgroupfs driver on v1 and v2, no systemd driver
	sane_run jq -c '.linux.cgroup' "$FEATURES"
	[ "$output" = '{"v1":true,"v2":true,"systemd":false,"systemdUser":false,"rdma":true}' ]
	sane_run jq -r '.linux.capabilities | length' "$FEATURES"
	[ "$output" -ge 38 ]
	# recursive attributes and idmapped mounts (mount_setattr)
	sane_run jq -r '.mountOptions | index("nosuid") != null and index("rbind") != null and index("rro") != null and index("ridmap") != null' "$FEATURES"
	[ "$output" = "true" ]
}

@test "features: listed namespaces and mount options are accepted by run" {
	requires root
	setup_bundle
	local opts
	# (idmap and ridmap are for binds only: security-idmap.bats)
	opts=$(jq -c '[.mountOptions[] | select(. != "remount" and . != "bind" and . != "rbind" and . != "idmap" and . != "ridmap")]' "$FEATURES")
	# every namespace new, every option on one tmpfs mount
	update_config --argjson ns "$(jq -c '[.linux.namespaces[] | {type: .}]' "$FEATURES")" \
		--argjson o "$opts" \
		'del(.linux.resources) | .linux.namespaces = $ns | .mounts += [{destination: "/opts", type: "tmpfs", source: "tmpfs", options: $o}] | .process.args = ["true"]'
	# a new user namespace needs maps: the identity, so the rootfs stays ours
	if jq -e '.linux.namespaces | index("user")' "$FEATURES" >/dev/null; then
		update_config '.linux.uidMappings = [{containerID: 0, hostID: 0, size: 65536}] | .linux.gidMappings = .linux.uidMappings'
	fi
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
	# every capability listed can be granted (those our own bounding set
	# holds: the list is in capability-number order)
	local bnd caps i=0 name
	bnd=$((16#$(awk '/^CapBnd/ { print $2 }' /proc/self/status)))
	caps=()
	for name in $(jq -r '.linux.capabilities[]' "$FEATURES"); do
		if (((bnd >> i) & 1)); then caps+=("\"$name\""); fi
		i=$((i + 1))
	done
	[ "${#caps[@]}" -gt 10 ]
	update_config --argjson c "[$(IFS=,; echo "${caps[*]}")]" \
		'.process.capabilities = {bounding: $c, effective: $c, permitted: $c} | .mounts |= map(select(.destination != "/opts"))'
	sane_run "$CRUNTIME" --root "$ROOT" run -b "$BUNDLE" ct1
	[ "$status" -eq 0 ]
}
