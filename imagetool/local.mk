## cimage: registry client, image store, unpack/commit.  Only cimage links libcurl.
bin_PROGRAMS += cimage
cimage_SOURCES = %reldir%/main.c \
	%reldir%/cmd-store.c %reldir%/cmd-store.h \
	%reldir%/registry.c %reldir%/registry.h \
	%reldir%/auth.c %reldir%/auth.h \
	%reldir%/progress.c %reldir%/progress.h \
	%reldir%/cmd-login.c
cimage_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(ARCHIVE_CFLAGS) $(YAJL_CFLAGS) $(CRYPTO_CFLAGS)
cimage_LDADD = $(SHARED_LIBS) $(CURL_LIBS) $(ARCHIVE_LIBS)
