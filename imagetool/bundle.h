/* What cimage keeps in a bundle it made (specs/bundle-format.md):
     BUNDLE/config.json     the runtime config (ours until the user edits it)
     BUNDLE/rootfs/         the root file system (a directory, or an overlay mount)
     BUNDLE/cimage.json     where the image came from (this file's struct)
     BUNDLE/cimage.record   copy mode: the rootfs's state after unpack (rootfs-record.h)
     BUNDLE/overlay/upper   overlay mode: the mount's upper and work directories
     BUNDLE/overlay/work
   commit reads cimage.json to find the base image and the changes. */
#ifndef CT_IMAGETOOL_BUNDLE_H
#define CT_IMAGETOOL_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "id-map.h"

#define CT_BUNDLE_META   "cimage.json"
#define CT_BUNDLE_RECORD "cimage.record"
#define CT_BUNDLE_ROOTFS "rootfs"
#define CT_BUNDLE_UPPER  "overlay/upper"
#define CT_BUNDLE_WORK   "overlay/work"

struct ct_bundle_meta {
	char *store;         /* absolute path of the store holding the image */
	char *ref;           /* the REF unpack was given, as given */
	char *manifest;      /* the manifest's digest */
	char *manifest_type; /* its media type */
	int64_t manifest_size;
	bool overlay; /* rootfs is an overlay of the layer cache */
	struct ct_id_map *uid_map;
	size_t n_uid_map;
	struct ct_id_map *gid_map;
	size_t n_gid_map;
};

/* Write BUNDLE/cimage.json atomically (bundlefd: the bundle directory). */
int ct_bundle_meta_write (int bundlefd, const struct ct_bundle_meta *m, ct_error_t *err);
/* Read it; a bundle cimage did not make is "`BUNDLE`: not a bundle made by
   cimage unpack (no cimage.json)".  `bundle` names it in errors. */
int ct_bundle_meta_read (int bundlefd, const char *bundle, struct ct_bundle_meta *m, ct_error_t *err);
void ct_bundle_meta_clear (struct ct_bundle_meta *m);

#endif
