/* The store's layer cache (specs/store-format.md, "layers/"): each layer
   extracted once, by diff_id, as overlayfs lower directories (whiteouts in
   overlayfs form), so that `unpack --overlay` costs a mount. */
#ifndef CT_IMAGETOOL_LAYER_CACHE_H
#define CT_IMAGETOOL_LAYER_CACHE_H

#include "error.h"
#include "ocispec/image.h"
#include "store.h"

/* Make sure every layer of m is in the cache, make BUNDLE/overlay/{upper,work}
   and mount the overlay on BUNDLE/rootfs (an existing empty directory).
   l must be open CT_LAYOUT_WRITE (its shared lock keeps gc away). */
int cimage_overlay_mount (struct ct_layout *l, const struct ct_manifest *m, const struct ct_image_config *ic,
                          int bundlefd, const char *bundle, ct_error_t *err);

/* gc of the layer cache (l open CT_LAYOUT_GC, after the blobs' gc): removes
   layers/tmp/ (no writer runs while gc holds the exclusive lock) and every
   cached layer that no stored image's config lists, unless an overlay mount
   of this mount namespace still uses it.  *removed counts the layers. */
int cimage_layer_cache_gc (struct ct_layout *l, size_t *removed, ct_error_t *err);

#endif
