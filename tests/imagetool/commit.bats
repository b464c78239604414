#!/usr/bin/env bats
# cimage commit: a bundle's changes as one new layer on the image it was
# unpacked from.  Contract: specs/cimage.1.md (commit) and
# specs/bundle-format.md (cimage.record).  Round trips go through cimage
# unpack and through umoci, a second implementation of the layer format.

# Messages quote their subject in backticks: literal, not command substitution.
# shellcheck disable=SC2016,SC2154  # stderr/stderr_lines come from bats run --separate-stderr

load ../lib/helpers

bats_require_minimum_version 1.5.0

setup_file() {
	if command -v busybox >/dev/null; then
		"$FIXTURES/mk-busybox-image.sh" "$BATS_FILE_TMPDIR/fixture" busybox:latest >/dev/null
	fi
	# treecmp A B: every path under both roots, compared by type, mode,
	# owner, size, content, symlink target, device number, user.* and
	# security.* xattrs (but umoci --rootless's own record of owners) and
	# mtime (whole seconds; not the root's, which no layer carries).  Prints
	# each difference; exit 1 when there is one.
	cat >"$BATS_FILE_TMPDIR/treecmp.py" <<'PY'
import hashlib, os, stat, sys

def describe(root):
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files + ([] if dirpath != root else ["."]):
            p = os.path.normpath(os.path.join(dirpath, name))
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            d = [stat.S_IFMT(st.st_mode), oct(stat.S_IMODE(st.st_mode)), st.st_uid, st.st_gid]
            if stat.S_ISREG(st.st_mode):
                d += [st.st_size, hashlib.sha256(open(p, "rb").read()).hexdigest()]
            if stat.S_ISLNK(st.st_mode):
                d.append(os.readlink(p))
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                d.append(st.st_rdev)
            if rel != ".":
                d.append(int(st.st_mtime))
            try:
                names = os.listxattr(p, follow_symlinks=False)
            except OSError:
                names = []
            d.append(sorted((n, os.getxattr(p, n, follow_symlinks=False))
                            for n in names if n.startswith(("user.", "security."))
                            and n != "user.rootlesscontainers"))
            out[rel] = d
    return out

a, b = describe(sys.argv[1]), describe(sys.argv[2])
bad = 0
for k in sorted(set(a) | set(b)):
    if a.get(k) != b.get(k):
        print("%s: %s != %s" % (k, a.get(k), b.get(k)))
        bad = 1
sys.exit(bad)
PY
	# tarls BLOB: one line per member, "TYPE NAME[ -> LINK]" (gzip, zstd or
	# plain; pax names, hard links as "h").
	cat >"$BATS_FILE_TMPDIR/tarls.py" <<'PY'
import io, subprocess, sys, tarfile
data = open(sys.argv[1], "rb").read()
if data[:4] == b"\x28\xb5\x2f\xfd":
    data = subprocess.run(["zstd", "-dc"], input=data, stdout=subprocess.PIPE, check=True).stdout
t = tarfile.open(fileobj=io.BytesIO(data), mode="r:*")
for m in t:
    kind = {tarfile.REGTYPE: "f", tarfile.DIRTYPE: "d", tarfile.SYMTYPE: "l", tarfile.LNKTYPE: "h",
            tarfile.FIFOTYPE: "p", tarfile.CHRTYPE: "c", tarfile.BLKTYPE: "b"}[m.type]
    link = " -> " + m.linkname if m.issym() or m.islnk() else ""
    print("%s %s%s" % (kind, m.name, link))
PY
}

setup() {
	requires busybox jq python3
	S="$BATS_TEST_TMPDIR/store"
	cp -a "$BATS_FILE_TMPDIR/fixture" "$S"
	B="$BATS_TEST_TMPDIR/b1"
	ci unpack busybox "$B"
}

teardown() {
	# an overlay bundle left mounted by a failed test
	if [ -n "${O:-}" ] && mountpoint -q "$O/rootfs"; then
		umount "$O/rootfs"
	fi
}

ci() {
	"$CIMAGE" --store "$S" "$@"
}

blob() {
	echo "$S/blobs/sha256/${1#sha256:}"
}

# The last layer of the image whose manifest digest is $1.
top_layer() {
	jq -r '.layers[-1].digest' "$(blob "$1")"
}

tarls() {
	python3 "$BATS_FILE_TMPDIR/tarls.py" "$(blob "$(top_layer "$1")")"
}

treecmp() {
	python3 "$BATS_FILE_TMPDIR/treecmp.py" "$1" "$2"
}

# The changes of the round trip, in $B/rootfs.
make_changes() {
	local r="$B/rootfs"
	mkdir -p "$r/opt/app"
	echo hello >"$r/opt/app/hello"
	chmod 0750 "$r/opt/app/hello"
	ln "$r/opt/app/hello" "$r/opt/app/hello2"
	ln -s hello "$r/opt/app/link"
	echo "app:x:1000:1000::/opt/app:/bin/sh" >>"$r/etc/passwd" # content
	chmod 0600 "$r/etc/group"                                  # mode only
	python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.commit", b"yes")' "$r/etc/hostname" # xattr only
	rm "$r/etc/resolv.conf"                                    # a file becomes a directory
	mkdir "$r/etc/resolv.conf"
	echo inner >"$r/etc/resolv.conf/inner"
	rm "$r/usr/bin/wc"  # a file deleted
	rm -r "$r/var"      # a tree deleted: one whiteout
	if [ "$(id -u)" -eq 0 ]; then
		chown 1234:5678 "$r/etc/hosts" # owner only
	fi
}

@test "commit stores exactly the changes as one layer; unpack and umoci give the same rootfs" {
	requires umoci
	make_changes
	run_split ci commit "$B" test:1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
	D=$output

	# The manifest: the base layer plus one gzip layer; the name points at it.
	[ "$(jq -r '.layers | length' "$(blob "$D")")" -eq 2 ]
	[ "$(jq -r '.layers[-1].mediaType' "$(blob "$D")")" = application/vnd.oci.image.layer.v1.tar+gzip ]
	[ "$(ci images -q | grep -c "$D")" -eq 1 ]
	[ "$(ci inspect test:1 | jq -r .Digest)" = "$D" ]

	# The layer's entries, in order: what changed and nothing else.
	run tarls "$D"
	expected=(
		"f .wh.var"
		"d etc"
		"f etc/group"
		"f etc/hostname"
	)
	[ "$(id -u)" -ne 0 ] || expected+=("f etc/hosts")
	expected+=(
		"f etc/passwd"
		"d etc/resolv.conf"
		"f etc/resolv.conf/inner"
		"d opt"
		"d opt/app"
		"f opt/app/hello"
		"h opt/app/hello2 -> opt/app/hello"
		"l opt/app/link -> hello"
		"d usr/bin"
		"f usr/bin/.wh.wc"
	)
	printf '%s\n' "${expected[@]}" >"$BATS_TEST_TMPDIR/expected"
	diff -u "$BATS_TEST_TMPDIR/expected" <(echo "$output")

	# The diff_id in the config is the uncompressed layer's digest.
	cfg=$(jq -r .config.digest "$(blob "$D")")
	diff_id=$(jq -r '.rootfs.diff_ids[-1]' "$(blob "$cfg")")
	[ "sha256:$(gzip -dc "$(blob "$(top_layer "$D")")" | sha256sum | cut -d' ' -f1)" = "$diff_id" ]

	# cimage unpack of the new image: the changed bundle, path by path.
	ci unpack test:1 "$BATS_TEST_TMPDIR/b2"
	treecmp "$B/rootfs" "$BATS_TEST_TMPDIR/b2/rootfs"
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/b2/rootfs/etc/group")" = 600 ]
	[ ! -e "$BATS_TEST_TMPDIR/b2/rootfs/var" ]
	[ -d "$BATS_TEST_TMPDIR/b2/rootfs/etc/resolv.conf" ]
	if [ "$(id -u)" -eq 0 ]; then
		[ "$(stat -c %u:%g "$BATS_TEST_TMPDIR/b2/rootfs/etc/hosts")" = 1234:5678 ]
	fi

	# umoci, another reader of the format, agrees.
	rootless=()
	[ "$(id -u)" -eq 0 ] || rootless=(--rootless)
	umoci unpack "${rootless[@]}" --image "$S:test:1" "$BATS_TEST_TMPDIR/u"
	treecmp "$B/rootfs" "$BATS_TEST_TMPDIR/u/rootfs"
}

@test "commit moves the bundle onto the new image: a second commit holds only what changed since" {
	echo one >"$B/rootfs/one"
	D1=$(ci commit "$B" test:1)
	[ "$(jq -r .manifest.digest "$B/cimage.json")" = "$D1" ]
	[ "$(jq -r .ref "$B/cimage.json")" = busybox ]

	echo two >"$B/rootfs/two"
	rm "$B/rootfs/one"
	D2=$(ci commit "$B" test:2)
	[ "$(jq -r .manifest.digest "$B/cimage.json")" = "$D2" ]
	run tarls "$D2"
	[ "$output" = "$(printf 'f .wh.one\nf two')" ]
	[ "$(jq -r '.layers | length' "$(blob "$D2")")" -eq 3 ]

	# Nothing changed: still a new image, with an empty layer (as docker
	# commit and umoci repack do).
	D3=$(ci commit "$B" test:3)
	run tarls "$D3"
	[ -z "$output" ]
	[ "$(jq -r '.layers | length' "$(blob "$D3")")" -eq 4 ]
	[ "$(ci history --format json test:3 | jq length)" -eq 4 ]

	ci unpack test:3 "$BATS_TEST_TMPDIR/b2"
	treecmp "$B/rootfs" "$BATS_TEST_TMPDIR/b2/rootfs"
}

@test "commit is deterministic: the same changes with SOURCE_DATE_EPOCH give the same layer and manifest" {
	export SOURCE_DATE_EPOCH=1700000000
	ci unpack busybox "$BATS_TEST_TMPDIR/b2"
	for b in "$B" "$BATS_TEST_TMPDIR/b2"; do
		mkdir "$b/rootfs/data"
		printf 'x%.0s' {1..5000} >"$b/rootfs/data/file"
		ln -s file "$b/rootfs/data/link"
		rm -r "$b/rootfs/home"
	done
	D1=$(ci commit -m same "$B" a)
	# a later mtime in the second bundle: the clamp hides it
	touch -d @1800000000 "$BATS_TEST_TMPDIR/b2/rootfs/data/file"
	D2=$(ci commit -m same "$BATS_TEST_TMPDIR/b2" b)
	[ "$(top_layer "$D1")" = "$(top_layer "$D2")" ]
	[ "$D1" = "$D2" ]
	cfg=$(jq -r .config.digest "$(blob "$D1")")
	[ "$(jq -r '.history[-1].created' "$(blob "$cfg")")" = 2023-11-14T22:13:20Z ]
	[ "$(jq -r '.created' "$(blob "$cfg")")" = 2023-11-14T22:13:20Z ]
	# gzip header: no name, mtime 0
	[ "$(head -c 10 "$(blob "$(top_layer "$D1")")" | od -An -tx1 | tr -d ' \n')" = 1f8b0800000000000003 ]
	# mtimes clamped in the tar
	gzip -dc "$(blob "$(top_layer "$D1")")" | tar -tv --numeric-owner -f - 2>/dev/null | grep -c ' 2023-11-14 ' |
		grep -qx 3
}

@test "--compression zstd and none: media type, magic, and the layer unpacks" {
	command -v zstd >/dev/null || skip "test requires zstd"
	echo z >"$B/rootfs/z"
	D=$(ci commit --compression zstd "$B" test:zstd)
	[ "$(jq -r '.layers[-1].mediaType' "$(blob "$D")")" = application/vnd.oci.image.layer.v1.tar+zstd ]
	[ "$(head -c 4 "$(blob "$(top_layer "$D")")" | od -An -tx1 | tr -d ' \n')" = 28b52ffd ]
	run tarls "$D"
	[ "$output" = "f z" ]
	ci unpack test:zstd "$BATS_TEST_TMPDIR/b2"
	[ "$(cat "$BATS_TEST_TMPDIR/b2/rootfs/z")" = z ]

	echo n >"$B/rootfs/n"
	D=$(ci commit --compression none "$B" test:none)
	[ "$(jq -r '.layers[-1].mediaType' "$(blob "$D")")" = application/vnd.oci.image.layer.v1.tar ]
	cfg=$(jq -r .config.digest "$(blob "$D")")
	# uncompressed: the digest is the diff_id
	[ "$(jq -r '.rootfs.diff_ids[-1]' "$(blob "$cfg")")" = "$(top_layer "$D")" ]
	ci unpack test:none "$BATS_TEST_TMPDIR/b3"
	[ "$(cat "$BATS_TEST_TMPDIR/b3/rootfs/n")" = n ]

	run_split ci commit --compression lz4 "$B" test:x
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *'unknown compression `lz4` (gzip, zstd or none)'* ]]
}

@test "-m and --author show in history and inspect --config" {
	touch "$B/rootfs/x"
	ci commit -m "add x" --author "A U Thor <a@example.org>" "$B" test:1
	run_split ci history --format json test:1
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].comment' <<<"$output")" = "add x" ]
	[ "$(jq -r '.[0].author' <<<"$output")" = "A U Thor <a@example.org>" ]
	[ "$(jq -r '.[0].createdBy' <<<"$output")" = "cimage commit" ]
	[ "$(jq -r '.[1].createdBy' <<<"$output")" = "tests/fixtures/mk-busybox-image.sh" ]
	run_split ci inspect --config test:1
	[ "$(jq -r .author <<<"$output")" = "A U Thor <a@example.org>" ]
	[ "$(jq -r '.history | length' <<<"$output")" -eq 2 ]
	[ "$(jq -r '.config.Cmd[0]' <<<"$output")" = /bin/sh ]
	[ "$(jq -r '.rootfs.diff_ids | length' <<<"$output")" -eq 2 ]
	run_split ci history test:1
	[[ "${lines[1]}" =~ cimage\ commit.*add\ x$ ]]
}

# index.json and the set of names do not change on a failed commit.
snapshot() {
	cp "$S/index.json" "$BATS_TEST_TMPDIR/index.before"
}
unchanged() {
	cmp "$S/index.json" "$BATS_TEST_TMPDIR/index.before"
	[ -z "$(ls -A "$S/tmp" 2>/dev/null)" ]
}

@test "commit of a directory that is not a cimage bundle: one line, nothing stored" {
	snapshot
	mkdir "$BATS_TEST_TMPDIR/plain"
	run_split ci commit "$BATS_TEST_TMPDIR/plain" test:1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"commit \`$BATS_TEST_TMPDIR/plain\`: \`$BATS_TEST_TMPDIR/plain\`: not a bundle made by cimage unpack (no cimage.json)"* ]]
	run_split ci commit "$BATS_TEST_TMPDIR/missing" test:1
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"open the bundle \`$BATS_TEST_TMPDIR/missing\`: No such file or directory"* ]]
	run_split ci commit "$B" 'Bad Name'
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *'Bad Name'* ]]
	unchanged
}

@test "commit when the base image was removed (rm + gc): one line naming the manifest, nothing stored" {
	base=$(jq -r .manifest.digest "$B/cimage.json")
	ci rm busybox
	ci gc -q
	snapshot
	touch "$B/rootfs/x"
	run_split ci commit "$B" test:1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"commit \`$B\`: the base image (manifest $base) is not in the store \`"*"\` any more"* ]]
	unchanged
	[ "$(jq -r .manifest.digest "$B/cimage.json")" = "$base" ]
}

@test "commit with a record that does not belong: one line naming it and the line" {
	snapshot
	sed -i '3s/^/zzz/' "$B/cimage.record"
	run_split ci commit "$B" test:1
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"\`$B/cimage.record\` line 4: \`bin/arch\` is out of order"* ]]
	rm "$B/cimage.record"
	run_split ci commit "$B" test:1
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"open \`$B/cimage.record\`: No such file or directory"* ]]
	unchanged
}

@test "commit of an unreadable file: one line naming it, no name stored, the bundle unchanged" {
	requires rootless # root reads any file
	echo secret >"$B/rootfs/etc/secret"
	chmod 000 "$B/rootfs/etc/secret"
	cp "$B/cimage.json" "$BATS_TEST_TMPDIR/meta.before"
	cp "$B/cimage.record" "$BATS_TEST_TMPDIR/record.before"
	snapshot
	run_split ci commit "$B" test:1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *'`etc/secret`: open: Permission denied'* ]]
	unchanged
	cmp "$B/cimage.json" "$BATS_TEST_TMPDIR/meta.before"
	cmp "$B/cimage.record" "$BATS_TEST_TMPDIR/record.before"
	[ ! -e "$B/.cimage.record.tmp" ]
}

@test "commit of names with spaces, newlines and non-ASCII bytes, and a deep tree deleted under a kept dir" {
	r="$B/rootfs"
	mkdir -p "$r/srv/a b/c"
	echo 1 >"$r/srv/a b/c/with space"
	echo 2 >"$r/srv/$(printf 'new\nline')"
	echo 3 >"$r/srv/café"
	echo 4 >"$r/srv/$(printf 'raw\377')"
	D1=$(ci commit "$B" test:1)
	rm -r "$r/srv/a b"
	rm "$r/srv/$(printf 'new\nline')"
	D2=$(ci commit "$B" test:2)
	run tarls "$D2"
	# only the topmost deleted path of the tree; srv changed (its mtime)
	[ "$output" = "$(printf 'd srv\nf srv/.wh.a b\nf srv/.wh.new\nline')" ]
	ci unpack test:2 "$BATS_TEST_TMPDIR/b2"
	treecmp "$r" "$BATS_TEST_TMPDIR/b2/rootfs"
	[ "$(cat "$BATS_TEST_TMPDIR/b2/rootfs/srv/café")" = 3 ]
	[ -n "$D1" ]
}

@test "a directory deleted and created again: its old children that did not come back get whiteouts" {
	r="$B/rootfs"
	rm -r "$r/etc"
	mkdir "$r/etc"
	echo "root:x:0:0:root:/root:/bin/sh" >"$r/etc/passwd"
	D=$(ci commit "$B" test:1)
	run tarls "$D"
	[ "$output" = "$(printf 'd etc\nf etc/.wh.group\nf etc/.wh.hostname\nf etc/.wh.hosts\nf etc/.wh.resolv.conf\nf etc/passwd')" ]
	ci unpack test:1 "$BATS_TEST_TMPDIR/b2"
	[ "$(ls -A "$BATS_TEST_TMPDIR/b2/rootfs/etc")" = passwd ]
	treecmp "$r" "$BATS_TEST_TMPDIR/b2/rootfs"
}

@test "overlay mode: the upper dir's whiteouts and opaque dirs become .wh. entries" {
	requires root
	O="$BATS_TEST_TMPDIR/ov"
	ci unpack --overlay busybox "$O"
	r="$O/rootfs"
	echo new >"$r/new"
	rm "$r/etc/hosts"
	rm -r "$r/home"
	rm -r "$r/var"
	mkdir "$r/var"
	echo v >"$r/var/v"
	chmod 0711 "$r/root"
	run_split ci commit "$O" test:ov
	[ "$status" -eq 0 ]
	D=$output
	run tarls "$D"
	printf '%s\n' "f .wh.home" "d etc" "f etc/.wh.hosts" "f new" "d root" "d var" "f var/.wh..wh..opq" "f var/v" >"$BATS_TEST_TMPDIR/expected"
	diff -u "$BATS_TEST_TMPDIR/expected" <(echo "$output")
	[ "$(jq -r .manifest.digest "$O/cimage.json")" = "$D" ]

	ci unpack test:ov "$BATS_TEST_TMPDIR/b2"
	treecmp "$r" "$BATS_TEST_TMPDIR/b2/rootfs"
	ci umount "$O"
}

@test "commit keeps the members of the base config that cimage does not model" {
	# give the fixture a config with Docker's and an extension's members
	m=$(jq -r '.manifests[0].digest' "$S/index.json")
	c=$(jq -r .config.digest "$(blob "$m")")
	jq -c '.config.Healthcheck = {"Test": ["CMD", "true"], "Interval": 1000000000}
		| .config.OnBuild = ["RUN true"] | .config.ArgsEscaped = true | ."x.example/ext" = {"k": [1, 2]}' \
		"$(blob "$c")" >"$BATS_TEST_TMPDIR/c.json"
	nc=$(sha256sum "$BATS_TEST_TMPDIR/c.json" | cut -d' ' -f1)
	cp "$BATS_TEST_TMPDIR/c.json" "$S/blobs/sha256/$nc"
	jq -c --arg d "sha256:$nc" --argjson s "$(stat -c %s "$BATS_TEST_TMPDIR/c.json")" \
		'.config.digest = $d | .config.size = $s' "$(blob "$m")" >"$BATS_TEST_TMPDIR/m.json"
	nm=$(sha256sum "$BATS_TEST_TMPDIR/m.json" | cut -d' ' -f1)
	cp "$BATS_TEST_TMPDIR/m.json" "$S/blobs/sha256/$nm"
	jq -c --arg d "sha256:$nm" --argjson s "$(stat -c %s "$BATS_TEST_TMPDIR/m.json")" \
		'.manifests[0].digest = $d | .manifests[0].size = $s' "$S/index.json" >"$BATS_TEST_TMPDIR/i.json"
	cp "$BATS_TEST_TMPDIR/i.json" "$S/index.json"

	K="$BATS_TEST_TMPDIR/bk"
	ci unpack busybox "$K"
	echo x >"$K/rootfs/x"
	run_split ci commit -m kept "$K" test:kept
	[ "$status" -eq 0 ]
	new=$(jq -r .config.digest "$(blob "$output")")
	jq -e '.config.Healthcheck == {"Test": ["CMD", "true"], "Interval": 1000000000}
		and .config.OnBuild == ["RUN true"] and .config.ArgsEscaped == true
		and ."x.example/ext" == {"k": [1, 2]}
		and (.rootfs.diff_ids | length) == 2 and .history[-1].comment == "kept"' "$(blob "$new")"
}
