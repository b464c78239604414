/* Writing an image layer (image-spec layer.md) from files on disk, straight
   into a store: the tar is streamed through the compressor into a
   ct_blob_writer while its uncompressed bytes are hashed for the diff_id;
   neither the layer nor a temporary copy of it is ever held whole.

   The tar is deterministic: the same files and metadata give the same bytes.
   POSIX pax (plain ustar headers where they suffice), entries in the order
   they are added (callers add them in ct_rootfs_path_cmp order of their
   names), numeric uid/gid only (no user or group names), mtime in whole
   seconds (clamped to clamp_mtime when set), no atime or ctime, gzip header
   without a name and with mtime 0, no padding after the end-of-archive
   blocks.  xattrs, security.capability included, are SCHILY.xattr records
   (sorted by name); overlayfs's own (trusted.overlay.*, user.overlay.*) are
   left out.  Files with several links become tar hard links to the first
   of their names in the layer.  Regular files, directories, symlinks,
   char and block devices and FIFOs are written; sockets are skipped with a
   warning (tar cannot hold them). */
#ifndef CT_LAYER_WRITE_H
#define CT_LAYER_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "id-map.h"
#include "ocispec/image.h"
#include "store.h"

enum ct_layer_compression {
	CT_LAYER_GZIP = 0,
	CT_LAYER_ZSTD,
	CT_LAYER_UNCOMPRESSED,
};

/* "gzip", "zstd" or "none"; else "unknown compression `x` (gzip, zstd or none)". */
int ct_layer_compression_parse (const char *s, enum ct_layer_compression *out, ct_error_t *err);
/* The OCI layer media type for it (tar, tar+gzip, tar+zstd). */
const char *ct_layer_compression_media_type (enum ct_layer_compression c);

struct ct_layer_write_opts {
	enum ct_layer_compression compression;
	/* Owners on disk are host ids: written as container ids through
	   these maps (ct_id_map_to_container; n == 0: as they are).  A host
	   id the maps do not cover is an error naming the file. */
	const struct ct_id_map *uid_map;
	size_t n_uid_map;
	const struct ct_id_map *gid_map;
	size_t n_gid_map;
	/* >= 0: mtimes later than this (SOURCE_DATE_EPOCH) are written as it;
	   -1: as they are. */
	int64_t clamp_mtime;
};

struct ct_layer_writer;

/* Start a layer in l (a WRITE handle). */
int ct_layer_writer_new (struct ct_layout *l, const struct ct_layer_write_opts *o, struct ct_layer_writer **out,
                         ct_error_t *err);
/* Add the file at `path` (relative) under rootfd, as it is now, named
   `path` in the layer.  Its parents are resolved inside rootfd
   (ct_fs_openat_beneath) and the file itself is never followed.  Errors
   name it: "`etc/shadow`: open: Permission denied". */
int ct_layer_writer_add (struct ct_layer_writer *w, int rootfd, const char *path, ct_error_t *err);
/* The whiteout of `path`: an empty file `DIR/.wh.NAME` (mode 0, 0:0, mtime 0). */
int ct_layer_writer_add_whiteout (struct ct_layer_writer *w, const char *path, ct_error_t *err);
/* The opaque marker of directory `dir`: `DIR/.wh..wh..opq`. */
int ct_layer_writer_add_opaque (struct ct_layer_writer *w, const char *dir, ct_error_t *err);
/* End the tar, flush the compressor and commit the blob: *desc gets the
   layer's media type, digest and size (owned strings), *diff_id (malloc'd)
   the sha256 of the uncompressed tar.  The writer must still be freed. */
int ct_layer_writer_finish (struct ct_layer_writer *w, struct ct_descriptor *desc, char **diff_id, ct_error_t *err);
/* Free; a layer not finished leaves nothing under blobs/. */
void ct_layer_writer_free (struct ct_layer_writer *w);
void ct_layer_writer_freep (struct ct_layer_writer **w);
#define cleanup_layer_writer __attribute__ ((cleanup (ct_layer_writer_freep)))

#endif
