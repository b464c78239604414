/* config.json of a bundle made from an image configuration, as image-spec
   conversion.md says: process.args = Entrypoint + Cmd, env, cwd, user
   resolved against the rootfs's /etc/passwd and /etc/group (read inside the
   root), Labels and the org.opencontainers.image.* keys as annotations;
   everything else is `runc spec`'s default (ct_rt_spec_default), with the
   id mappings of a --rootless / --uid-map unpack. */
#ifndef CT_IMAGETOOL_BUNDLE_CONFIG_H
#define CT_IMAGETOOL_BUNDLE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "id-map.h"
#include "ocispec/image.h"
#include "ocispec/runtime.h"

struct ct_bundle_config_opts {
	bool rootless;                   /* runc spec --rootless shape (user namespace) */
	const struct ct_id_map *uid_map; /* user namespace mappings; n == 0: none */
	size_t n_uid_map;
	const struct ct_id_map *gid_map;
	size_t n_gid_map;
};

/* The runtime config for image config `ic` whose rootfs is rootfd (the
   bundle's rootfs/, root.path "rootfs").  Errors name the field
   ("image config: `config.User`: no user `www` in /etc/passwd"). */
int ct_bundle_config_make (int rootfd, const struct ct_image_config *ic, const struct ct_bundle_config_opts *o,
                           struct ct_rt_spec **out, ct_error_t *err);

#endif
