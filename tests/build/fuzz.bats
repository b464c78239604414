#!/usr/bin/env bats
# The libFuzzer targets build and run clean over their seeds and every saved
# regression input (fuzz/run.sh); `make fuzz` does the long runs.

load ../lib/helpers

setup() {
	# the targets are clang builds of their own, the same in every pass of
	# build-aux/bootstrap check: only its first pass runs them
	[ -z "${CT_SKIP_FUZZ:-}" ] || skip "CT_SKIP_FUZZ is set"
	command -v clang >/dev/null || skip "clang not installed (Debian: clang)"
	echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' >"$BATS_TEST_TMPDIR/probe.c"
	clang -fsanitize=fuzzer "$BATS_TEST_TMPDIR/probe.c" -o "$BATS_TEST_TMPDIR/probe" 2>/dev/null ||
		skip "clang has no libFuzzer (Debian: libclang-rt-dev)"
	export CT_SRCDIR CT_BUILDDIR
}

@test "fuzz targets build and replay their seeds and regressions" {
	sane_run bash "$CT_SRCDIR/fuzz/run.sh" build
	[ "$status" -eq 0 ]
	sane_run bash "$CT_SRCDIR/fuzz/run.sh" replay
	[ "$status" -eq 0 ]
	[[ "$output" == *"fuzz: config: "*" inputs replayed"* ]]
	[[ "$output" == *"fuzz: seccomp: "*" inputs replayed"* ]]
}
