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

## registry-client: drives the registry client (imagetool/registry.c) for
## tests/imagetool/registry.bats.
check_PROGRAMS += %reldir%/registry-client
%canon_reldir%_registry_client_SOURCES = %reldir%/registry-client.c \
	imagetool/registry.c imagetool/auth.c imagetool/progress.c
%canon_reldir%_registry_client_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/imagetool
%canon_reldir%_registry_client_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(YAJL_CFLAGS) $(CRYPTO_CFLAGS)
%canon_reldir%_registry_client_LDADD = $(SHARED_LIBS) $(CURL_LIBS)
EXTRA_DIST += %reldir%/tokenserver.py %reldir%/badregistry.py
