#!/usr/bin/env bats
# cimage export and import: OCI and docker archives, interoperability with
# skopeo, hostile archives.  Contract: specs/cimage.1.md (export, import).

# Messages quote their subject in backticks: literal, not command substitution.
# shellcheck disable=SC2016,SC2154,SC2030,SC2031  # bats: stderr/stderr_lines, status and output come from run
# shellcheck disable=SC2153  # FIXTURES comes from ../lib/helpers

load ../lib/helpers

bats_require_minimum_version 1.5.0

setup_file() {
	# The busybox image, once: an OCI layout that is also a store.
	FIXTURE=$BATS_FILE_TMPDIR/fixture
	DIGEST=$("$FIXTURES/mk-busybox-image.sh" "$FIXTURE" busybox:latest)
	export FIXTURE DIGEST
}

setup() {
	STORE=$BATS_TEST_TMPDIR/store
	cp -a "$FIXTURE" "$STORE"
	T=$BATS_TEST_TMPDIR
}

cimage() {
	"$CIMAGE" --store "$STORE" "$@"
}

# The digest named NAME in LAYOUT's index.json.
digest_of() {
	jq -er --arg n "$2" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $n) | .digest' \
		"$1/index.json"
}

blob() {
	echo "$1/blobs/sha256/${2#sha256:}"
}

@test "export then import keeps the manifest digest and every blob" {
	run_split cimage export busybox -o "$T/a.tar"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -s "$T/a.tar" ]
	# No temporary file is left beside it.
	[ "$(find "$T" -maxdepth 1 -name '.a.tar.tmp-*' | wc -l)" -eq 0 ]
	# An OCI layout, sorted, owned 0:0, mtime 0.
	run tar -tvf "$T/a.tar" --numeric-owner
	echo "$output"
	[ "${lines[0]}" = "drwxr-xr-x 0/0               0 1970-01-01 00:00 blobs/" ]
	[[ "$output" == *" blobs/sha256/${DIGEST#sha256:}"* ]]
	[[ "${lines[-2]}" == *" index.json" ]]
	[[ "${lines[-1]}" == *" oci-layout" ]]
	tar -xOf "$T/a.tar" index.json | jq -e --arg d "$DIGEST" \
		'.manifests | length == 1 and .[0].digest == $d and .[0].annotations["org.opencontainers.image.ref.name"] == "busybox:latest"'

	other=$T/other
	run_split "$CIMAGE" --store "$other" import "$T/a.tar" app:1
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	[ "$(digest_of "$other" app:1)" = "$DIGEST" ]
	diff <(cd "$STORE/blobs/sha256" && ls) <(cd "$other/blobs/sha256" && ls)
	[ "$(jq '.manifests | length' "$other/index.json")" -eq 1 ]

	# Importing again only renames.
	run_split "$CIMAGE" --store "$other" import "$T/a.tar" app:2
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	[ "$(jq '.manifests | length' "$other/index.json")" -eq 2 ]
}

@test "export writes the same bytes every time, in both formats" {
	cimage export busybox -o "$T/a.tar"
	cimage export busybox >"$T/b.tar"
	cmp "$T/a.tar" "$T/b.tar"
	cimage export --format docker busybox -o "$T/c.tar"
	cimage export busybox --format docker -o "$T/d.tar"
	cmp "$T/c.tar" "$T/d.tar"
}

@test "export | import through a pipe, and a gzip-compressed archive" {
	run_split bash -c '"$1" --store "$2" export busybox | "$1" --store "$3" import - piped:1' _ "$CIMAGE" "$STORE" "$T/s2"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	[ "$(digest_of "$T/s2" piped:1)" = "$DIGEST" ]

	cimage export busybox | gzip -c >"$T/a.tar.gz"
	run_split "$CIMAGE" --store "$T/s3" import "$T/a.tar.gz" gz:1
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]

	cimage export --format docker busybox | zstd -q -c >"$T/d.tar.zst"
	run_split "$CIMAGE" --store "$T/s3" import - zst:1 <"$T/d.tar.zst"
	[ "$status" -eq 0 ]
	[ "$(digest_of "$T/s3" zst:1)" = "$output" ]
}

@test "export refuses to write an archive to a terminal, import to read one" {
	requires script
	run_split script -qec "$CIMAGE --store $STORE export busybox" /dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *"refusing to write an archive to a terminal; use -o FILE or redirect stdout"* ]]
	[ "${#output}" -lt 200 ]
	# Nor is one read from a terminal (it would wait for typing).
	run_split script -qec "$CIMAGE --store $STORE import - x:1" /dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *"refusing to read an archive from a terminal; give FILE or redirect stdin"* ]]
}

@test "export errors: unknown image, unknown format, unwritable file; nothing is left behind" {
	run_split cimage export nope -o "$T/x.tar"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *'export `nope`: image is not in the store'* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ ! -e "$T/x.tar" ]

	run_split "$CIMAGE" --store "$T/none" export busybox -o "$T/x.tar"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'export `busybox`: image is not in the store'* ]]
	[ ! -e "$T/none" ]

	run_split cimage export --format zip busybox -o "$T/x.tar"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'unknown archive format `zip` (oci or docker)'* ]]
	[ ! -e "$T/x.tar" ]

	run_split cimage export busybox -o "$T/no/such/dir/x.tar"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"export \`busybox\`: create \`$T/no/such/dir/.x.tar.tmp-"* ]]

	run_split cimage export
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'`export` requires exactly 1 argument; usage: cimage export NAME [-o FILE|-] [--format oci|docker]'* ]]

	# A blob damaged in the store fails the export; the old file stays.
	echo old >"$T/x.tar"
	chmod u+w "$(blob "$STORE" "$DIGEST")"
	layer=$(jq -r '.layers[0].digest' "$(blob "$STORE" "$DIGEST")")
	printf 'X' | dd of="$(blob "$STORE" "$layer")" bs=1 seek=100 conv=notrunc status=none
	run_split cimage export busybox -o "$T/x.tar"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"blob \`$layer\`"*"digest mismatch"* ]]
	[ "$(cat "$T/x.tar")" = old ]
	[ "$(find "$T" -maxdepth 1 -name '.x.tar.tmp-*' | wc -l)" -eq 0 ]
}

@test "a docker archive written by skopeo imports with its config and layers unchanged" {
	requires skopeo
	skopeo --insecure-policy copy -q "oci:$STORE:busybox:latest" "docker-archive:$T/d.tar:busybox:1"
	run_split cimage import "$T/d.tar" fromskopeo:1
	[ "$status" -eq 0 ]
	m=$(blob "$STORE" "$output")
	[ "$(digest_of "$STORE" fromskopeo:1)" = "$output" ]
	jq . "$m"
	jq -e '.schemaVersion == 2 and .mediaType == "application/vnd.oci.image.manifest.v1+json"' "$m"
	jq -e '.config.mediaType == "application/vnd.oci.image.config.v1+json"' "$m"
	jq -e '.layers | length == 1' "$m"
	jq -e '.layers[0].mediaType == "application/vnd.oci.image.layer.v1.tar"' "$m"

	# The layer is the archive's layer tar; the config the archive's config.
	mkdir "$T/x"
	tar -C "$T/x" -xf "$T/d.tar"
	layer_member=$(jq -r '.[0].Layers[0]' "$T/x/manifest.json")
	config_member=$(jq -r '.[0].Config' "$T/x/manifest.json")
	[ "$(jq -r '.layers[0].digest' "$m")" = "sha256:$(sha256sum "$T/x/$layer_member" | cut -d' ' -f1)" ]
	[ "$(jq -r '.config.digest' "$m")" = "sha256:$(sha256sum "$T/x/$config_member" | cut -d' ' -f1)" ]
	# The image ID is unchanged: the same config as the original image.
	[ "$(jq -r '.config.digest' "$m")" = "$(jq -r '.config.digest' "$(blob "$STORE" "$DIGEST")")" ]
	# The descriptor carries the platform from the config.
	jq -e --arg n fromskopeo:1 '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $n) |
		.platform == {"architecture": "amd64", "os": "linux"}' "$STORE/index.json"
	# Unrelated members (json, VERSION, repositories) are not stored.
	n=0
	for f in "$T/x/repositories" "$T"/x/*/json "$T"/x/*/VERSION; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		[ ! -e "$STORE/blobs/sha256/$(sha256sum "$f" | cut -d' ' -f1)" ]
	done
	[ "$n" -gt 0 ]

	# The same with the layer.tar links as files (older docker save).
	tar -C "$T/x" --sort=name --hard-dereference -chf "$T/legacy.tar" .
	tar -tvf "$T/legacy.tar" | grep -q '^-.* \./.*/layer.tar$'
	run_split cimage import "$T/legacy.tar" legacy:1
	[ "$status" -eq 0 ]
	[ "$output" = "$(digest_of "$STORE" fromskopeo:1)" ]
}

@test "skopeo reads cimage's OCI archive and keeps the digest" {
	requires skopeo
	cimage export busybox -o "$T/a.tar"
	skopeo --insecure-policy copy -q "oci-archive:$T/a.tar" "oci:$T/out:x"
	[ "$(digest_of "$T/out" x)" = "$DIGEST" ]
	skopeo --insecure-policy copy -q "oci-archive:$T/a.tar:busybox:latest" "oci:$T/out:y"
	[ "$(digest_of "$T/out" y)" = "$DIGEST" ]
}

@test "cimage's docker archive loads in skopeo and back into cimage" {
	requires skopeo
	cimage export --format docker busybox -o "$T/d.tar"
	run tar -tf "$T/d.tar"
	echo "$output"
	config=$(jq -r '.config.digest' "$(blob "$STORE" "$DIGEST")")
	diff_id=$(jq -r '.rootfs.diff_ids[0]' "$(blob "$STORE" "$config")")
	# Sorted by name.
	[ "$output" = "$(printf '%s\n' "${config#sha256:}.json" "${diff_id#sha256:}.tar" manifest.json repositories | LC_ALL=C sort)" ]
	tar -xOf "$T/d.tar" manifest.json | jq -e --arg c "${config#sha256:}.json" --arg l "${diff_id#sha256:}.tar" \
		'. == [{"Config": $c, "RepoTags": ["busybox:latest"], "Layers": [$l]}]'
	# The layer is stored decompressed: its digest is the diff_id.
	[ "sha256:$(tar -xOf "$T/d.tar" "${diff_id#sha256:}.tar" | sha256sum | cut -d' ' -f1)" = "$diff_id" ]

	skopeo --insecure-policy copy -q "docker-archive:$T/d.tar" "oci:$T/out:x"
	m=$(blob "$T/out" "$(digest_of "$T/out" x)")
	# skopeo re-encodes the config when it converts to OCI: same content.
	diff <(jq -S . "$(blob "$T/out" "$(jq -r '.config.digest' "$m")")") <(jq -S . "$(blob "$STORE" "$config")")

	run_split cimage import "$T/d.tar" back:1
	[ "$status" -eq 0 ]
	m=$(blob "$STORE" "$output")
	[ "$(jq -r '.config.digest' "$m")" = "$config" ]
	[ "$(jq -r '.layers[0].digest' "$m")" = "$diff_id" ]
}

@test "an archive with several images: import lists them, --ref chooses" {
	requires python3
	cimage export busybox -o "$T/a.tar"
	python3 "$FIXTURES/mk-evil-archive.py" multi "$T/a.tar" "$T/multi.tar"
	cp "$STORE/index.json" "$T/index.before"
	run_split cimage import "$T/multi.tar" x:1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"import \`$T/multi.tar\`: the archive holds 2 images; choose one of \`a:1\`, \`b:2\`"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	cmp "$STORE/index.json" "$T/index.before"

	run_split cimage import --ref b:2 "$T/multi.tar" x:1
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	[ "$(digest_of "$STORE" x:1)" = "$DIGEST" ]
	run_split cimage import --ref @0 "$T/multi.tar" x:2
	[ "$status" -eq 0 ]
	[ "$(digest_of "$STORE" x:2)" = "$DIGEST" ]
	run_split cimage import --ref c:3 "$T/multi.tar" x:1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'no image `c:3` in the archive; it holds `a:1`, `b:2`'* ]]

	cimage export --format docker busybox -o "$T/d.tar"
	python3 "$FIXTURES/mk-evil-archive.py" docker-multi "$T/d.tar" "$T/dmulti.tar"
	run_split cimage import "$T/dmulti.tar" y:1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'the archive holds 2 images; choose one of `a:1`, `b:2`'* ]]
	run_split cimage import --ref @1 "$T/dmulti.tar" y:1
	[ "$status" -eq 0 ]
	run_split cimage import --ref docker.io/library/a "$T/dmulti.tar" y:2
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'no image `docker.io/library/a` in the archive'* ]]
	run_split cimage import --ref docker.io/library/a:1 "$T/dmulti.tar" y:2
	[ "$status" -eq 0 ]
}

# Import the archive ARCHIVE, expect exit 1 with one line containing every
# further argument, and the store's index.json and a sentinel unchanged.
import_refused() {
	local archive=$1
	shift
	cp "$STORE/index.json" "$T/index.before"
	(cd "$STORE/blobs/sha256" && ls) >"$T/blobs.before"
	run_split cimage import "$archive" evil:1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"import \`$archive\`: "* ]]
	local needle
	for needle in "$@"; do
		[[ "$stderr" == *"$needle"* ]] || { echo "missing: $needle"; return 1; }
	done
	cmp "$STORE/index.json" "$T/index.before"
	[ "$(cat "$T/sentinel")" = "sentinel" ]
}

@test "hostile archives are refused naming the member, and change nothing" {
	requires python3
	echo sentinel >"$T/sentinel"
	cimage export busybox -o "$T/a.tar"
	mk() { python3 "$FIXTURES/mk-evil-archive.py" "$@"; }

	mk dotdot "$T/a.tar" "$T/e1.tar" sentinel
	import_refused "$T/e1.tar" 'member `../sentinel`: names with `..` are refused'
	diff <(cd "$STORE/blobs/sha256" && ls) "$T/blobs.before"

	mk absolute "$T/a.tar" "$T/e2.tar" "$T/sentinel"
	import_refused "$T/e2.tar" "member \`$T/sentinel\`: absolute names are refused"

	mk symlink "$T/a.tar" "$T/e3.tar" "$T/sentinel"
	import_refused "$T/e3.tar" 'member `blobs/sha256/link`: a symbolic link'
	[ ! -L "$STORE/blobs/sha256/link" ]

	# A docker archive may name a member twice through a link; never
	# anything outside.
	mk link-out "$T/a.tar" "$T/e3b.tar" "$T/sentinel"
	import_refused "$T/e3b.tar" "member \`evil/layer.tar\`: a symbolic link pointing outside the archive (\`$T/sentinel\`)"
	mk link-out "$T/a.tar" "$T/e3c.tar" "../../sentinel"
	import_refused "$T/e3c.tar" 'member `evil/layer.tar`: a symbolic link pointing outside the archive (`../../sentinel`)'

	mk hardlink "$T/a.tar" "$T/e4.tar" "$T/sentinel"
	import_refused "$T/e4.tar" 'member `oci-layout`: a hard link'

	mk device "$T/a.tar" "$T/e5.tar"
	import_refused "$T/e5.tar" 'member `dev`: a device or special file'

	# A blob whose bytes are not its name: nothing new under blobs/.
	mk mismatch "$T/a.tar" "$T/e6.tar"
	import_refused "$T/e6.tar" 'member `blobs/sha256/' 'digest mismatch'
	diff <(cd "$STORE/blobs/sha256" && ls) "$T/blobs.before"
}

@test "truncated archives, non-archives and incomplete docker archives are refused" {
	requires python3
	echo sentinel >"$T/sentinel"
	cimage export busybox -o "$T/a.tar"

	head -c 300000 "$T/a.tar" >"$T/cut.tar"
	import_refused "$T/cut.tar" 'member `blobs/sha256/' 'runcated'

	echo "this is not a tar" >"$T/text"
	import_refused "$T/text" 'not a tar archive'

	: >"$T/empty"
	import_refused "$T/empty" 'not a'

	# A tar with files but no image in it.
	tar -C "$T" -cf "$T/plain.tar" sentinel
	import_refused "$T/plain.tar" 'not an image archive: no oci-layout (OCI archive) and no manifest.json (docker archive)'

	cimage export --format docker busybox -o "$T/d.tar"
	python3 "$FIXTURES/mk-evil-archive.py" docker-missing "$T/d.tar" "$T/dm.tar"
	import_refused "$T/dm.tar" 'manifest.json names `missing/layer.tar`, which is not in the archive'

	run_split cimage import "$T/nonexistent.tar" x:1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"import \`$T/nonexistent.tar\`: open \`$T/nonexistent.tar\`: No such file or directory"* ]]

	run_split cimage import "$T/a.tar" 'Bad Name'
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'Bad Name'* ]]

	run_split cimage import "$T/a.tar"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'`import` requires exactly 2 arguments; usage: cimage import [--ref REF] FILE|- NAME'* ]]
}

@test "a docker archive whose config does not match its layers is refused" {
	requires python3
	cimage export --format docker busybox -o "$T/d.tar"
	mkdir "$T/x"
	tar -C "$T/x" -xf "$T/d.tar"
	layer=$(jq -r '.[0].Layers[0]' "$T/x/manifest.json")
	# Another layer under the same name: its digest is no longer the diff_id.
	echo other >"$T/other"
	tar -C "$T" -cf "$T/x/$layer" other
	tar -C "$T/x" -cf "$T/bad.tar" manifest.json "$layer" "$(jq -r '.[0].Config' "$T/x/manifest.json")"
	echo sentinel >"$T/sentinel"
	import_refused "$T/bad.tar" "layer \`$layer\` has digest" "but the config's diff_ids[0] is"
}

@test "a docker archive's compressed layers are checked against the diff_ids once uncompressed" {
	cimage export --format docker busybox -o "$T/d.tar"
	mkdir "$T/x"
	tar -C "$T/x" -xf "$T/d.tar"
	layer=$(jq -r '.[0].Layers[0]' "$T/x/manifest.json")
	config=$(jq -r '.[0].Config' "$T/x/manifest.json")
	# the same layer gzipped (as some writers store them): imported as a gzip layer
	gzip -n <"$T/x/$layer" >"$T/gz" && mv "$T/gz" "$T/x/$layer"
	tar -C "$T/x" -cf "$T/good.tar" manifest.json "$layer" "$config"
	run_split cimage import "$T/good.tar" gz:1
	[ "$status" -eq 0 ]
	run_split cimage inspect --raw gz:1
	[ "$(jq -r '.layers[0].mediaType' <<<"$output")" = application/vnd.oci.image.layer.v1.tar+gzip ]
	# another layer, gzipped, under that name: refused, and no name given
	echo sentinel >"$T/sentinel"
	echo other >"$T/other"
	tar -C "$T" -cf - other | gzip -n >"$T/x/$layer"
	tar -C "$T/x" -cf "$T/bad.tar" manifest.json "$layer" "$config"
	import_refused "$T/bad.tar" "layer \`$layer\` uncompresses to \`sha256:" "but the config's diff_ids[0] is"
}

@test "an image index exports with every manifest; as a docker archive the host's platform is written" {
	[ "$(uname -m)" = x86_64 ] || skip "the fixture image is linux/amd64"
	size=$(stat -c %s "$(blob "$STORE" "$DIGEST")")
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"amd64","os":"linux"}}]}' \
		"$DIGEST" "$size" >"$T/index"
	ix="sha256:$(sha256sum "$T/index" | cut -d' ' -f1)"
	cp "$T/index" "$(blob "$STORE" "$ix")"
	jq --arg d "$ix" --argjson s "$(stat -c %s "$T/index")" \
		'.manifests += [{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": $d, "size": $s,
		  "annotations": {"org.opencontainers.image.ref.name": "multi:1"}}]' "$STORE/index.json" >"$T/i.json"
	mv "$T/i.json" "$STORE/index.json"

	cimage export multi:1 -o "$T/a.tar"
	[ "$(tar -tf "$T/a.tar" | grep -c '^blobs/sha256/.')" -eq 4 ]
	run_split "$CIMAGE" --store "$T/s2" import "$T/a.tar" m:1
	[ "$status" -eq 0 ]
	[ "$output" = "$ix" ]

	cimage export --format docker multi:1 -o "$T/d.tar"
	cimage export --format docker busybox -o "$T/d2.tar"
	# The same members as the manifest's own export; only the tag differs.
	diff <(tar -tf "$T/d.tar") <(tar -tf "$T/d2.tar")
	tar -xOf "$T/d.tar" manifest.json | jq -e '.[0].RepoTags == ["multi:1"]'
	run_split "$CIMAGE" --store "$T/s3" import "$T/d.tar" d:1
	[ "$status" -eq 0 ]
	run_split "$CIMAGE" --store "$T/s3" import "$T/d2.tar" d:2
	[ "$output" = "$(digest_of "$T/s3" d:1)" ]
}
