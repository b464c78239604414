/* Idmapped bind mounts (config.md: mounts[].uidMappings/gidMappings and
   the options idmap, ridmap; runc 1.2's semantics).  The parent makes each
   one before clone as a detached mount: open_tree(OPEN_TREE_CLONE) of the
   source, mount_setattr(MOUNT_ATTR_IDMAP) with a user namespace holding
   the mapping; the init, which inherits the fd, attaches it at the
   destination with move_mount (mounts.c).  Done by the parent because it
   needs CAP_SYS_ADMIN over that user namespace, which the init, in the
   container's own user namespace, does not have. */
#ifndef RT_IDMAP_H
#define RT_IDMAP_H

#include <stdbool.h>

#include "error.h"
#include "init.h"
#include "ocispec/runtime.h"

/* Whether the kernel has mount_setattr(2) (Linux 5.12), for `features`. */
bool rt_idmap_supported (void);

/* The rules that need no system call: mappings only on binds, uid and
   gid mappings together, idmap without mappings only with a user
   namespace; and root (not rootless).  Mappings without the idmap option
   imply it (runc 1.2). */
int rt_idmap_check (const struct ct_rt_spec *spec, ct_error_t *err);

/* Make the detached mounts of p->mounts[i] (i < spec->n_mounts) that ask
   for an idmap: p->mounts[i].idmap_fd, above the --preserve-fds range.
   prepare_namespaces (p->userns_fd, p->new_userns) has run. */
int rt_idmap_prepare (const struct ct_rt_spec *spec, struct rt_init *p, ct_error_t *err);

#endif
