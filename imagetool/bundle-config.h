/* config.json of a bundle made from an image configuration, as image-spec
   conversion.md says, on `runc spec`'s default (ct_rt_spec_default):
   - process.args = Entrypoint + Cmd (null or [] adds nothing); nothing at
     all leaves process.args out, with a warning (umoci keeps runc's `sh`
     then; a bundle that runs something the image never asked for is worse
     than one the runtime refuses until args are set);
   - process.env = Env verbatim, plus runc's PATH when Env has no PATH and
     HOME (the user's /etc/passwd home, else "/") when it has no HOME;
   - process.cwd = WorkingDir, or "/"; process.terminal false;
   - process.user from User ("", name, uid, and either with ":group" or
     ":gid"): numbers verbatim, names looked up in the rootfs's /etc/passwd
     and /etc/group, opened inside the root (their symlinks resolve there);
     a uid's passwd entry gives its group and home; additionalGids = the
     groups listing the user, only for a user given by name without a
     group (conversion.md);
   - annotations: Labels, then org.opencontainers.image.{os, architecture,
     variant, os.version, os.features, author, created, stopSignal,
     exposedPorts, volumes} for the fields present (lists comma-joined;
     ports and volumes sorted), a label of the same key winning;
   - root.path "rootfs", writable;
   - id maps: linux.uidMappings/gidMappings (one map given serves both) and
     a user namespace; rootless: the `runc spec --rootless` shape. */
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
