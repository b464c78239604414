## cruntime: the OCI runtime.  Only cruntime links libseccomp and libcap.
bin_PROGRAMS += cruntime
noinst_LIBRARIES += libruntime.a
libruntime_a_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS) $(SECCOMP_CFLAGS) $(CAP_CFLAGS)
libruntime_a_SOURCES = \
	%reldir%/cmd/cmds.h \
	%reldir%/cmd/spec.c \
	%reldir%/validate.c %reldir%/validate.h

cruntime_SOURCES = %reldir%/main.c
cruntime_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS) $(CAP_CFLAGS)
cruntime_LDADD = libruntime.a $(SHARED_LIBS) $(SECCOMP_LIBS) $(CAP_LIBS)
