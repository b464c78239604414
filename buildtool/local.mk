## cbuild: Dockerfile -> OCI image, RUN steps through an OCI runtime.
bin_PROGRAMS += cbuild
cbuild_SOURCES = %reldir%/main.c
cbuild_CFLAGS = $(AM_CFLAGS) $(ARCHIVE_CFLAGS)
cbuild_LDADD = $(SHARED_LIBS) $(ARCHIVE_LIBS)
