#!/usr/bin/env bats
# cimage config: every option and its repeats, NAME vs NEWNAME, the history
# entry, members our model does not know kept, umoci and skopeo reading the
# result, bad input refused with one line and the store untouched, and the
# config.json unpack makes of an edited image.  Contract: specs/cimage.1.md
# (config) and image-spec conversion.md.

# Messages quote their subject in backticks: literal, not command substitution.
# shellcheck disable=SC2016,SC2154  # stderr/stderr_lines come from bats run --separate-stderr

load ../lib/helpers

bats_require_minimum_version 1.5.0

setup_file() {
	if command -v busybox >/dev/null; then
		"$FIXTURES/mk-busybox-image.sh" "$BATS_FILE_TMPDIR/fixture" busybox:latest >"$BATS_FILE_TMPDIR/digest"
	fi
}

setup() {
	requires busybox jq
	S=$BATS_TEST_TMPDIR/store
	cp -a "$BATS_FILE_TMPDIR/fixture" "$S"
	DIGEST=$(cat "$BATS_FILE_TMPDIR/digest")
}

ci() {
	"$CIMAGE" --store "$S" "$@"
}

# The config of stored image $1, as JSON.
config_of() {
	"$CIMAGE" --store "$S" inspect --config "$1"
}

# The digest index.json gives name $1.
digest_of() {
	jq -r --arg n "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $n) | .digest' \
		"$S/index.json"
}

blob() {
	echo "$S/blobs/sha256/${1#sha256:}"
}

# Store the file $2 as a blob; print its digest.
put_blob() {
	local hex
	hex=$(sha256sum "$1" | cut -d' ' -f1)
	cp "$1" "$S/blobs/sha256/$hex"
	echo "sha256:$hex"
}

# Name $1 a copy of busybox whose config is the file $2 (bytes as they are).
add_image() {
	local name=$1 cfg m
	cfg=$(put_blob "$2")
	jq -c --arg d "$cfg" --argjson s "$(stat -c %s "$2")" '.config.digest = $d | .config.size = $s' \
		"$(blob "$DIGEST")" | tr -d '\n' >"$BATS_TEST_TMPDIR/m.json"
	m=$(put_blob "$BATS_TEST_TMPDIR/m.json")
	jq -c --arg n "$name" --arg d "$m" --argjson s "$(stat -c %s "$BATS_TEST_TMPDIR/m.json")" \
		'.manifests += [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": $d, "size": $s,
		  "annotations": {"org.opencontainers.image.ref.name": $n}}]' "$S/index.json" >"$S/index.json.new"
	mv "$S/index.json.new" "$S/index.json"
}

@test "config --env sets a new variable and replaces an existing one in place; NAME moves, the old manifest stays" {
	run_split ci config --env FOO=1 --env PATH=/opt/bin --env BAR=a=b busybox
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
	# NAME points to the printed manifest, which points to the new config
	[ "$(digest_of busybox:latest)" = "$output" ]
	[ "$output" != "$DIGEST" ]
	[ -f "$(blob "$DIGEST")" ]
	[ "$(jq -r .config.digest "$(blob "$output")")" = "sha256:$(config_of busybox | sha256sum | cut -d' ' -f1)" ]
	config_of busybox | jq -e '.config.Env == ["PATH=/opt/bin", "FOO=1", "BAR=a=b"]'
	# the rest of the config is what it was
	config_of busybox | jq -e '.config.Cmd == ["/bin/sh"] and .config.WorkingDir == "/" and .architecture == "amd64"'
	# one name still, the store is a valid layout for skopeo
	[ "$(jq '.manifests | length' "$S/index.json")" -eq 1 ]
}

@test "config --env repeated for one variable: the last wins; duplicates in the image are folded" {
	jq -c '.config.Env = ["A=1", "B=2", "A=3"]' "$(blob "$(jq -r .config.digest "$(blob "$DIGEST")")")" |
		tr -d '\n' >"$BATS_TEST_TMPDIR/c.json"
	add_image dup:1 "$BATS_TEST_TMPDIR/c.json"
	run_split ci config --env A=x --env A=y dup:1
	[ "$status" -eq 0 ]
	config_of dup:1 | jq -e '.config.Env == ["A=y", "B=2"]'
}

@test "config --cmd and --entrypoint take JSON arrays; [] stores an empty array" {
	run_split ci config --entrypoint '["/bin/busybox", "echo"]' --cmd '["hello world", "it'\''s"]' busybox
	[ "$status" -eq 0 ]
	config_of busybox | jq -e '.config.Entrypoint == ["/bin/busybox", "echo"] and .config.Cmd == ["hello world", "it'\''s"]'
	run_split ci config --cmd '[]' busybox
	[ "$status" -eq 0 ]
	config_of busybox | jq -e '.config.Cmd == [] and .config.Entrypoint == ["/bin/busybox", "echo"]'
	# repeated: the last one counts
	run_split ci config --cmd '["a"]' --cmd '["b"]' busybox
	[ "$status" -eq 0 ]
	config_of busybox | jq -e '.config.Cmd == ["b"]'
}

@test "config --workdir, --user and --stop-signal (names in any case, numbers, real-time)" {
	run_split ci config --workdir /srv/app --user 1000:staff --stop-signal term busybox
	[ "$status" -eq 0 ]
	config_of busybox | jq -e '.config.WorkingDir == "/srv/app" and .config.User == "1000:staff" and .config.StopSignal == "SIGTERM"'
	local sig want
	for sig in SIGKILL:SIGKILL 9:SIGKILL usr1:SIGUSR1 SigQuit:SIGQUIT RTMIN+3:SIGRTMIN+3 sigrtmax-2:SIGRTMAX-2 34:SIGRTMIN 36:SIGRTMIN+2; do
		want=${sig#*:}
		run_split ci config --stop-signal "${sig%%:*}" busybox
		[ "$status" -eq 0 ]
		config_of busybox | jq -e --arg w "$want" '.config.StopSignal == $w'
	done
	# --user is not resolved here: any string
	run_split ci config --user nobody-here busybox
	[ "$status" -eq 0 ]
	config_of busybox | jq -e '.config.User == "nobody-here"'
}

@test "config --label, --expose and --volume repeat; existing keys are kept" {
	run_split ci config --label a=1 --label b= --label a=2 --label c=x=y --expose 80 --expose 53/udp \
		--expose 8000-8002/TCP --expose 80/tcp --volume /data --volume /var/lib/db busybox
	[ "$status" -eq 0 ]
	config_of busybox | jq -e '.config.Labels == {"a": "2", "b": "", "c": "x=y"}'
	config_of busybox | jq -e '.config.ExposedPorts == {"80/tcp": {}, "53/udp": {}, "8000/tcp": {}, "8001/tcp": {}, "8002/tcp": {}}'
	config_of busybox | jq -e '.config.Volumes == {"/data": {}, "/var/lib/db": {}}'
	# a second edit adds to the sets and replaces one label
	run_split ci config --label b=new --expose 9/sctp --volume /data busybox
	[ "$status" -eq 0 ]
	config_of busybox | jq -e '.config.Labels == {"a": "2", "b": "new", "c": "x=y"}'
	config_of busybox | jq -e '.config.ExposedPorts | keys == ["53/udp", "80/tcp", "8000/tcp", "8001/tcp", "8002/tcp", "9/sctp"]'
	config_of busybox | jq -e '.config.Volumes == {"/data": {}, "/var/lib/db": {}}'
}

@test "config NAME NEWNAME leaves NAME as it was" {
	run_split ci config --env X=1 busybox other:2
	[ "$status" -eq 0 ]
	[ "$(digest_of busybox:latest)" = "$DIGEST" ]
	[ "$(digest_of other:2)" = "$output" ]
	config_of busybox | jq -e '.config.Env | index("X=1") == null'
	config_of other:2 | jq -e '.config.Env[-1] == "X=1"'
	# cimage images and inspect see both
	run_split ci images -q
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	# a NEWNAME that exists is replaced
	run_split ci config --env X=2 busybox other:2
	[ "$status" -eq 0 ]
	config_of other:2 | jq -e '.config.Env[-1] == "X=2"'
	[ "$(jq '.manifests | length' "$S/index.json")" -eq 2 ]
}

@test "config appends an empty_layer history entry; created and rootfs are kept; SOURCE_DATE_EPOCH" {
	SOURCE_DATE_EPOCH=86400 run_split ci config --env 'MSG=a b' --label "it's=x" busybox
	[ "$status" -eq 0 ]
	config_of busybox | jq -e '.created == "1970-01-01T00:00:00Z" and (.history | length) == 2'
	cb="cimage config --env 'MSG=a b' --label 'it'\\''s=x'"
	config_of busybox | jq -e --arg cb "$cb" \
		'.history[1] == {"created": "1970-01-02T00:00:00Z", "created_by": $cb, "empty_layer": true}'
	config_of busybox | jq -e '.rootfs.diff_ids | length == 1'
	# history shows it, paired with no layer
	run_split ci history --format json busybox
	[ "$status" -eq 0 ]
	jq -e --arg cb "$cb" '.[0].emptyLayer == true and .[0].createdBy == $cb' <<<"$output"
	# the same edit at the same time gives the same digest
	first=$(digest_of busybox:latest)
	cp -a "$BATS_FILE_TMPDIR/fixture" "$BATS_TEST_TMPDIR/s2"
	S=$BATS_TEST_TMPDIR/s2 SOURCE_DATE_EPOCH=86400 run_split ci config --env 'MSG=a b' --label "it's=x" busybox
	[ "$status" -eq 0 ]
	[ "$output" = "$first" ]
	# without SOURCE_DATE_EPOCH: now
	run_split ci config --env Y=1 busybox
	[ "$status" -eq 0 ]
	config_of busybox | jq -e --arg y "$(date -u +%Y)" '.history[2].created | startswith($y)'
}

@test "config keeps the members our model does not know, and numbers as written" {
	local orig
	orig=$(cat "$(blob "$(jq -r .config.digest "$(blob "$DIGEST")")")")
	# Docker's extra members, an extension's, a number jq would rewrite
	sed -e 's|"WorkingDir":"/"|"WorkingDir":"/","Healthcheck":{"Test":["CMD","true"],"Interval":30000000000},"ArgsEscaped":true,"OnBuild":["RUN x"],"Shell":["/bin/sh","-c"],"Memory":1.50e3,"X-Ext":null|' \
		-e 's|^{|{"container_config":{"Hostname":"h","Cmd":["x"]},"docker_version":"20.10.7","x.y":[1,2.0,-3e-2,true,false,null],|' \
		<<<"$orig" | tr -d '\n' >"$BATS_TEST_TMPDIR/c.json"
	add_image extra:1 "$BATS_TEST_TMPDIR/c.json"
	run_split ci config --env A=1 --user 7 extra:1
	[ "$status" -eq 0 ]
	config_of extra:1 >"$BATS_TEST_TMPDIR/new.json"
	# the edit and the history entry are the only differences
	diff <(jq -S 'del(.config.Env, .config.User, .history)' "$BATS_TEST_TMPDIR/c.json") \
		<(jq -S 'del(.config.Env, .config.User, .history)' "$BATS_TEST_TMPDIR/new.json")
	jq -e --slurpfile o "$BATS_TEST_TMPDIR/c.json" '.history[:-1] == $o[0].history' "$BATS_TEST_TMPDIR/new.json"
	jq -e '.config.Env[-1] == "A=1" and .config.User == "7"' "$BATS_TEST_TMPDIR/new.json"
	grep -q '"Memory":1.50e3' "$BATS_TEST_TMPDIR/new.json"
	grep -q '"x.y":\[1,2.0,-3e-2,true,false,null\]' "$BATS_TEST_TMPDIR/new.json"
	# members keep their order: the first key is still the first
	[[ "$(cat "$BATS_TEST_TMPDIR/new.json")" == '{"container_config":'* ]]
}

@test "config: umoci and skopeo read the changed image" {
	requires umoci skopeo
	run_split ci config --entrypoint '["/bin/echo"]' --cmd '["hi"]' --env A=1 --user 1:1 --workdir /tmp busybox
	[ "$status" -eq 0 ]
	run_split skopeo inspect --config "oci:$S:busybox:latest"
	[ "$status" -eq 0 ]
	jq -e '.config.Entrypoint == ["/bin/echo"] and .config.Cmd == ["hi"] and .config.User == "1:1"' <<<"$output"
	run_split skopeo inspect "oci:$S:busybox:latest"
	[ "$status" -eq 0 ]
	jq -e '.Env[-1] == "A=1"' <<<"$output"
	run_split umoci stat --image "$S:busybox:latest" --json
	[ "$status" -eq 0 ]
	jq -e '.history[-1].empty_layer == true and (.history[-1].created_by | startswith("cimage config --entrypoint"))' <<<"$output"
	# umoci's own conversion of our config
	run_split umoci unpack --rootless --image "$S:busybox:latest" "$BATS_TEST_TMPDIR/umoci"
	[ "$status" -eq 0 ]
	jq -e '.process.args == ["/bin/echo", "hi"] and .process.cwd == "/tmp" and .process.user.uid == 1' \
		"$BATS_TEST_TMPDIR/umoci/config.json"
}

# Every bad input: exit 1, one line naming the culprit, nothing on stdout,
# index.json byte for byte the same and no blob added.  (The log's text
# format escapes `"` as `\"`.)
refused() {
	local want=$1
	shift
	cp "$S/index.json" "$BATS_TEST_TMPDIR/index.before"
	find "$S/blobs" -type f | sort >"$BATS_TEST_TMPDIR/blobs.before"
	run_split ci config "$@"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"$want"* ]]
	cmp "$S/index.json" "$BATS_TEST_TMPDIR/index.before"
	find "$S/blobs" -type f | sort | diff "$BATS_TEST_TMPDIR/blobs.before" -
}

@test "config refuses bad option values with one line naming the option" {
	refused 'config: --cmd `sh`: want a JSON array of strings: invalid JSON' --cmd sh busybox
	refused 'config: --cmd `[\"sh\"`: want a JSON array of strings: invalid JSON' --cmd '["sh"' busybox
	refused 'config: --entrypoint `\"sh\"`: want a JSON array of strings: not an array of strings' --entrypoint '"sh"' busybox
	refused 'config: --cmd `[\"a\",1]`: want a JSON array of strings: not an array of strings' --cmd '["a",1]' busybox
	refused 'config: --entrypoint `null`: want a JSON array of strings: not an array of strings' --entrypoint null busybox
	local p
	for p in 0 65536 -1 abc 80/icmp 90-80 80- /tcp '' 1x 99999999999; do
		refused "config: --expose \`$p\`:" --expose "$p" busybox
	done
	refused 'config: --expose `80/icmp`: unknown protocol `icmp` (tcp, udp or sctp)' --expose 80/icmp busybox
	refused 'config: --expose `70000`: not a port or range (1-65535, e.g. 80, 53/udp, 8000-8010/tcp)' --expose 70000 busybox
	refused 'config: --volume `data`: not an absolute path' --volume data busybox
	refused 'config: --workdir `srv`: not an absolute path' --workdir srv busybox
	for p in SIGFOO 0 65 RTMIN+31 -9 '' KILL9; do
		refused "config: --stop-signal \`$p\`: not a signal name or number" --stop-signal "$p" busybox
	done
	refused 'config: --env `FOO`: want NAME=VALUE' --env FOO busybox
	refused 'config: --env `=1`: want NAME=VALUE' --env =1 busybox
	refused 'config: --label `=1`: want KEY=VALUE' --label =1 busybox
	# a bad value anywhere: nothing is changed, not even by the good ones
	refused 'config: --expose `x`' --env A=1 --expose x busybox
	SOURCE_DATE_EPOCH=soon refused 'config: SOURCE_DATE_EPOCH `soon`: not a number of seconds since 1970' --env A=1 busybox
	SOURCE_DATE_EPOCH=-5 refused 'config: SOURCE_DATE_EPOCH `-5`: not a number of seconds since 1970' --env A=1 busybox
	refused 'flag provided but not defined: --nope' --nope busybox
	refused 'flag needs an argument: --env' busybox --env
}

@test "config refuses a missing image, an image index, no change and a bad NEWNAME" {
	refused 'config `nope`: image is not in the store' --env A=1 nope
	refused 'config `busybox`: nothing to change: give at least one option (see `cimage config --help`)' busybox
	refused 'config `busybox`: invalid name `Bad Name`' --env A=1 busybox 'Bad Name'
	refused '`config` takes at most 2 arguments' --env A=1 busybox a b
	refused '`config` requires at least 1 argument' --env A=1
	# an index (several platforms) has no config of its own
	jq -c --arg d "$DIGEST" --argjson s "$(stat -c %s "$(blob "$DIGEST")")" -n \
		'{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [{"mediaType":
		  "application/vnd.oci.image.manifest.v1+json", "digest": $d, "size": $s, "platform": {"os": "linux",
		  "architecture": "amd64"}}]}' | tr -d '\n' >"$BATS_TEST_TMPDIR/ix.json"
	ix=$(put_blob "$BATS_TEST_TMPDIR/ix.json")
	jq -c --arg d "$ix" --argjson s "$(stat -c %s "$BATS_TEST_TMPDIR/ix.json")" \
		'.manifests += [{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": $d, "size": $s,
		  "annotations": {"org.opencontainers.image.ref.name": "multi:1"}}]' "$S/index.json" >"$S/index.json.new"
	mv "$S/index.json.new" "$S/index.json"
	refused 'config `multi:1`: an image index has no config; pull one platform (--platform) and change that' \
		--env A=1 multi:1
	# a config blob that is not an image config
	echo '{"architecture": "amd64"}' >"$BATS_TEST_TMPDIR/bad.json"
	add_image bad:1 "$BATS_TEST_TMPDIR/bad.json"
	refused 'config `bad:1`: config sha256:' --env A=1 bad:1
	# a store that does not exist is not created
	S=$BATS_TEST_TMPDIR/none
	run_split ci config --env A=1 busybox
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *'config `busybox`: image is not in the store'* ]]
	[ ! -e "$S" ]
}

@test "config then unpack: config.json carries the change (conversion.md)" {
	run_split ci config --entrypoint '["/bin/echo"]' --cmd '["hello", "world"]' --user daemon:1234 \
		--env GREETING=hi --workdir /tmp --label org.opencontainers.image.stopSignal=SIGUSR2 \
		--stop-signal QUIT --expose 8080 --expose 53/udp --volume /var/db --volume /data busybox
	[ "$status" -eq 0 ]
	run_split ci unpack busybox "$BATS_TEST_TMPDIR/b"
	[ "$status" -eq 0 ]
	C=$BATS_TEST_TMPDIR/b/config.json
	jq -e '.process.args == ["/bin/echo", "hello", "world"]' "$C"
	# busybox's passwd has daemon as uid 1; the group is given: no additionalGids
	jq -e '.process.user == {"uid": 1, "gid": 1234}' "$C"
	jq -e '.process.env == ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GREETING=hi", "HOME=/usr/sbin"]' "$C"
	jq -e '.process.cwd == "/tmp" and .process.terminal == false and .root.path == "rootfs"' "$C"
	jq -e '.annotations["org.opencontainers.image.exposedPorts"] == "53/udp,8080/tcp"' "$C"
	jq -e '.annotations["org.opencontainers.image.volumes"] == "/data,/var/db"' "$C"
	# the label wins over the implied annotation
	jq -e '.annotations["org.opencontainers.image.stopSignal"] == "SIGUSR2"' "$C"
	jq -e '.annotations["org.opencontainers.image.os"] == "linux" and .annotations["org.opencontainers.image.architecture"] == "amd64"' "$C"
	jq -e '.annotations["org.opencontainers.image.created"] == "1970-01-01T00:00:00Z"' "$C"

	# a user the rootfs does not have: unpack fails naming it
	run_split ci config --user www busybox www:1
	[ "$status" -eq 0 ]
	run_split ci unpack www:1 "$BATS_TEST_TMPDIR/b2"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'image config: `config.User`: no user `www` in /etc/passwd'* ]]
	# nothing to run: a bundle with a warning and no process.args, not runc's `sh`
	run_split ci config --entrypoint '[]' --cmd '[]' busybox empty:1
	[ "$status" -eq 0 ]
	run_split ci unpack empty:1 "$BATS_TEST_TMPDIR/b3"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *'image config: neither Entrypoint nor Cmd: config.json has no process.args'* ]]
	jq -e '.process | has("args") | not' "$BATS_TEST_TMPDIR/b3/config.json"
}

@test "config then unpack then cruntime run: the process the image now asks for" {
	requires root
	run_split ci config --entrypoint '["/bin/sh", "-c"]' --cmd '["echo $GREETING from $(id -u):$(id -g) in $(pwd)"]' \
		--env GREETING=hi --user daemon --workdir /tmp busybox
	[ "$status" -eq 0 ]
	B=$BATS_TEST_TMPDIR/b
	run_split ci unpack busybox "$B"
	[ "$status" -eq 0 ]
	ROOT=$BATS_TEST_TMPDIR/state
	mkdir -p "$ROOT"
	CG=/cruntime-test-config-$$
	jq --arg cg "$CG" '.linux.cgroupsPath = $cg' "$B/config.json" >"$B/config.json.new" && mv "$B/config.json.new" "$B/config.json"
	run_split "$CRUNTIME" --root "$ROOT" run -b "$B" "config-$$"
	cg_remove_path "$CG"
	[ "$status" -eq 0 ]
	[ "$output" = "hi from 1:1 in /tmp" ]
}
