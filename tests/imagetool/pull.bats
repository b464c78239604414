#!/usr/bin/env bats
# cimage pull, push and copy against a real registry (Debian's docker-registry on
# a loopback port, started once for the file) and between layouts and archives.
# Interop: skopeo pushes what cimage pulls and reads what cimage pushes.

# shellcheck disable=SC2016  # messages quote their subject in backticks

load ../lib/helpers
load ../lib/registry

bats_require_minimum_version 1.5.0

setup_file() {
	command -v skopeo >/dev/null || skip "test requires skopeo"
	command -v jq >/dev/null || skip "test requires jq"
	registry_requires
	registry_start plain
	# The fixtures, pushed once by skopeo: busybox (OCI), busybox in Docker
	# schema 2, and a two-platform index.
	export FIX=$BATS_FILE_TMPDIR/fix
	"$FIXTURES/mk-busybox-image.sh" "$FIX/busybox" busybox:1 >/dev/null
	"$FIXTURES/mk-index-image.sh" "$FIX/multi" multi:1 >/dev/null
	skopeo copy -q --dest-tls-verify=false oci:"$FIX/busybox":busybox:1 "docker://$REGISTRY/busybox:1"
	skopeo copy -q --dest-tls-verify=false --format v2s2 oci:"$FIX/busybox":busybox:1 \
		"docker://$REGISTRY/busybox-v2s2:1"
	skopeo copy -q --all --dest-tls-verify=false oci:"$FIX/multi":multi:1 "docker://$REGISTRY/multi:1"
}

teardown_file() {
	registry_stop
}

setup() {
	[ -n "${REGISTRY:-}" ] || skip "no registry"
	export CIMAGE_STORE=$BATS_TEST_TMPDIR/store
}

# The digest the registry serves for REPO:TAG.
remote_digest() {
	skopeo inspect --tls-verify=false --raw "docker://$REGISTRY/$1" | sha256sum | sed 's/^/sha256:/; s/ .*//'
}

blob_count() {
	find "$CIMAGE_STORE/blobs/sha256" -type f | wc -l
}

@test "pull stores the image under its full reference and prints the registry's digest" {
	want=$(remote_digest busybox:1)
	run_split "$CIMAGE" -q pull "docker://$REGISTRY/busybox:1"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	[ -z "$stderr" ]
	jq -e --arg n "$REGISTRY/busybox:1" --arg d "$want" \
		'.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $n) | .digest == $d' \
		"$CIMAGE_STORE/index.json"
	# config + layer + manifest, every one named by its content
	[ "$(blob_count)" -eq 3 ]
	for f in "$CIMAGE_STORE"/blobs/sha256/*; do
		[ "sha256:$(sha256sum <"$f" | cut -d' ' -f1)" = "sha256:$(basename "$f")" ]
	done
	# the store is an OCI layout skopeo reads as it is
	run skopeo inspect --raw "oci:$CIMAGE_STORE:$REGISTRY/busybox:1"
	[ "$status" -eq 0 ]
	[ "$(printf %s "$output" | sha256sum | cut -d' ' -f1)" = "${want#sha256:}" ]
}

@test "pull without a transport, with a NAME, and by digest" {
	want=$(remote_digest busybox:1)
	run_split "$CIMAGE" -q pull "$REGISTRY/busybox:1" app:2
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	jq -e '.manifests[].annotations["org.opencontainers.image.ref.name"] == "app:2"' "$CIMAGE_STORE/index.json"
	run_split "$CIMAGE" -q pull "docker://$REGISTRY/busybox@$want"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	jq -e --arg n "$REGISTRY/busybox@$want" \
		'[.manifests[].annotations["org.opencontainers.image.ref.name"]] | index($n) != null' \
		"$CIMAGE_STORE/index.json"
}

@test "a second pull fetches no blob again" {
	"$CIMAGE" -q pull "docker://$REGISTRY/busybox:1" >/dev/null
	layer=$(find "$CIMAGE_STORE/blobs/sha256" -type f -size +100k)
	before=$(stat -c %i:%Y "$layer")
	run_split "$CIMAGE" pull "docker://$REGISTRY/busybox:1"
	[ "$status" -eq 0 ]
	[ "$(stat -c %i:%Y "$layer")" = "$before" ]
	[[ "$stderr" == *exists* ]]
	[[ "$stderr" != *" done"* ]] || [[ "$stderr" != *"Copying blob"*"done"* ]]
}

@test "a Docker schema-2 image is stored as OCI with the same config and layers" {
	src=$(skopeo inspect --tls-verify=false --raw "docker://$REGISTRY/busybox-v2s2:1")
	[ "$(jq -r .mediaType <<<"$src")" = application/vnd.docker.distribution.manifest.v2+json ]
	run_split "$CIMAGE" -q pull "docker://$REGISTRY/busybox-v2s2:1"
	[ "$status" -eq 0 ]
	stored=$(cat "$CIMAGE_STORE/blobs/sha256/${output#sha256:}")
	[ "$(jq -r .mediaType <<<"$stored")" = application/vnd.oci.image.manifest.v1+json ]
	[ "$(jq -r .config.mediaType <<<"$stored")" = application/vnd.oci.image.config.v1+json ]
	[ "$(jq -r .layers[0].mediaType <<<"$stored")" = application/vnd.oci.image.layer.v1.tar+gzip ]
	[ "$(jq -r .config.digest <<<"$stored")" = "$(jq -r .config.digest <<<"$src")" ]
	[ "$(jq -r .layers[0].digest <<<"$stored")" = "$(jq -r .layers[0].digest <<<"$src")" ]
	# index.json names the converted manifest
	jq -e --arg d "$output" '.manifests[0].digest == $d' "$CIMAGE_STORE/index.json"
}

@test "from an index pull takes the host's platform, --platform another, --all every one" {
	[ "$(uname -m)" = x86_64 ] || skip "the fixture's host entry is amd64"
	index=$(skopeo inspect --tls-verify=false --raw "docker://$REGISTRY/multi:1")
	amd=$(jq -r '.manifests[] | select(.platform.architecture == "amd64") | .digest' <<<"$index")
	arm=$(jq -r '.manifests[] | select(.platform.architecture == "arm64") | .digest' <<<"$index")
	run_split "$CIMAGE" -q pull "docker://$REGISTRY/multi:1" m:amd
	[ "$status" -eq 0 ]
	[ "$output" = "$amd" ]
	run_split "$CIMAGE" -q pull --platform linux/arm64 "docker://$REGISTRY/multi:1" m:arm
	[ "$status" -eq 0 ]
	[ "$output" = "$arm" ]
	jq -e '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "m:arm") |
		.platform.architecture == "arm64"' "$CIMAGE_STORE/index.json"
	run_split "$CIMAGE" -q pull --all "docker://$REGISTRY/multi:1" m:all
	[ "$status" -eq 0 ]
	[ "$output" = "sha256:$(printf %s "$index" | sha256sum | cut -d' ' -f1)" ]
	[ -f "$CIMAGE_STORE/blobs/sha256/${arm#sha256:}" ]
	run_split "$CIMAGE" -q pull --platform linux/s390x "docker://$REGISTRY/multi:1"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"no image for linux/s390x"*"linux/amd64"*"linux/arm64/v8"* ]]
}

@test "an unknown tag fails with the registry's code and status; nothing is stored" {
	run_split "$CIMAGE" -q pull "docker://$REGISTRY/busybox:nope"
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"\`$REGISTRY/busybox:nope\`"*"manifest unknown (404)"* ]]
	run_split "$CIMAGE" -q pull "docker://$REGISTRY/nothere:1"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"(404)"* ]]
	[ ! -e "$CIMAGE_STORE/blobs" ] || [ "$(blob_count)" -eq 0 ]
}

@test "a short name is refused with the way to write it" {
	run_split "$CIMAGE" pull busybox:1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"no registry host"*"docker://"* ]]
	run_split "$CIMAGE" pull docker://busybox
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"no registry host"* ]]
}

@test "push sends a stored image that skopeo reads back with the same digest" {
	digest=$("$CIMAGE" -q pull "docker://$REGISTRY/busybox:1" app:1)
	run_split "$CIMAGE" -q push app:1 "docker://$REGISTRY/pushed/app:7"
	[ "$status" -eq 0 ]
	[ "$output" = "$digest" ]
	[ "$(remote_digest pushed/app:7)" = "$digest" ]
	run skopeo copy -q --src-tls-verify=false "docker://$REGISTRY/pushed/app:7" "oci:$BATS_TEST_TMPDIR/back:x"
	[ "$status" -eq 0 ]
	# a second push has nothing to upload
	run_split "$CIMAGE" push app:1 "docker://$REGISTRY/pushed/app:7"
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"Copying blob"*" done"* ]]
}

@test "push of a missing name fails naming it" {
	run_split "$CIMAGE" -q push nope:1 "docker://$REGISTRY/x:1"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"nope:1"* ]]
}

@test "copy between registry, oci layout and archives keeps the digest" {
	want=$(remote_digest busybox:1)
	run_split "$CIMAGE" -q copy "docker://$REGISTRY/busybox:1" "oci:$BATS_TEST_TMPDIR/lay:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	run skopeo inspect --raw "oci:$BATS_TEST_TMPDIR/lay:v1"
	[ "$status" -eq 0 ]
	run_split "$CIMAGE" -q copy "oci:$BATS_TEST_TMPDIR/lay:v1" "docker://$REGISTRY/copied:v1"
	[ "$status" -eq 0 ]
	[ "$(remote_digest copied:v1)" = "$want" ]
	run_split "$CIMAGE" -q copy "docker://$REGISTRY/copied:v1" "docker://$REGISTRY/copied2:v1"
	[ "$status" -eq 0 ]
	[ "$(remote_digest copied2:v1)" = "$want" ]
	run_split "$CIMAGE" -q copy "oci:$BATS_TEST_TMPDIR/lay:v1" "oci-archive:$BATS_TEST_TMPDIR/a.tar:v1"
	[ "$status" -eq 0 ]
	run skopeo inspect --raw "oci-archive:$BATS_TEST_TMPDIR/a.tar:v1"
	[ "$status" -eq 0 ]
	[ "$(printf %s "$output" | sha256sum | cut -d' ' -f1)" = "${want#sha256:}" ]
	[ ! -e "$CIMAGE_STORE" ]
}

@test "SIGKILL during a pull leaves a store that works and a re-run completes" {
	# a 32 MiB layer, so that the pull is still running when it is killed
	big=$BATS_TEST_TMPDIR/big
	mkdir -p "$big/root"
	head -c 33554432 /dev/urandom >"$big/root/blob"
	cp -a "$FIX/busybox" "$big/layout"
	tar -C "$big/root" -cf "$big/layer.tar" blob
	skopeo copy -q --dest-tls-verify=false oci:"$FIX/busybox":busybox:1 "docker://$REGISTRY/big:1"
	# add the layer with umoci? keep it simple: push the tar as an extra layer by skopeo is not
	# possible; use cimage itself only once push works: build the image by hand.
	layer_hex=$(sha256sum "$big/layer.tar" | cut -d' ' -f1)
	cp "$big/layer.tar" "$big/layout/blobs/sha256/$layer_hex"
	m=$(jq -r '.manifests[0].digest' "$big/layout/index.json" | cut -d: -f2)
	c=$(jq -r .config.digest "$big/layout/blobs/sha256/$m" | cut -d: -f2)
	jq -cj --arg d "sha256:$layer_hex" '.rootfs.diff_ids += [$d]' "$big/layout/blobs/sha256/$c" >"$big/config"
	c2=$(sha256sum "$big/config" | cut -d' ' -f1)
	mv "$big/config" "$big/layout/blobs/sha256/$c2"
	jq -cj --arg c "sha256:$c2" --argjson cs "$(stat -c %s "$big/layout/blobs/sha256/$c2")" \
		--arg l "sha256:$layer_hex" --argjson ls "$(stat -c %s "$big/layout/blobs/sha256/$layer_hex")" \
		'.config.digest = $c | .config.size = $cs |
		 .layers += [{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":$l,"size":$ls}]' \
		"$big/layout/blobs/sha256/$m" >"$big/manifest"
	m2=$(sha256sum "$big/manifest" | cut -d' ' -f1)
	mv "$big/manifest" "$big/layout/blobs/sha256/$m2"
	jq -c --arg d "sha256:$m2" --argjson s "$(stat -c %s "$big/layout/blobs/sha256/$m2")" \
		'.manifests[0].digest = $d | .manifests[0].size = $s' "$big/layout/index.json" >"$big/index.json"
	mv "$big/index.json" "$big/layout/index.json"
	skopeo copy -q --dest-tls-verify=false oci:"$big/layout":busybox:1 "docker://$REGISTRY/big:1"

	# skopeo compressed the layer on its way to the registry: its digest is the registry's
	big_layer=$(skopeo inspect --tls-verify=false --raw "docker://$REGISTRY/big:1" | jq -r '.layers[1].digest' | cut -d: -f2)
	"$CIMAGE" -q pull "docker://$REGISTRY/busybox:1" small:1 >/dev/null
	index_before=$(cat "$CIMAGE_STORE/index.json")
	# CIMAGE_RATE_LIMIT slows the transfer so that the kill lands mid-blob.
	CIMAGE_RATE_LIMIT=4194304 "$CIMAGE" -q pull "docker://$REGISTRY/big:1" &
	pid=$!
	# wait (bounded) until the big blob is being written into tmp/
	for _ in $(seq 1 200); do
		[ -n "$(find "$CIMAGE_STORE/tmp" -type f -size +1M 2>/dev/null)" ] && break
		read -rt 0.05 <> <(:) || true
	done
	kill -9 "$pid"
	wait "$pid" || true
	[ -n "$(find "$CIMAGE_STORE/tmp" -type f 2>/dev/null)" ] # it was killed mid-transfer
	[ ! -e "$CIMAGE_STORE/blobs/sha256/$big_layer" ]
	for f in "$CIMAGE_STORE"/blobs/sha256/*; do # what is visible is complete
		[ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$(basename "$f")" ]
	done
	[ "$(cat "$CIMAGE_STORE/index.json")" = "$index_before" ]
	run_split "$CIMAGE" images -q
	[ "$status" -eq 0 ]
	run_split "$CIMAGE" -q pull "docker://$REGISTRY/big:1"
	[ "$status" -eq 0 ]
	[ "$(sha256sum "$CIMAGE_STORE/blobs/sha256/$big_layer" | cut -d' ' -f1)" = "$big_layer" ]
	# the orphan of the killed pull is gone
	[ -z "$(find "$CIMAGE_STORE/tmp" -type f)" ]
}

@test "inspect reads a registry and an oci layout without storing anything" {
	want=$(remote_digest busybox:1)
	run_split "$CIMAGE" inspect "docker://$REGISTRY/busybox:1"
	[ "$status" -eq 0 ]
	[ "$(jq -r .Digest <<<"$output")" = "$want" ]
	[ "$(jq -r .Name <<<"$output")" = "$REGISTRY/busybox:1" ]
	[ "$(jq -r .Architecture <<<"$output")" = amd64 ]
	run_split "$CIMAGE" inspect --raw "docker://$REGISTRY/busybox:1"
	[ "$status" -eq 0 ]
	[ "sha256:$(printf %s "$output" | sha256sum | cut -d' ' -f1)" = "$want" ]
	run_split "$CIMAGE" inspect --config "oci:$FIX/busybox:busybox:1"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.config.Cmd[0]' <<<"$output")" = /bin/sh ]
	run_split "$CIMAGE" inspect "docker://$REGISTRY/busybox:nope"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"manifest unknown (404)"* ]]
	[ ! -e "$CIMAGE_STORE" ]
}

@test "concurrent pulls into one store lose no name and no blob" {
	"$CIMAGE" -q pull "docker://$REGISTRY/busybox:1" a:1 >"$BATS_TEST_TMPDIR/a" &
	p1=$!
	"$CIMAGE" -q pull "docker://$REGISTRY/busybox-v2s2:1" b:1 >"$BATS_TEST_TMPDIR/b" &
	p2=$!
	"$CIMAGE" -q pull "docker://$REGISTRY/multi:1" c:1 >"$BATS_TEST_TMPDIR/c" &
	p3=$!
	"$CIMAGE" -q pull "docker://$REGISTRY/busybox:1" d:1 >"$BATS_TEST_TMPDIR/d" &
	p4=$!
	wait "$p1" && wait "$p2" && wait "$p3" && wait "$p4"
	for n in a b c d; do
		run_split "$CIMAGE" inspect --raw "$n:1"
		[ "$status" -eq 0 ]
		[ "sha256:$(printf %s "$output" | sha256sum | cut -d' ' -f1)" = "$(cat "$BATS_TEST_TMPDIR/$n")" ]
	done
	[ "$(jq '.manifests | length' "$CIMAGE_STORE/index.json")" -eq 4 ]
	run_split "$CIMAGE" gc
	[ "$status" -eq 0 ]
	# every blob a name reaches is still there
	for n in a b c d; do
		run_split "$CIMAGE" inspect "$n:1"
		[ "$status" -eq 0 ]
		for l in $(jq -r '.Layers[]' <<<"$output"); do
			[ -f "$CIMAGE_STORE/blobs/sha256/${l#sha256:}" ]
		done
	done
}
