#!/bin/bash
# Side by side, in one run: cimage pull against `skopeo copy docker://... oci:`
# from a registry on a loopback port (Debian's docker-registry), into an empty
# store, for two images:
#   debian   a Debian rootfs made with debootstrap (minbase), split into 3 gzip layers
#   small    50,000 small files (100 B to 2 KiB of text) in one layer
# plus a floor: SHA-256 (openssl, the implementation cimage uses) of the same
# compressed bytes, what any verified pull must at least do.  Ratios matter, not absolute numbers.
#   bench/image.sh BUILDDIR [RUNS]     (root for debootstrap; the rootfs is cached
#                                       in $CT_BENCH_CACHE, default /var/tmp/ct-bench;
#                                       CT_BENCH_UNPACK_FS="disk tmpfs" by default)
set -euo pipefail

build=$(cd "${1:?usage: bench/image.sh BUILDDIR [RUNS]}" && pwd)
runs=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
cache=${CT_BENCH_CACHE:-/var/tmp/ct-bench}
work=$(mktemp -d /var/tmp/ct-bench-image.XXXXXX)
export BATS_FILE_TMPDIR=$work
# shellcheck source=../tests/lib/registry.bash
. "$here/../tests/lib/registry.bash"
ub=$work/b
trap 'registry_stop || true; ! mountpoint -q "$ub/rootfs" 2>/dev/null || umount "$ub/rootfs"; rm -rf "$ub" "$work"' EXIT

mkdir -p "$cache"
if [ ! -d "$cache/debian-rootfs" ]; then
	echo "bench: debootstrap --variant=minbase bookworm (once, cached in $cache)" >&2
	rm -rf "$cache/debian-rootfs.tmp"
	debootstrap --variant=minbase bookworm "$cache/debian-rootfs.tmp" "${CT_BENCH_MIRROR:-http://deb.debian.org/debian}" >&2
	mv "$cache/debian-rootfs.tmp" "$cache/debian-rootfs"
fi

# mk_layout DIR NAME TAR_ARGS... : one OCI image whose layers are the given
# `tar -C ROOT PATHS` groups separated by `--`.
mk_layout() {
	local dir=$1 name=$2 root=$3
	shift 3
	local layers="" diffs="" n=0 group=()
	mkdir -p "$dir/blobs/sha256"
	add_layer() {
		tar --numeric-owner -C "$root" -cf "$work/l.tar" "${group[@]}"
		local diff size hex
		diff=$(sha256sum "$work/l.tar" | cut -d' ' -f1)
		gzip -1 -c "$work/l.tar" >"$work/l.tgz"
		hex=$(sha256sum "$work/l.tgz" | cut -d' ' -f1)
		size=$(stat -c %s "$work/l.tgz")
		mv "$work/l.tgz" "$dir/blobs/sha256/$hex"
		layers="$layers${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$hex\",\"size\":$size}"
		diffs="$diffs${diffs:+,}\"sha256:$diff\""
		group=()
		n=$((n + 1))
	}
	for a in "$@"; do
		if [ "$a" = -- ]; then add_layer; else group+=("$a"); fi
	done
	[ ${#group[@]} -eq 0 ] || add_layer
	rm -f "$work/l.tar"
	printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' "$diffs" >"$work/c"
	local chex csize mhex msize
	chex=$(sha256sum "$work/c" | cut -d' ' -f1)
	csize=$(stat -c %s "$work/c")
	mv "$work/c" "$dir/blobs/sha256/$chex"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
		"$chex" "$csize" "$layers" >"$work/m"
	mhex=$(sha256sum "$work/m" | cut -d' ' -f1)
	msize=$(stat -c %s "$work/m")
	mv "$work/m" "$dir/blobs/sha256/$mhex"
	printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
		"$mhex" "$msize" "$name" >"$dir/index.json"
}

echo "bench: making the images" >&2
root=$cache/debian-rootfs
mk_layout "$work/debian" debian "$root" usr -- var etc -- $(cd "$root" && ls -A | grep -vx -e usr -e var -e etc)
# 50,000 files of 100 B to 2 KiB of base64 text (compresses as source code does)
python3 - "$work/small-root" <<'PY'
import base64, os, random, sys
root = sys.argv[1]
rnd = random.Random(1)
for d in range(500):
    os.makedirs(f"{root}/d{d}")
    for f in range(100):
        n = rnd.randint(75, 1536)
        with open(f"{root}/d{d}/f{f}", "wb") as fh:
            fh.write(base64.b64encode(rnd.randbytes(n)))
PY
mk_layout "$work/small" small "$work/small-root" .
rm -rf "$work/small-root"

registry_start plain >&2
for img in debian small; do
	skopeo copy -q --dest-tls-verify=false "oci:$work/$img:$img" "docker://$REGISTRY/$img:1"
done

now_ns() { date +%s%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# time_ms CMD...: median wall time in ms over RUNS runs; each run gets an empty $dest
time_ms() {
	local i t0 t1
	for ((i = 0; i < runs; i++)); do
		rm -rf "$work/dest"
		sync
		t0=$(now_ns)
		"$@" >/dev/null 2>&1 </dev/null
		t1=$(now_ns)
		echo $(((t1 - t0) / 1000000))
	done | median
}
cimage_pull() { "$build/cimage" -q --store "$work/dest" pull "docker://$REGISTRY/$1:1"; }
skopeo_copy() { skopeo copy -q --src-tls-verify=false "docker://$REGISTRY/$1:1" "oci:$work/dest:$1"; }
floor() { cat "$work/$1"/blobs/sha256/* | openssl dgst -sha256; }

printf '%-8s %10s %10s %10s %8s %12s\n' image MB cimage_ms skopeo_ms ratio sha256_ms
for img in debian small; do
	mb=$(du -sm "$work/$img/blobs" | cut -f1)
	c=$(time_ms cimage_pull "$img")
	s=$(time_ms skopeo_copy "$img")
	f=$(time_ms floor "$img")
	printf '%-8s %10s %10s %10s %8s %12s\n' "$img" "$mb" "$c" "$s" "$(awk -v c="$c" -v s="$s" 'BEGIN { printf "%.2f", c / s }')" "$f"
done

# Unpack, side by side: `cimage unpack` (copy mode) against `umoci unpack` of
# the same OCI layout, beside a floor: gzip -d | tar -x of the same layers
# (no whiteouts, no safety checks); then a second `cimage unpack --overlay`
# of an image whose layers are already in the store's layer cache.
"$build/cimage" -q --store "$work/store" copy "oci:$work/debian:debian" debian >/dev/null
"$build/cimage" -q --store "$work/store" copy "oci:$work/small:small" small >/dev/null
# time_unpack_ms CMD...: median over RUNS runs, each into an empty $work/b
time_unpack_ms() {
	local i t0 t1
	for ((i = 0; i < runs; i++)); do
		[ ! -d "$ub/rootfs" ] || ! mountpoint -q "$ub/rootfs" || umount "$ub/rootfs"
		rm -rf "$ub"
		sync
		t0=$(now_ns)
		# a failure must not pass for a fast run
		"$@" >/dev/null 2>"$work/err" </dev/null || { echo "bench: $* failed: $(cat "$work/err")" >&2; exit 1; }
		t1=$(now_ns)
		echo $(((t1 - t0) / 1000000))
	done | median
}
cimage_unpack() { "$build/cimage" -q --store "$work/store" unpack "$1" "$ub"; }
cimage_overlay() { "$build/cimage" -q --store "$work/store" unpack --overlay "$1" "$ub"; }
umoci_unpack() { umoci unpack --image "$work/$1:$1" "$ub"; }
tar_floor() {
	local m l
	mkdir -p "$ub"
	m=$(jq -r '.manifests[0].digest' "$work/$1/index.json")
	for l in $(jq -r '.layers[].digest' "$work/$1/blobs/sha256/${m#sha256:}"); do
		gzip -dc "$work/$1/blobs/sha256/${l#sha256:}" | tar --numeric-owner -xpf - -C "$ub"
	done
}

# On the work directory's file system, and on tmpfs (/dev/shm), where the
# kernel's own cost of creating files does not hide the tools' cost.
for fs in ${CT_BENCH_UNPACK_FS:-disk tmpfs}; do
ub=$work/b
if [ "$fs" = tmpfs ]; then
	[ -d /dev/shm ] && [ -w /dev/shm ] || continue
	ub=$(mktemp -u /dev/shm/ct-bench-unpack.XXXXXX)
fi
echo
printf '%-12s %10s %10s %8s %10s %10s %12s\n' "image($fs)" cimage_ms umoci_ms ratio tar_ms vs_tar overlay2_ms
for img in debian small; do
	c=$(time_unpack_ms cimage_unpack "$img")
	u=$(time_unpack_ms umoci_unpack "$img")
	t=$(time_unpack_ms tar_floor "$img")
	cimage_overlay "$img" >/dev/null 2>&1 && umount "$ub/rootfs" # fills the layer cache
	o=$(time_unpack_ms cimage_overlay "$img")
	[ ! -d "$ub/rootfs" ] || ! mountpoint -q "$ub/rootfs" || umount "$ub/rootfs"
	printf '%-12s %10s %10s %8s %10s %10s %12s\n' "$img" "$c" "$u" \
		"$(awk -v c="$c" -v s="$u" 'BEGIN { printf "%.2f", c / s }')" "$t" \
		"$(awk -v c="$c" -v s="$t" 'BEGIN { printf "%.2f", c / s }')" "$o"
done
rm -rf "$ub"
done
