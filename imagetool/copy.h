/* Copying images between transports: the engine of pull, push and copy.

   Every transport is one of two kinds of endpoint: an OCI image layout (the
   store, oci:DIR, and archives, which are read into or written from a
   layout) or a registry.  An image is copied bottom-up: blobs (config,
   layers) first, then the manifest, then the index, then the name, so a
   destination never refers to content it lacks (specs/store-format.md
   ATOMIC WRITES; a registry is given blobs before the manifest that uses them).

   Into a layout every document is plain OCI: Docker schema-2 manifests and
   lists are converted (ct_manifest_to_oci), config and layer bytes untouched.
   Into a registry manifests go byte for byte, so the digest is kept. */
#ifndef CT_IMAGETOOL_COPY_H
#define CT_IMAGETOOL_COPY_H

#include <stdbool.h>

#include "error.h"
#include "ocispec/image.h"
#include "ref.h"
#include "registry.h"

struct ct_copy_opts {
	const char *op;                     /* "pull", "push", "copy": first word of errors */
	const char *store;                  /* the store directory (bare names) */
	const struct ct_platform *platform; /* NULL: the host's */
	bool all;                           /* every manifest of an index */
	bool quiet;
	struct ct_registry_opts src_tls; /* tls_verify, cert_dir of the source */
	struct ct_registry_opts dst_tls; /* ... of the destination */
};

/* Copy src to dst.  dst_name: the name given to the image in a layout
   destination (store, oci:DIR); NULL: the reference's own (see cimage.1.md).
   *digest_out (may be NULL) gets the digest of the manifest or index written
   to the destination. */
int ct_copy_image (const struct ct_ref *src, const struct ct_ref *dst, const struct ct_copy_opts *o, char **digest_out,
                   ct_error_t *err);

/* ---- reading one image from any transport (inspect) ---- */

struct ct_image_source;

int ct_image_source_open (const struct ct_ref *ref, const struct ct_copy_opts *o, struct ct_image_source **out,
                          ct_error_t *err);
void ct_image_source_free (struct ct_image_source *s);
void ct_image_source_freep (struct ct_image_source **s);
#define cleanup_image_source __attribute__ ((cleanup (ct_image_source_freep)))

/* The reference's top document (manifest or index) as stored there:
   bytes, media type, digest (all malloc'd). */
int ct_image_source_top (struct ct_image_source *s, char **buf, size_t *len, char **media_type, char **digest,
                         ct_error_t *err);
/* A document by digest (a child of an index), verified. */
int ct_image_source_doc (struct ct_image_source *s, const struct ct_descriptor *d, char **buf, size_t *len,
                         ct_error_t *err);
/* A small blob (a config) by descriptor, verified, at most max bytes. */
int ct_image_source_blob (struct ct_image_source *s, const struct ct_descriptor *d, size_t max, char **buf, size_t *len,
                          ct_error_t *err);
/* The image manifest for `platform` (NULL: host): the top document when it
   is a manifest, else the matching child of the index.  Decoded, plus its
   digest and raw bytes (may be NULL). */
int ct_image_source_manifest (struct ct_image_source *s, const struct ct_platform *platform, struct ct_manifest **m,
                              char **digest, char **raw, size_t *raw_len, ct_error_t *err);

#endif
