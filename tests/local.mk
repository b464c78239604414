## make check: C unit tests (TAP) and bats suites, all through automake's tap-driver.
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
TEST_EXTENSIONS = .bats
BATS_LOG_DRIVER = $(LOG_DRIVER)
BATS_LOG_COMPILER = $(BATS)
AM_BATS_LOG_FLAGS = --tap
AM_TESTS_ENVIRONMENT = \
	CRUNTIME='$(abs_top_builddir)/cruntime'; export CRUNTIME; \
	CIMAGE='$(abs_top_builddir)/cimage'; export CIMAGE; \
	CBUILD='$(abs_top_builddir)/cbuild'; export CBUILD; \
	TESTINIT='$(abs_top_builddir)/tests/helpers/testinit'; export TESTINIT; \
	CT_SRCDIR='$(abs_top_srcdir)'; export CT_SRCDIR; \
	CT_BUILDDIR='$(abs_top_builddir)'; export CT_BUILDDIR;

UNIT_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit
UNIT_TESTS =
BATS_TESTS =
EXTRA_DIST += %reldir%/unit/tap.h %reldir%/unit/tap-fs.h

include %reldir%/unit/local.mk
include %reldir%/helpers/local.mk
include %reldir%/runtime/local.mk
include %reldir%/imagetool/local.mk
include %reldir%/buildtool/local.mk
BATS_TESTS += %reldir%/build/configure.bats
BATS_TESTS += %reldir%/build/fuzz.bats

check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS) $(BATS_TESTS)
EXTRA_DIST += $(BATS_TESTS)

EXTRA_DIST += \
	%reldir%/lib/helpers.bash \
	%reldir%/fixtures/mk-busybox-rootfs.sh \
	%reldir%/fixtures/mk-busybox-image.sh \
	%reldir%/fixtures/mk-index-image.sh \
	%reldir%/fixtures/mk-evil-archive.py \
	%reldir%/fixtures/mk-layered-image.py \
	%reldir%/helpers/treecmp.py \
	%reldir%/fixtures/demo.sh \
	%reldir%/vm/mk-initramfs.sh \
	%reldir%/vm/run-vm.sh \
	%reldir%/vm/guest-run.sh \
	%reldir%/vm/run-bats.sh \
	%reldir%/lib/cgroups.bash \
	%reldir%/lib/resources.bash \
	%reldir%/lib/registry.bash \
	%reldir%/lib/rootless.bash

# Fixtures the bats suites make once per build tree (tests/lib/helpers.bash).
clean-local: clean-local-tests
clean-local-tests:
	-rm -rf tests/cache demo
.PHONY: clean-local-tests

# Config fixtures: the full and minimal configs and the malformed cases
# (tests/fixtures/bad-configs/NN-name.json + NN-name.expect), the schema validator.
EXTRA_DIST += \
	%reldir%/fixtures/full-config.json \
	%reldir%/fixtures/minimal-config.json \
	%reldir%/fixtures/bad-configs \
	%reldir%/lib/validate-schema.py
