#!/bin/bash
# libFuzzer harness for cruntime's parsers (`make fuzz`, tests/build/fuzz.bats).
#
#   fuzz/run.sh build               compile every target with clang into $CT_BUILDDIR/fuzz-build
#   fuzz/run.sh replay              run each target once over its seeds and regressions
#   fuzz/run.sh run [SECONDS]       fuzz each target for SECONDS (default $FUZZ_SECONDS or 600)
#
# Targets are built with -fsanitize=fuzzer,address,undefined apart from the
# project's gcc build: libFuzzer needs clang.  Seeds come from the test fixtures
# (the same files the suites feed cruntime); a crash found is saved under
# $CT_BUILDDIR/fuzz-build/artifacts and belongs, once fixed, in
# fuzz/regressions/TARGET/ so every replay runs it again.
set -eu

src=${CT_SRCDIR:?CT_SRCDIR: the source tree}
build=${CT_BUILDDIR:?CT_BUILDDIR: a configured build tree}
out=$build/fuzz-build
cc=${FUZZ_CC:-clang}
targets=${FUZZ_TARGETS:-config seccomp}

pkg() { pkg-config "$@"; }

cflags="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
	-fno-omit-frame-pointer -I$src -I$src/shared -I$src/runtime -include $build/config.h
	$(pkg --cflags yajl libseccomp libcap libcrypto libarchive)"
libs="$(pkg --libs yajl libseccomp libcap libcrypto libarchive)"

# Sources of each target besides its own file.
shared_srcs() { ls "$src"/shared/*.c "$src"/shared/ocispec/*.c; }
target_srcs() {
	case $1 in
	config) shared_srcs ;;
	seccomp) shared_srcs; echo "$src/runtime/seccomp-filter.c" "$src/runtime/fdpass.c" ;;
	*) echo "fuzz: unknown target \`$1\`" >&2; exit 2 ;;
	esac
}

# Seeds: every JSON document the test suites use.
seed_dirs() {
	case $1 in
	config) echo "$src/tests/fixtures" "$src/tests/fixtures/bad-configs" ;;
	seccomp) echo "$src/fuzz/seeds/seccomp" ;;
	esac
}

corpus() {
	local t=$1 d
	mkdir -p "$out/corpus/$t"
	for d in $(seed_dirs "$t") "$src/fuzz/regressions/$t"; do
		[ -d "$d" ] || continue
		find "$d" -maxdepth 1 -type f -name '*.json' -exec cp -f {} "$out/corpus/$t/" \;
	done
}

# A libFuzzer dictionary: the key names and constants of the seeds, so
# mutations reach the decoders' fields rather than stopping at unknown keys.
dict_file() {
	local files
	case $1 in
	config) files=$src/tests/fixtures/full-config.json ;;
	seccomp) files=$(ls "$src"/fuzz/seeds/seccomp/*.json) ;;
	esac
	# shellcheck disable=SC2086
	grep -ho '"[A-Za-z_][A-Za-z0-9_.]*"' $files | sort -u >"$out/$1.dict"
	echo "$out/$1.dict"
}

build_target() {
	local t=$1 objs="" f o
	[ -f "$src/fuzz/fuzz-$t.c" ] || { echo "fuzz: no target fuzz-$t.c" >&2; exit 2; }
	mkdir -p "$out/obj/$t"
	for f in $(target_srcs "$t") "$src/fuzz/fuzz-$t.c"; do
		o=$out/obj/$t/$(basename "${f%.c}").o
		if [ ! -f "$o" ] || [ "$f" -nt "$o" ] || [ "$build/config.h" -nt "$o" ]; then
			$cc $cflags -c "$f" -o "$o"
		fi
		objs="$objs $o"
	done
	$cc -fsanitize=fuzzer,address,undefined $objs $libs -o "$out/fuzz-$t"
}

mode=${1:-}
case $mode in
build)
	for t in $targets; do build_target "$t"; done
	;;
replay)
	for t in $targets; do
		corpus "$t"
		# -runs=0: execute the corpus once, no mutation
		"$out/fuzz-$t" -runs=0 "$out/corpus/$t" 2>"$out/replay-$t.log" ||
			{ cat "$out/replay-$t.log" >&2; echo "fuzz: $t: replay failed" >&2; exit 1; }
		echo "fuzz: $t: $(ls "$out/corpus/$t" | wc -l) inputs replayed"
	done
	;;
run)
	secs=${2:-${FUZZ_SECONDS:-600}}
	for t in $targets; do
		corpus "$t"
		mkdir -p "$out/artifacts/$t"
		echo "fuzz: $t for ${secs}s"
		"$out/fuzz-$t" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
			-dict="$(dict_file "$t")" \
			-artifact_prefix="$out/artifacts/$t/" "$out/corpus/$t" 2>"$out/run-$t.log" ||
			{ tail -n 60 "$out/run-$t.log" >&2; echo "fuzz: $t: crash, see $out/artifacts/$t" >&2; exit 1; }
		tail -n 1 "$out/run-$t.log"
	done
	;;
*)
	echo "usage: fuzz/run.sh build|replay|run [SECONDS]" >&2
	exit 2
	;;
esac
