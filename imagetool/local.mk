## cimage: registry client, image store, unpack/commit.  Only cimage links libcurl.
bin_PROGRAMS += cimage
cimage_SOURCES = %reldir%/main.c %reldir%/cmds.h \
	%reldir%/cmd-store.c %reldir%/cmd-store.h \
	%reldir%/registry.c %reldir%/registry.h \
	%reldir%/auth.c %reldir%/auth.h \
	%reldir%/progress.c %reldir%/progress.h \
	%reldir%/cmd-login.c \
	%reldir%/copy.c %reldir%/copy.h \
	%reldir%/cmd-copy.c \
	%reldir%/ref.c %reldir%/ref.h \
	%reldir%/archive.c %reldir%/archive.h \
	%reldir%/cmd-archive.c %reldir%/cmd-archive.h \
	%reldir%/cmd-config.c \
	%reldir%/stored.c %reldir%/stored.h \
	%reldir%/bundle.c %reldir%/bundle.h \
	%reldir%/cmd-unpack.c %reldir%/layer-cache.c %reldir%/layer-cache.h \
	%reldir%/cmd-commit.c \
	%reldir%/bundle-config.c %reldir%/bundle-config.h
cimage_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(ARCHIVE_CFLAGS) $(YAJL_CFLAGS) $(CRYPTO_CFLAGS)
cimage_LDADD = $(SHARED_LIBS) $(CURL_LIBS) $(ARCHIVE_LIBS)
