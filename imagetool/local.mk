## cimage: registry client, image store, unpack/commit.  Only cimage links libcurl.
bin_PROGRAMS += cimage
cimage_SOURCES = %reldir%/main.c \
	%reldir%/ref.c %reldir%/ref.h \
	%reldir%/archive.c %reldir%/archive.h \
	%reldir%/cmd-archive.c %reldir%/cmd-archive.h \
	%reldir%/cmd-store.c %reldir%/cmd-store.h
cimage_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(ARCHIVE_CFLAGS)
cimage_LDADD = $(SHARED_LIBS) $(CURL_LIBS) $(ARCHIVE_LIBS)
