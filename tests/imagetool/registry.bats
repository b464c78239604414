#!/usr/bin/env bats
# The registry client (imagetool/registry.c) through tests/helpers/registry-client:
# docker-registry in every auth and TLS variant, interop with skopeo, and a
# misbehaving registry (tests/helpers/badregistry.py) for the bad inputs.

# Messages quote their subject in backticks: literal, not command substitution.
# shellcheck disable=SC2016,SC2154  # stderr comes from bats run --separate-stderr

load ../lib/helpers
load ../lib/registry

bats_require_minimum_version 1.5.0

RC=${CT_BUILDDIR}/tests/helpers/registry-client

setup_file() {
	command -v docker-registry >/dev/null && command -v htpasswd >/dev/null || return 0
	command -v skopeo >/dev/null || return 0
	registry_start plain
	badregistry_start
	# The busybox fixture, pushed once with skopeo: what the tests fetch.
	FIXTURE_DIGEST=$("$FIXTURES/mk-busybox-image.sh" "$BATS_FILE_TMPDIR/img" busybox:1)
	skopeo copy -q --dest-tls-verify=false "oci:$BATS_FILE_TMPDIR/img:busybox:1" \
		"docker://$REGISTRY/busybox:1" >&2
	export FIXTURE_DIGEST
	export IMG=$BATS_FILE_TMPDIR/img
}

teardown_file() {
	registry_stop
}

setup() {
	registry_requires
	command -v skopeo >/dev/null || skip "test requires skopeo"
	export REGISTRY_AUTH_FILE=$BATS_TEST_TMPDIR/auth.json
	BAD_LAYER=$(python3 -c 'import hashlib; print("sha256:" + hashlib.sha256(b"".join(hashlib.sha256(b"layer %d" % i).digest() for i in range(300 * 1024 // 32))).hexdigest())')
}

teardown() {
	registry_stop
}

# No blob file and no temporary file left in layout $1 for digest $2.
nothing_stored() {
	[ ! -e "$1/blobs/sha256/${2#sha256:}" ]
	[ -z "$(ls -A "$1/tmp" 2>/dev/null)" ]
}

@test "pull a skopeo-pushed image: same digests, every blob verified into the layout" {
	run_split "$RC" pull "$BATS_TEST_TMPDIR/l" "$REGISTRY" busybox 1
	[ "$status" -eq 0 ]
	[ "$output" = "$FIXTURE_DIGEST" ]
	[[ "$stderr" == *"Copying blob sha256:"*" done"* ]]
	for f in "$IMG"/blobs/sha256/*; do
		cmp "$f" "$BATS_TEST_TMPDIR/l/blobs/sha256/$(basename "$f")"
	done
	# Again: every blob is there already.
	run_split "$RC" pull "$BATS_TEST_TMPDIR/l" "$REGISTRY" busybox 1
	[ "$status" -eq 0 ]
	[[ "$stderr" == *" exists"* ]]
	[[ "$stderr" != *" done"* ]]
}

@test "get-manifest by tag and by digest, get-blob; an unknown tag is the registry's error code" {
	run_split "$RC" get-manifest "$REGISTRY" busybox 1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$FIXTURE_DIGEST" ]
	[ "${lines[1]}" = application/vnd.oci.image.manifest.v1+json ]
	run_split "$RC" get-manifest "$REGISTRY" busybox "$FIXTURE_DIGEST"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$FIXTURE_DIGEST" ]
	# The config into memory, verified; refused when larger than allowed.
	config=$(jq -r .config.digest "$IMG/blobs/sha256/${FIXTURE_DIGEST#sha256:}")
	size=$(jq -r .config.size "$IMG/blobs/sha256/${FIXTURE_DIGEST#sha256:}")
	"$RC" get-blob "$REGISTRY" busybox "$config:$size" 65536 >"$BATS_TEST_TMPDIR/config"
	cmp "$BATS_TEST_TMPDIR/config" "$IMG/blobs/sha256/${config#sha256:}"
	run_split "$RC" get-blob "$REGISTRY" busybox "$config:$size" 10
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"blob too large"* ]]
	run_split "$RC" get-blob "$BADREGISTRY" wrongdigest "$BAD_LAYER:307200" 1000000
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"digest mismatch"* ]]
	run_split "$RC" get-manifest "$REGISTRY" busybox nope
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"pull \`$REGISTRY/busybox:nope\`: manifest unknown (404)"* ]]
}

@test "push, then skopeo inspects and copies the image back unchanged" {
	run_split "$RC" push "$IMG" "$REGISTRY" pushed "$FIXTURE_DIGEST" v1
	[ "$status" -eq 0 ]
	run skopeo inspect --tls-verify=false "docker://$REGISTRY/pushed:v1"
	[ "$status" -eq 0 ]
	[ "$(jq -r .Digest <<<"$output")" = "$FIXTURE_DIGEST" ]
	run skopeo copy -q --src-tls-verify=false "docker://$REGISTRY/pushed:v1" "oci:$BATS_TEST_TMPDIR/back:x"
	[ "$status" -eq 0 ]
	# A second push finds every blob there (HEAD).
	run_split "$RC" push "$IMG" "$REGISTRY" pushed "$FIXTURE_DIGEST" v1
	[ "$status" -eq 0 ]
	[[ "$stderr" == *" exists"* ]]
	[[ "$stderr" != *" done"* ]]
}

@test "a blob larger than CIMAGE_CHUNK_SIZE is uploaded in chunks (PATCH) and arrives intact" {
	CIMAGE_CHUNK_SIZE=65536 run_split "$RC" --debug push "$IMG" "$REGISTRY" chunked "$FIXTURE_DIGEST" v1
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"upload chunk 0-65535"* ]]
	[[ "$stderr" == *"upload chunk 65536-131071"* ]]
	run skopeo copy -q --src-tls-verify=false "docker://$REGISTRY/chunked:v1" "oci:$BATS_TEST_TMPDIR/back:x"
	[ "$status" -eq 0 ]
	run_split "$RC" pull "$BATS_TEST_TMPDIR/l" "$REGISTRY" chunked v1
	[ "$status" -eq 0 ]
	[ "$output" = "$FIXTURE_DIGEST" ]
}

@test "push with --mount-from mounts the blobs from another repository" {
	run_split "$RC" --mount-from busybox push "$IMG" "$REGISTRY" mounted "$FIXTURE_DIGEST" v1
	[ "$status" -eq 0 ]
	[ "$(grep -c ' mounted$' <<<"$stderr")" -eq 2 ]
	run skopeo inspect --tls-verify=false "docker://$REGISTRY/mounted:v1"
	[ "$status" -eq 0 ]
	[ "$(jq -r .Digest <<<"$output")" = "$FIXTURE_DIGEST" ]
}

@test "htpasswd registry: no credentials, wrong ones, then the stored ones" {
	registry_start htpasswd
	run_split "$RC" ping "$REGISTRY"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"authentication required (401)"* ]]
	run_split "$RC" --user "$REGISTRY_USER" --pass wrong ping "$REGISTRY"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"authentication failed (401): unauthorized"* ]]
	run_split "$CIMAGE" login -u "$REGISTRY_USER" -p "$REGISTRY_PASS" "$REGISTRY"
	[ "$status" -eq 0 ]
	run_split "$RC" push "$IMG" "$REGISTRY" app "$FIXTURE_DIGEST" 1
	[ "$status" -eq 0 ]
	run_split "$RC" pull "$BATS_TEST_TMPDIR/l" "$REGISTRY" app 1
	[ "$status" -eq 0 ]
	[ "$output" = "$FIXTURE_DIGEST" ]
}

@test "token registry: bearer tokens asked with the repository scope and the credentials" {
	registry_requires token
	registry_start token
	run_split "$RC" get-manifest "$REGISTRY" app 1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"authentication failed (401)"* ]]
	run_split "$CIMAGE" login -u "$REGISTRY_USER" -p "$REGISTRY_PASS" "$REGISTRY"
	[ "$status" -eq 0 ]
	: >"$TOKEN_LOG"
	run_split "$RC" push "$IMG" "$REGISTRY" app "$FIXTURE_DIGEST" 1
	[ "$status" -eq 0 ]
	grep -qi 'scope=repository%3aapp%3apull%2cpush.* auth=yes' "$TOKEN_LOG"
	# One token for the whole push: it is reused until a 401.
	[ "$(wc -l <"$TOKEN_LOG")" -eq 1 ]
	run_split "$RC" pull "$BATS_TEST_TMPDIR/l" "$REGISTRY" app 1
	[ "$status" -eq 0 ]
	[ "$output" = "$FIXTURE_DIGEST" ]
	grep -qi 'scope=repository%3aapp%3apull auth=yes' "$TOKEN_LOG"
}

@test "TLS registry: refused without its CA, trusted with --cert-dir, unverified with --tls-verify=false" {
	registry_start tls-htpasswd
	run_split "$RC" --user "$REGISTRY_USER" --pass "$REGISTRY_PASS" ping "$REGISTRY"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"tls: "*"certificate"*"--cert-dir"* ]]
	run_split "$RC" --cert-dir "$REGISTRY_CERT_DIR" --user "$REGISTRY_USER" --pass "$REGISTRY_PASS" \
		push "$IMG" "$REGISTRY" app "$FIXTURE_DIGEST" 1
	[ "$status" -eq 0 ]
	run_split "$RC" --tls-verify=false --user "$REGISTRY_USER" --pass "$REGISTRY_PASS" \
		pull "$BATS_TEST_TMPDIR/l" "$REGISTRY" app 1
	[ "$status" -eq 0 ]
	[ "$output" = "$FIXTURE_DIGEST" ]
	run_split "$RC" --cert-dir "$BATS_TEST_TMPDIR/nonexistent" ping "$REGISTRY"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"certificate directory"* ]]
}

@test "a blob with the wrong digest is refused and nothing is stored" {
	run_split "$RC" -q pull "$BATS_TEST_TMPDIR/l" "$BADREGISTRY" wrongdigest 1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"pull \`$BADREGISTRY/wrongdigest@$BAD_LAYER\`: digest mismatch"* ]]
	nothing_stored "$BATS_TEST_TMPDIR/l" "$BAD_LAYER"
}

@test "a blob too long or too short is refused and nothing is stored" {
	for mode in wrongsize short; do
		run_split "$RC" -q pull "$BATS_TEST_TMPDIR/l" "$BADREGISTRY" $mode 1
		[ "$status" -eq 1 ]
		[[ "$stderr" == *"$BADREGISTRY/$mode@$BAD_LAYER\`: size mismatch"* ]]
		nothing_stored "$BATS_TEST_TMPDIR/l" "$BAD_LAYER"
	done
}

@test "a download cut mid-stream resumes with a Range request" {
	run_split "$RC" -q pull "$BATS_TEST_TMPDIR/l" "$BADREGISTRY" truncate 1
	[ "$status" -eq 0 ]
	[ -f "$BATS_TEST_TMPDIR/l/blobs/sha256/${BAD_LAYER#sha256:}" ]
	grep -q "GET /v2/truncate/blobs/$BAD_LAYER range=bytes=153600-" "$BADREGISTRY_LOG"
	# A registry answering the Range with the whole blob (200): start over.
	run_split "$RC" -q pull "$BATS_TEST_TMPDIR/l2" "$BADREGISTRY" restart 1
	[ "$status" -eq 0 ]
	[ -f "$BATS_TEST_TMPDIR/l2/blobs/sha256/${BAD_LAYER#sha256:}" ]
}

@test "a resume answered 416 after every byte arrived commits the verified blob" {
	run_split "$RC" -q pull "$BATS_TEST_TMPDIR/l" "$BADREGISTRY" allsent 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	grep -q "GET /v2/allsent/blobs/$BAD_LAYER range=bytes=307200-" "$BADREGISTRY_LOG"
	echo "${BAD_LAYER#sha256:}  $BATS_TEST_TMPDIR/l/blobs/sha256/${BAD_LAYER#sha256:}" | sha256sum -c -
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/l/tmp")" ]
}

@test "a manifest over 4 MiB is refused, with or without Content-Length" {
	for mode in bigmanifest bigstream; do
		run_split "$RC" get-manifest "$BADREGISTRY" $mode 1
		[ "$status" -eq 1 ]
		[[ "$stderr" == *"$BADREGISTRY/$mode:1\`: manifest too large"* ]]
	done
}

@test "an unknown manifest media type and a lying Docker-Content-Digest are refused" {
	run_split "$RC" get-manifest "$BADREGISTRY" badtype 1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"unsupported manifest media type \`application/vnd.example.thing+json\`"* ]]
	run_split "$RC" get-manifest "$BADREGISTRY" digestlie 1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"digest mismatch: the registry says sha256:"* ]]
}

@test "a registry that never answers fails after CIMAGE_STALL_TIMEOUT (with retries)" {
	start=$SECONDS
	CIMAGE_STALL_TIMEOUT=1 run_split "$RC" get-manifest "$BADREGISTRY" hang 1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"$BADREGISTRY/hang:1\`: timed out"* ]]
	[ "$(grep -c '^GET /v2/hang/manifests/1' "$BADREGISTRY_LOG")" -eq 4 ]
	[ $((SECONDS - start)) -lt 30 ]
}

@test "500, 503 and 429 (Retry-After) are retried; a registry failing every time is reported" {
	run_split "$RC" -q pull "$BATS_TEST_TMPDIR/l" "$BADREGISTRY" flaky 1
	[ "$status" -eq 0 ]
	[ "$(grep -c '^GET /v2/flaky/manifests/1' "$BADREGISTRY_LOG")" -eq 2 ]
	[ "$(grep -c "^GET /v2/flaky/blobs/$BAD_LAYER" "$BADREGISTRY_LOG")" -eq 2 ]
	start=$SECONDS
	run_split "$RC" get-manifest "$BADREGISTRY" ratelimit 1
	[ "$status" -eq 0 ]
	[ "$(grep -c '^GET /v2/ratelimit/manifests/1' "$BADREGISTRY_LOG")" -eq 2 ]
	run_split "$RC" get-manifest "$BADREGISTRY" alwaysfail 1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"$BADREGISTRY/alwaysfail:1\`: unavailable (503)"* ]]
	[ "$(grep -c '^GET /v2/alwaysfail/manifests/1' "$BADREGISTRY_LOG")" -eq 4 ]
}

@test "a blob redirected to another host is fetched without the Authorization header" {
	printf '{"auths":{"%s":{"auth":"%s"}}}' "$BADREGISTRY" "$(printf u:p | base64)" >"$REGISTRY_AUTH_FILE"
	run_split "$RC" -q pull "$BATS_TEST_TMPDIR/l" "$BADREGISTRY" redirect 1
	[ "$status" -eq 0 ]
	grep -q "^GET /v2/redirect/blobs/$BAD_LAYER range=- auth=yes" "$BADREGISTRY_LOG"
	grep -q "^GET /storage/$BAD_LAYER range=- auth=no" "$BADREGISTRY_LOG"
	! grep -q "^GET /storage/.* auth=yes" "$BADREGISTRY_LOG"
}

@test "on a terminal the progress is redrawn in place and ends with every blob's state" {
	run python3 -c '
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode())
sys.exit(os.waitstatus_to_exitcode(status))' "$RC" push "$IMG" "$REGISTRY" tty "$FIXTURE_DIGEST" 1
	echo "$output" | cat -A
	[ "$status" -eq 0 ]
	# Cursor up and clear-line sequences, then both blobs done.
	[[ "$output" == *$'\033['*A* ]]
	[[ "$output" == *$'\033[K'* ]]
	[ "$(grep -c 'done' <<<"$output")" -ge 2 ]
}

@test "a registry requiring a client certificate: client.cert/client.key from --cert-dir" {
	registry_start tls-clientcert
	run_split "$RC" --cert-dir "$REGISTRY_CA_ONLY_DIR" ping "$REGISTRY"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"ping \`$REGISTRY\`: "* ]]
	run_split "$RC" --cert-dir "$REGISTRY_CERT_DIR" push "$IMG" "$REGISTRY" app "$FIXTURE_DIGEST" 1
	[ "$status" -eq 0 ]
	# cert.pem + key.pem name a client certificate too.
	mkdir "$BATS_TEST_TMPDIR/pem"
	cp "$REGISTRY_CERT_DIR/ca.crt" "$BATS_TEST_TMPDIR/pem/"
	cp "$REGISTRY_CERT_DIR/client.cert" "$BATS_TEST_TMPDIR/pem/cert.pem"
	cp "$REGISTRY_CERT_DIR/client.key" "$BATS_TEST_TMPDIR/pem/key.pem"
	run_split "$RC" --cert-dir "$BATS_TEST_TMPDIR/pem" pull "$BATS_TEST_TMPDIR/l" "$REGISTRY" app 1
	[ "$status" -eq 0 ]
	[ "$output" = "$FIXTURE_DIGEST" ]
	# A certificate without its key is named.
	rm "$BATS_TEST_TMPDIR/pem/key.pem"
	run_split "$RC" --cert-dir "$BATS_TEST_TMPDIR/pem" ping "$REGISTRY"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"client certificate \`$BATS_TEST_TMPDIR/pem/cert.pem\` has no key"* ]]
}
