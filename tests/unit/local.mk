## One test program per shared module: tests/unit/test-<module>.c
UNIT_TESTS += %reldir%/test-error
%canon_reldir%_test_error_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_error_LDADD = $(SHARED_LIBS)
