/* The image store: an OCI image layout (specs/store-format.md).
   Today only its location; blobs, index and gc come with `cimage pull`. */
#ifndef CT_CAS_H
#define CT_CAS_H

#include "error.h"

/* Where the store lives: `opt` (--store) if set, else $CIMAGE_STORE, else
   /var/lib/cimage for root, else ${XDG_DATA_HOME:-$HOME/.local/share}/cimage.
   *out is malloc'd.  cimage and cbuild share it so cbuild writes where cimage reads. */
int ct_cas_default_dir (const char *opt, char **out, ct_error_t *err);

#endif
