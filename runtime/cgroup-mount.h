/* The container's view of cgroups: what a "cgroup" mount in config.json
   shows (runc's behaviour).  With a new cgroup namespace the hierarchies
   are mounted for real and show the namespace's root, the container's
   cgroup; without one, the container's cgroup directories are bind
   mounted from the host.  v1 (and hybrid) hosts get a tmpfs with one
   directory per hierarchy plus links for co-mounted controllers ("cpu" ->
   "cpu,cpuacct"); pure v2 hosts one cgroup2 mount.  Planned by the parent,
   mounted by the init with no allocation. */
#ifndef RT_CGROUP_MOUNT_H
#define RT_CGROUP_MOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "cgroups.h"

struct rt_cg_mount_dir {
	char *name;        /* directory under the mount: "cpu,cpuacct", "systemd" */
	char *src;         /* host directory of the container's cgroup in it */
	char *controllers; /* v1 mount data: "cpu,cpuacct", "name=systemd" */
};

struct rt_cg_mount {
	bool v2;                      /* one cgroup2 mount (pure v2 hosts) */
	bool ns;                      /* a new cgroup namespace: mount, do not bind */
	char *v2_src;                 /* v2: host directory of the container's cgroup */
	struct rt_cg_mount_dir *dirs; /* v1 */
	size_t n_dirs;
	char **links; /* v1: name, target, name, target, ..., NULL */
};

/* Plan the mount for cg; ns: the init unshares a cgroup namespace. */
void rt_cg_mount_plan (const struct rt_cgroup *cg, bool ns, struct rt_cg_mount *out);
void rt_cg_mount_release (struct rt_cg_mount *plan);

/* Child: mount plan on dest (created already) under rootfd, with the
   mount's MS_* flags (MS_RDONLY makes everything read-only). */
int rt_cg_mount_do (int rootfd, const char *dest, const struct rt_cg_mount *plan, unsigned long flags, ct_error_t *err);

#endif
