/* Reading a stored image: its manifest, index, config (the store commands,
   unpack, commit and config all start here). */
#ifndef CT_IMAGETOOL_STORED_H
#define CT_IMAGETOOL_STORED_H

#include <stddef.h>

#include "error.h"
#include "ocispec/image.h"
#include "store.h"

int cimage_read_manifest (struct ct_layout *l, const char *digest, struct ct_manifest **m, ct_error_t *err);
int cimage_read_index (struct ct_layout *l, const char *digest, struct ct_index **ix, ct_error_t *err);
/* The config of m: raw bytes (raw may be NULL) and/or decoded (c may be NULL). */
int cimage_read_config (struct ct_layout *l, const struct ct_manifest *m, char **raw, size_t *raw_len,
                        struct ct_image_config **c, ct_error_t *err);
/* For a descriptor that names an index, the manifest for this host that is
   in the store; a manifest's descriptor is copied as it is. */
int cimage_pick_manifest (struct ct_layout *l, const struct ct_descriptor *d, struct ct_descriptor *out,
                          ct_error_t *err);

/* "CMD `REF`: image is not in the store" for a name that resolves to
   nothing; any other error gets the "CMD `REF`" context. */
int cimage_ref_error (const char *cmd, const char *ref, ct_error_t *err);

#endif
