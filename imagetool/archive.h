/* Image archives (tar files):
   - oci-archive: a tar of an OCI image layout (oci-layout, index.json,
     blobs/sha256/...), as skopeo and buildah write it;
   - docker-archive: the `docker save` format (manifest.json listing Config,
     RepoTags and Layers; repositories; layer tars), as docker, podman and
     skopeo write it.

   Reading streams the tar once (stdin works: no seeking) through libarchive:
   every blob-like member goes straight into the destination layout through a
   ct_blob_writer (an OCI archive's blobs/sha256/HEX verified against HEX),
   then the index/manifest.json decide which image is meant.  A docker
   archive becomes a plain OCI image: its config bytes are kept (so the image
   ID is unchanged), layers are stored as they are (tar, or gzip when
   compressed: detected by magic) and an OCI manifest is written.
   Member names with `..`, absolute names, links and devices are refused
   with the member's name: nothing is written outside the layout. */
#ifndef CT_IMAGETOOL_ARCHIVE_H
#define CT_IMAGETOOL_ARCHIVE_H

#include "error.h"
#include "ocispec/image.h"
#include "store.h"

enum ct_archive_format {
	CT_ARCHIVE_AUTO = 0, /* detect from the members (oci-layout or manifest.json) */
	CT_ARCHIVE_OCI,
	CT_ARCHIVE_DOCKER,
};

/* Read `file` ("-" = stdin) into dest.  `ref` chooses the image when the
   archive holds several (OCI: a ref.name annotation, docker: a RepoTag or
   "@N" for the Nth manifest entry); NULL with several is an error listing
   them.  *desc gets the manifest's descriptor (deep copy); *name (may be
   NULL) the name the archive gave it, or NULL. */
int ct_archive_read (const char *file, enum ct_archive_format format, const char *ref, struct ct_layout *dest,
                     struct ct_descriptor *desc, char **name, ct_error_t *err);

/* Write the image `desc` of src (a manifest or an index and everything it
   reaches) to fd as an archive.  OCI: index.json with one entry carrying
   `name` as its ref.name (when not NULL).  docker: one manifest.json entry
   with RepoTags [name] (when not NULL), layers as stored blobs named
   HEX.tar... (docker-archive needs uncompressed layers: gzip/zstd layers
   are decompressed while written and their diff_id checked).  Entries are
   sorted, owned 0:0, mode 0644/0755, mtime 0: equal images give equal bytes. */
int ct_archive_write (struct ct_layout *src, const struct ct_descriptor *desc, const char *name,
                      enum ct_archive_format format, int fd, ct_error_t *err);

#endif
