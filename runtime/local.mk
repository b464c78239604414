## cruntime: the OCI runtime.  Only cruntime links libseccomp and libcap.
bin_PROGRAMS += cruntime
noinst_LIBRARIES += libruntime.a
libruntime_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/runtime
libruntime_a_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS) $(SECCOMP_CFLAGS) $(CAP_CFLAGS)
libruntime_a_SOURCES = \
	%reldir%/cmd/cmds.h \
	%reldir%/cmd/spec.c \
	%reldir%/validate.c %reldir%/validate.h \
	%reldir%/cmd/run.c \
	%reldir%/cmd/create.c \
	%reldir%/cmd/start.c \
	%reldir%/cmd/state.c \
	%reldir%/cmd/kill.c \
	%reldir%/cmd/delete.c \
	%reldir%/cmd/list.c \
	%reldir%/cmd/exec.c \
	%reldir%/cmd/ps.c \
	%reldir%/cmd/pause.c \
	%reldir%/cmd/events.c \
	%reldir%/cmd/update.c \
	%reldir%/container.c %reldir%/container.h \
	%reldir%/cmd/features.c \
	%reldir%/attrs.c %reldir%/attrs.h \
	%reldir%/caps.c %reldir%/caps.h \
	%reldir%/cgroups.c %reldir%/cgroups.h \
	%reldir%/cgroup-resources.c %reldir%/cgroup-resources.h \
	%reldir%/cgroup-devices.c %reldir%/cgroup-devices.h \
	%reldir%/cgroup-stats.c %reldir%/cgroup-stats.h \
	%reldir%/cgroup-mount.c %reldir%/cgroup-mount.h \
	%reldir%/copyup.c %reldir%/copyup.h \
	%reldir%/hooks.c %reldir%/hooks.h \
	%reldir%/idmap.c %reldir%/idmap.h \
	%reldir%/lsm.c %reldir%/lsm.h \
	%reldir%/init.c %reldir%/init.h \
	%reldir%/mounts.c %reldir%/mounts.h \
	%reldir%/namespaces.c %reldir%/namespaces.h \
	%reldir%/notify.c %reldir%/notify.h \
	%reldir%/rootless.c %reldir%/rootless.h \
	%reldir%/seccomp-filter.c %reldir%/seccomp-filter.h \
	%reldir%/spawn.c %reldir%/spawn.h \
	%reldir%/selfexe.c %reldir%/selfexe.h \
	%reldir%/state.c %reldir%/state.h \
	%reldir%/sync.h \
	%reldir%/fdpass.c %reldir%/fdpass.h \
	%reldir%/terminal.c %reldir%/terminal.h

cruntime_SOURCES = %reldir%/main.c
cruntime_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/runtime
cruntime_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS) $(CAP_CFLAGS)
# Not $(SHARED_LIBS): cruntime does without libcrypto, whose relocations
# cost more than the rest of its start (shared/sha256.h).
cruntime_LDADD = libruntime.a libshared.a $(YAJL_LIBS) $(SECCOMP_LIBS) $(CAP_LIBS)
