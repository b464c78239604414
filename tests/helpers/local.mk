## testinit: static payload run inside containers by the tests.
## Linked -static, and built without the sanitizer flags (AM_CFLAGS carries
## them under --enable-asan, which cannot link statically): its own CFLAGS and
## LDFLAGS replace AM_CFLAGS/AM_LDFLAGS; no shared/ code, no config.h needed.
check_PROGRAMS += %reldir%/testinit
%canon_reldir%_testinit_SOURCES = %reldir%/testinit.c
%canon_reldir%_testinit_CPPFLAGS =
%canon_reldir%_testinit_CFLAGS = $(CT_WARN_CFLAGS)
%canon_reldir%_testinit_LDFLAGS = -static
BATS_TESTS += %reldir%/testinit.bats

## seccomp-agent: the listenerPath end for security-seccomp.bats (host side).
check_PROGRAMS += %reldir%/seccomp-agent
%canon_reldir%_seccomp_agent_SOURCES = %reldir%/seccomp-agent.c
