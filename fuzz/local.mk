## libFuzzer targets (clang): `make fuzz` fuzzes each for FUZZ_SECONDS (600).
FUZZ_SECONDS = 600
FUZZ_ENV = CT_SRCDIR='$(abs_top_srcdir)' CT_BUILDDIR='$(abs_top_builddir)'
fuzz: all
	$(FUZZ_ENV) $(SHELL) $(top_srcdir)/fuzz/run.sh build
	$(FUZZ_ENV) $(SHELL) $(top_srcdir)/fuzz/run.sh run $(FUZZ_SECONDS)
.PHONY: fuzz
clean-local: clean-local-fuzz
clean-local-fuzz:
	-rm -rf fuzz-build
.PHONY: clean-local-fuzz
EXTRA_DIST += %reldir%/run.sh %reldir%/fuzz-config.c %reldir%/fuzz-seccomp.c %reldir%/seeds %reldir%/regressions
