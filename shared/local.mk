## libshared.a: code two or more tools need (STYLE.md 3.1).
noinst_LIBRARIES += libshared.a
libshared_a_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS) $(CRYPTO_CFLAGS) $(ARCHIVE_CFLAGS)
libshared_a_SOURCES = \
	%reldir%/common.h %reldir%/cleanup.h %reldir%/banned.h \
	%reldir%/error.c %reldir%/error.h \
	%reldir%/xalloc.c %reldir%/xalloc.h \
	%reldir%/cas.c %reldir%/cas.h \
	%reldir%/cli.c %reldir%/cli.h \
	%reldir%/log.c %reldir%/log.h \
	%reldir%/json.c %reldir%/json.h \
	%reldir%/digest.c %reldir%/digest.h \
	%reldir%/sha256.c %reldir%/sha256.h \
	%reldir%/fs.c %reldir%/fs.h \
	%reldir%/strv.c %reldir%/strv.h \
	%reldir%/ocispec/runtime.c %reldir%/ocispec/runtime.h \
	%reldir%/ocispec/state.c %reldir%/ocispec/state.h \
	%reldir%/ocispec/image.c %reldir%/ocispec/image.h \
	%reldir%/ocispec/config-edit.c %reldir%/ocispec/config-edit.h \
	%reldir%/store.c %reldir%/store.h \
	%reldir%/ocispec/docker-archive.c %reldir%/ocispec/docker-archive.h \
	%reldir%/id-map.c %reldir%/id-map.h \
	%reldir%/signals.c %reldir%/signals.h \
	%reldir%/layer.c %reldir%/layer.h \
	%reldir%/rootfs-record.c %reldir%/rootfs-record.h \
	%reldir%/layer-write.c %reldir%/layer-write.h

## What every program links besides its own archive.
SHARED_LIBS = libshared.a $(YAJL_LIBS) $(CRYPTO_LIBS)
