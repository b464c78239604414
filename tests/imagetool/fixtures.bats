#!/usr/bin/env bats
# The locally made fixtures every other suite stands on.

load ../lib/helpers

setup() {
	WORK=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ct-fixtures.XXXXXX")
}

teardown() {
	rm -rf "$WORK"
}

@test "mk-busybox-rootfs.sh makes a static busybox root with applet links" {
	requires busybox
	sane_run "$FIXTURES/mk-busybox-rootfs.sh" "$WORK/rootfs"
	[ "$status" -eq 0 ]
	[ -x "$WORK/rootfs/bin/busybox" ]
	[ "$(readlink "$WORK/rootfs/bin/sh")" = busybox ] || [ "$(readlink "$WORK/rootfs/bin/sh")" = ../bin/busybox ]
	[ "$(readlink "$WORK/rootfs/usr/bin/env")" = ../../bin/busybox ]
	grep -q '^root:x:0:0:' "$WORK/rootfs/etc/passwd"
	[ "$(stat -c %a "$WORK/rootfs/tmp")" = 1777 ]
	# Every link stays inside the root: relative targets only.
	run sh -c "find '$WORK/rootfs' -type l -lname '/*'"
	[ -z "$output" ]
}

@test "mk-busybox-rootfs.sh refuses a dynamically linked busybox" {
	[ -x /bin/true ] || skip "no /bin/true"
	BUSYBOX=/bin/true sane_run "$FIXTURES/mk-busybox-rootfs.sh" "$WORK/rootfs"
	[ "$status" -ne 0 ]
	[[ "$output" == *"busybox-static"* ]]
}

@test "mk-busybox-image.sh makes a valid, reproducible OCI image layout" {
	requires busybox jq
	sane_run "$FIXTURES/mk-busybox-image.sh" "$WORK/a" busybox:1
	[ "$status" -eq 0 ]
	digest=$output
	sane_run "$FIXTURES/mk-busybox-image.sh" "$WORK/b" busybox:1
	[ "$output" = "$digest" ]

	[ "$(jq -r .imageLayoutVersion "$WORK/a/oci-layout")" = 1.0.0 ]
	[ "$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$WORK/a/index.json")" = busybox:1 ]
	[ "$(jq -r '.manifests[0].digest' "$WORK/a/index.json")" = "$digest" ]
	# Every blob's name is the sha256 of its bytes.
	for blob in "$WORK"/a/blobs/sha256/*; do
		[ "$(sha256sum "$blob" | cut -d' ' -f1)" = "$(basename "$blob")" ]
	done
	# The config's diff_id is the digest of the uncompressed layer.
	manifest=$WORK/a/blobs/sha256/${digest#sha256:}
	layer=$(jq -r '.layers[0].digest' "$manifest")
	config=$(jq -r '.config.digest' "$manifest")
	diff_id=$(jq -r '.rootfs.diff_ids[0]' "$WORK/a/blobs/sha256/${config#sha256:}")
	[ "sha256:$(gzip -dc "$WORK/a/blobs/sha256/${layer#sha256:}" | sha256sum | cut -d' ' -f1)" = "$diff_id" ]
	# Entries are relative, owned by root.
	run sh -c "tar -tzvf '$WORK/a/blobs/sha256/${layer#sha256:}' | awk '{print \$2}' | sort -u"
	[ "$output" = "0/0" ]
}

@test "the busybox image is readable by umoci and skopeo" {
	requires busybox umoci skopeo
	sane_run "$FIXTURES/mk-busybox-image.sh" "$WORK/img" busybox:latest
	[ "$status" -eq 0 ]
	sane_run skopeo inspect "oci:$WORK/img:busybox:latest"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .Architecture)" = amd64 ]
	cd "$WORK"
	local rootless=
	[ "$(id -u)" -eq 0 ] || rootless=--rootless
	sane_run umoci unpack $rootless --image "$WORK/img:busybox:latest" "$WORK/bundle"
	[ "$status" -eq 0 ]
	[ -x "$WORK/bundle/rootfs/bin/busybox" ]
}
