#!/usr/bin/env bats
# The local store commands: images, inspect, tag, rm, gc, history; the store
# format (specs/store-format.md) as other tools read it.  Contract:
# specs/cimage.1.md and specs/store-format.md.

# Messages quote their subject in backticks: literal, not command substitution.
# shellcheck disable=SC2016,SC2154  # stderr/stderr_lines come from bats run --separate-stderr
# shellcheck disable=SC2030,SC2031  # a test may point S at another store: each test is its own subshell

load ../lib/helpers

bats_require_minimum_version 1.5.0

setup_file() {
	# One fixture for the file; every test copies it (making it gzips a rootfs).
	if command -v busybox >/dev/null; then
		"$FIXTURES/mk-busybox-image.sh" "$BATS_FILE_TMPDIR/fixture" busybox:latest >"$BATS_FILE_TMPDIR/digest"
	fi
}

setup() {
	requires busybox jq
	S="$BATS_TEST_TMPDIR/store"
	cp -a "$BATS_FILE_TMPDIR/fixture" "$S"
	DIGEST=$(cat "$BATS_FILE_TMPDIR/digest")
	HEX=${DIGEST#sha256:}
	CONFIG=$(jq -r .config.digest "$S/blobs/sha256/$HEX")
	LAYER=$(jq -r '.layers[0].digest' "$S/blobs/sha256/$HEX")
}

ci() {
	"$CIMAGE" --store "$S" "$@"
}

blobs() {
	find "$S/blobs/sha256" -mindepth 1 -printf '%f\n' | sort
}

@test "images lists names, short digests and sizes, sorted by name" {
	ci tag busybox localhost:5000/app:1
	ci tag busybox aaa
	run_split ci images
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 4 ]
	[[ "${lines[0]}" =~ ^NAME\ +DIGEST\ +SIZE$ ]]
	[[ "${lines[1]}" =~ ^aaa:latest\ +${HEX:0:12}\ +[0-9.]+\ (B|kB|MB)$ ]]
	[[ "${lines[2]}" =~ ^busybox:latest\ +${HEX:0:12}\  ]]
	[[ "${lines[3]}" =~ ^localhost:5000/app:1\ +${HEX:0:12}\  ]]
}

@test "images --format json and -q" {
	run_split ci images --format json
	[ "$status" -eq 0 ]
	size=$(jq '[.config.size, .layers[].size] | add' "$S/blobs/sha256/$HEX")
	jq -e --arg d "$DIGEST" --argjson s "$size" \
		'length == 1 and .[0].name == "busybox:latest" and .[0].digest == $d and .[0].size == $s
		 and .[0].mediaType == "application/vnd.oci.image.manifest.v1+json" and .[0].platform == "linux/amd64"' \
		<<<"$output"
	ci tag busybox other
	run_split ci images -q
	[ "$status" -eq 0 ]
	# one digest, however many names
	[ "$output" = "$DIGEST" ]
}

@test "readers on a store that does not exist: empty, and nothing is created" {
	S="$BATS_TEST_TMPDIR/none"
	run_split ci images
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run_split ci images --format json
	[ "$status" -eq 0 ]
	[ "$(jq length <<<"$output")" -eq 0 ]
	run_split ci inspect app:1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *'inspect `app:1`: image is not in the store'* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	run_split ci history app:1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'history `app:1`: image is not in the store'* ]]
	run_split ci tag app:1 b
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'tag `app:1`: image is not in the store'* ]]
	run_split ci gc
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ ! -e "$S" ]
}

@test "inspect prints a skopeo-like summary, --raw the manifest bytes, --config the config bytes" {
	run_split ci inspect busybox
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	jq -e --arg d "$DIGEST" --arg l "$LAYER" \
		'.Name == "busybox:latest" and .Digest == $d and .Architecture == "amd64" and .Os == "linux"
		 and .Created == "1970-01-01T00:00:00Z" and .Layers == [$l] and .LayersData[0].Digest == $l
		 and .LayersData[0].MIMEType == "application/vnd.oci.image.layer.v1.tar+gzip"
		 and (.Env | index("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")) == 0
		 and .Labels == null' <<<"$output"

	ci inspect --raw busybox:latest >"$BATS_TEST_TMPDIR/raw"
	cmp "$BATS_TEST_TMPDIR/raw" "$S/blobs/sha256/$HEX"
	ci inspect --config busybox >"$BATS_TEST_TMPDIR/config"
	cmp "$BATS_TEST_TMPDIR/config" "$S/blobs/sha256/${CONFIG#sha256:}"
}

@test "inspect of an index: --raw prints it, the summary lists its manifests" {
	msize=$(stat -c %s "$S/blobs/sha256/$HEX")
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"amd64","os":"linux"}}]}' \
		"$DIGEST" "$msize" >"$BATS_TEST_TMPDIR/index"
	ihex=$(sha256sum "$BATS_TEST_TMPDIR/index" | cut -d' ' -f1)
	cp "$BATS_TEST_TMPDIR/index" "$S/blobs/sha256/$ihex"
	isize=$(stat -c %s "$BATS_TEST_TMPDIR/index")
	jq -c --arg d "sha256:$ihex" --argjson s "$isize" \
		'.manifests += [{"mediaType":"application/vnd.oci.image.index.v1+json","digest":$d,"size":$s,"annotations":{"org.opencontainers.image.ref.name":"multi:1"}}]' \
		"$S/index.json" >"$BATS_TEST_TMPDIR/ij"
	mv "$BATS_TEST_TMPDIR/ij" "$S/index.json"

	run_split ci inspect multi:1
	[ "$status" -eq 0 ]
	jq -e --arg d "$DIGEST" '.Name == "multi:1" and .MediaType == "application/vnd.oci.image.index.v1+json"
		and .Manifests[0].Digest == $d and .Manifests[0].Platform == "linux/amd64"' <<<"$output"
	ci inspect --raw multi:1 | cmp - "$BATS_TEST_TMPDIR/index"
	run_split ci inspect --config multi:1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'inspect `multi:1`: an image index has no config'* ]]
	# history picks the host's manifest (linux/amd64 on the CI machines)
	if [ "$(uname -m)" = x86_64 ]; then
		run_split ci history multi:1
		[ "$status" -eq 0 ]
		[[ "${lines[1]}" == *"tests/fixtures/mk-busybox-image.sh"* ]]
	fi
	run_split ci images --format json
	jq -e '.[0].name == "busybox:latest" and .[1].name == "multi:1" and .[1].size == .[0].size' <<<"$output"
}

@test "inspect: errors and flags" {
	run_split ci inspect
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'`inspect` requires exactly 1 argument; usage: cimage inspect [--raw|--config] [--tls-verify=false] [--cert-dir DIR] REF'* ]]
	run_split ci inspect --raw --config busybox
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"--raw and --config exclude each other"* ]]
	run_split ci inspect --bogus busybox
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"flag provided but not defined: --bogus"* ]]
	run_split ci inspect nope:1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *'inspect `nope:1`: image is not in the store'* ]]
	run_split ci inspect 'bad name'
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'invalid name `bad name`'* ]]
}

@test "a short name finds the one HOST/NAME; several are listed" {
	ci tag busybox localhost:5000/app:1
	run_split ci inspect app:1
	[ "$status" -eq 0 ]
	[ "$(jq -r .Name <<<"$output")" = "localhost:5000/app:1" ]
	ci tag busybox registry.example/app:1
	run_split ci inspect app:1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'image `app:1` is ambiguous: `localhost:5000/app:1`, `registry.example/app:1`'* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "tag adds a descriptor with the same digest; tagging again replaces it" {
	ci tag busybox app
	ci tag busybox:latest app:2
	jq -e --arg d "$DIGEST" '[.manifests[] | select(.digest == $d)] | length == 3' "$S/index.json"
	jq -e '[.manifests[].annotations["org.opencontainers.image.ref.name"]] | sort == ["app:2","app:latest","busybox:latest"]' "$S/index.json"
	ci tag app app:2
	jq -e '.manifests | length == 3' "$S/index.json"
	# no blob was touched
	[ "$(blobs | wc -l)" -eq 3 ]
}

@test "tag: usage errors and bad names" {
	run_split ci tag busybox
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'`tag` requires exactly 2 arguments; usage: cimage tag NAME NEWNAME'* ]]
	run_split ci tag busybox 'Bad Name'
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'tag `busybox`: invalid name `Bad Name`'* ]]
	run_split ci tag nope x
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'tag `nope`: image is not in the store'* ]]
	jq -e '.manifests | length == 1' "$S/index.json"
}

@test "rm removes names, all or nothing, and leaves the blobs to gc" {
	ci tag busybox a:1
	ci tag busybox b:1
	before=$(blobs)
	run_split ci rm a:1 nope:1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'rm `nope:1`: image is not in the store'* ]]
	jq -e '.manifests | length == 3' "$S/index.json"
	run_split ci rm a:1 b
	[ "$status" -eq 1 ]
	run_split ci rm a:1 b:1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	jq -e '[.manifests[].annotations["org.opencontainers.image.ref.name"]] == ["busybox:latest"]' "$S/index.json"
	[ "$(blobs)" = "$before" ]
	run_split ci rm
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'`rm` requires at least 1 argument'* ]]
}

@test "gc removes exactly the unreferenced blobs and the orphans in tmp/" {
	# an unreferenced blob, a file that is not a digest, an orphan temp file
	printf 'junk' >"$BATS_TEST_TMPDIR/junk"
	jhex=$(sha256sum "$BATS_TEST_TMPDIR/junk" | cut -d' ' -f1)
	cp "$BATS_TEST_TMPDIR/junk" "$S/blobs/sha256/$jhex"
	echo x >"$S/blobs/sha256/NOTES"
	mkdir -p "$S/tmp"
	echo x >"$S/tmp/blob-orphan"
	run_split ci gc
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$stderr" == *"removed sha256:$jhex (4 B)"* ]]
	[[ "$stderr" == *"gc: removed 1 blob (4 B) and 1 temporary file"* ]]
	[ ! -e "$S/blobs/sha256/$jhex" ]
	[ ! -e "$S/tmp/blob-orphan" ]
	[ -e "$S/blobs/sha256/NOTES" ]
	[ -e "$S/blobs/sha256/$HEX" ] && [ -e "$S/blobs/sha256/${CONFIG#sha256:}" ] && [ -e "$S/blobs/sha256/${LAYER#sha256:}" ]

	# rm then gc frees the image; -q says nothing
	ci rm busybox
	run_split ci gc -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	[ "$(blobs)" = NOTES ]
}

@test "gc fails naming a missing blob and deletes nothing" {
	printf 'junk' >"$BATS_TEST_TMPDIR/junk"
	jhex=$(sha256sum "$BATS_TEST_TMPDIR/junk" | cut -d' ' -f1)
	cp "$BATS_TEST_TMPDIR/junk" "$S/blobs/sha256/$jhex"
	rm "$S/blobs/sha256/${CONFIG#sha256:}"
	run_split ci gc
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"blob \`$CONFIG\` (needed by manifest $DIGEST) is missing"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ -e "$S/blobs/sha256/$jhex" ]
}

@test "gc keeps blobs of unknown media types and does not follow them" {
	printf 'x' >"$BATS_TEST_TMPDIR/x"
	xhex=$(sha256sum "$BATS_TEST_TMPDIR/x" | cut -d' ' -f1)
	cp "$BATS_TEST_TMPDIR/x" "$S/blobs/sha256/$xhex"
	jq -c --arg d "sha256:$xhex" '.manifests += [{"mediaType":"application/x-unknown","digest":$d,"size":1}]' \
		"$S/index.json" >"$BATS_TEST_TMPDIR/ij"
	mv "$BATS_TEST_TMPDIR/ij" "$S/index.json"
	run_split ci gc
	[ "$status" -eq 0 ]
	[ -e "$S/blobs/sha256/$xhex" ]
	# unknown entries are not names and stay through tag
	ci tag busybox t:1
	jq -e --arg d "sha256:$xhex" '[.manifests[] | select(.digest == $d)] | length == 1' "$S/index.json"
}

@test "history prints the config history, newest first, with layer sizes" {
	run_split ci history busybox
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" =~ ^CREATED\ +CREATED\ BY\ +SIZE\ +COMMENT$ ]]
	[[ "${lines[1]}" =~ ^1970-01-01T00:00:00Z\ +tests/fixtures/mk-busybox-image.sh\ +[0-9.]+\ MB$ ]]
	run_split ci history --format json busybox
	[ "$status" -eq 0 ]
	lsize=$(jq '.layers[0].size' "$S/blobs/sha256/$HEX")
	jq -e --arg l "$LAYER" --argjson s "$lsize" \
		'length == 1 and .[0].createdBy == "tests/fixtures/mk-busybox-image.sh" and .[0].layer == $l
		 and .[0].size == $s and .[0].emptyLayer == false' <<<"$output"
	run_split ci history --format yaml busybox
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'history: unknown format `yaml`'* ]]
	run_split ci history
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'`history` requires exactly 1 argument'* ]]
}

@test "images: flags are checked" {
	run_split ci images --format yaml
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'images: unknown format `yaml` (table or json)'* ]]
	run_split ci images extra
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'`images` requires exactly 0 arguments'* ]]
	run_split ci images --format
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"flag needs an argument: --format"* ]]
	run_split ci gc extra
	[ "$status" -eq 1 ]
	run_split ci gc --bogus
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"flag provided but not defined: --bogus"* ]]
}

@test "a corrupted index.json or oci-layout is one line naming the file" {
	cp "$S/index.json" "$BATS_TEST_TMPDIR/index.json"
	printf '{"schemaVersion":2,"manifests":[' >"$S/index.json"
	for cmd in images "inspect busybox" gc "tag busybox x"; do
		# shellcheck disable=SC2086
		run_split ci $cmd
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		[[ "$stderr" == *"\`$S/index.json\`: invalid JSON"* ]]
		[ "${#stderr_lines[@]}" -eq 1 ]
	done
	cp "$BATS_TEST_TMPDIR/index.json" "$S/index.json"
	printf '{"imageLayoutVersion":"2.0.0"}' >"$S/oci-layout"
	run_split ci images
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"\`$S/oci-layout\`: imageLayoutVersion \`2.0.0\` is not supported"* ]]
	printf 'nope' >"$S/oci-layout"
	run_split ci tag busybox x
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"\`$S/oci-layout\`: invalid JSON"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "a name twice in index.json is an error naming it" {
	jq -c '.manifests += .manifests' "$S/index.json" >"$BATS_TEST_TMPDIR/ij"
	mv "$BATS_TEST_TMPDIR/ij" "$S/index.json"
	run_split ci images
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"name \`busybox:latest\` appears twice in \`$S/index.json\`"* ]]
}

@test "a directory that is not a layout is refused, not turned into a store" {
	S="$BATS_TEST_TMPDIR/other"
	mkdir "$S"
	echo hi >"$S/file"
	run_split ci images
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"\`$S\` is not an OCI image layout"* ]]
	run_split ci gc
	[ "$status" -eq 1 ]
	[ ! -e "$S/oci-layout" ]
}

@test "two concurrent tag loops into one store lose no names" {
	for p in 1 2; do
		(for i in $(seq 1 25); do "$CIMAGE" --store "$S" tag busybox "p$p/img:$i" || exit 1; done) &
		eval "pid$p=$!"
	done
	wait "$pid1"
	wait "$pid2"
	run jq '.manifests | length' "$S/index.json"
	[ "$output" -eq 51 ]
	run_split ci images -q
	[ "$output" = "$DIGEST" ]
}

@test "the store stays readable by skopeo and umoci" {
	requires skopeo umoci
	ci tag busybox localhost:5000/app:1
	run skopeo inspect "oci:$S:localhost:5000/app:1"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq -r .Digest <<<"$output")" = "$DIGEST" ]
	run skopeo copy "oci:$S:busybox:latest" "oci:$BATS_TEST_TMPDIR/other:x"
	echo "$output"
	[ "$status" -eq 0 ]
	run umoci ls --layout "$S"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"busybox:latest"* ]]
	[[ "$output" == *"localhost:5000/app:1"* ]]
	# a layout skopeo wrote is a store cimage reads
	S="$BATS_TEST_TMPDIR/other"
	run_split ci inspect x
	[ "$status" -eq 0 ]
	# skopeo stored the name as given ("x"): found as given
	[ "$(jq -r .Name <<<"$output")" = "x" ]
}

@test "umoci unpacks a stored image" {
	requires root umoci
	ci tag busybox app:1
	run umoci unpack --image "$S:app:1" "$BATS_TEST_TMPDIR/bundle"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -x "$BATS_TEST_TMPDIR/bundle/rootfs/bin/busybox" ]
}
