/* The cgroupfs driver: where a container's cgroup lives on this host (cgroup
   v1, v2, or hybrid: v1 controllers plus a cgroup2 "unified" mount), and the
   operations the lifecycle needs on it.  Resources are written by
   cgroup-resources.c, device rules by cgroup-devices.c, statistics read by
   cgroup-stats.c; all of them reach the files through rt_cg_dirfd().

   cgroupsPath follows runc's cgroupfs rules: absolute = from each
   hierarchy's root; relative = under our own cgroup in that hierarchy (on v2
   under its parent, as runc: our own cgroup holds processes, so no
   controller could be enabled below it); empty = relative "ID". */
#ifndef RT_CGROUPS_H
#define RT_CGROUPS_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec/runtime.h"

enum rt_cg_mode {
	RT_CG_LEGACY,  /* v1 only */
	RT_CG_HYBRID,  /* v1 plus a cgroup2 mount at /sys/fs/cgroup/unified */
	RT_CG_UNIFIED, /* v2 only: /sys/fs/cgroup is cgroup2 */
};

/* One hierarchy the container's cgroup lives in. */
struct rt_cg_hier {
	bool v2;
	char *mount;       /* its mount point, "/sys/fs/cgroup/memory" */
	char *controllers; /* v1: as in /proc/self/cgroup, "cpu,cpuacct" or
	                      "name=systemd"; v2: the container cgroup's
	                      cgroup.controllers, space-separated (read once
	                      it exists) */
	char *path;        /* the container's cgroup below mount, "/a/b" */
	int dirfd;         /* O_DIRECTORY of mount+path, or -1 (not there) */
};

struct rt_cgroup {
	enum rt_cg_mode mode;
	struct rt_cg_hier *h;
	size_t n;
};

/* --systemd-cgroup: always -1.  runc's words when systemd does not run
   here; else that only the cgroupfs driver exists (never a silent
   fallback to it). */
int rt_cg_check_systemd (ct_error_t *err);

/* Read the host's layout (mounts, our own cgroups) and compute the
   container's cgroup in each hierarchy from cgroupsPath (NULL: runc's
   default, the id).  Nothing is created.  rt_cg_release() cg either way. */
int rt_cg_plan (struct rt_cgroup *cg, const char *cgroups_path, const char *id, ct_error_t *err);

/* Make the cgroup in every hierarchy (mkdir -p; v1 cpuset levels get
   their parent's cpus/mems; v2 enables every available controller in the
   ancestors' cgroup.subtree_control) and open the dirfds. */
int rt_cg_create (struct rt_cgroup *cg, ct_error_t *err);

/* exec --cgroup (runc 1.1): specs are "PATH" (alone: every hierarchy) or
   "CONTROLLER[,CONTROLLER]:PATH", PATH an existing sub-cgroup of the
   container's, relative ("..": never above it).  *out is cg with those
   hierarchies pointing at the sub-cgroups; rt_cg_release() it either way.
   runc's errors: "invalid --cgroup argument: X", "... specified multiple
   times"; on v2 a controller prefix is refused. */
int rt_cg_sub (const struct rt_cgroup *cg, char *const *specs, struct rt_cgroup *out, ct_error_t *err);

/* Write pid into cgroup.procs of every hierarchy. */
int rt_cg_enter (const struct rt_cgroup *cg, pid_t pid, ct_error_t *err);

/* Save / load the plan in the container's state directory (file "cgroup"),
   so later commands find the cgroup even if the host's view of our own
   cgroup changed.  rt_cg_load: ENOENT status when the container has none;
   hierarchies whose directory is gone keep dirfd -1. */
int rt_cg_save (const struct rt_cgroup *cg, int state_dirfd, ct_error_t *err);
int rt_cg_load (struct rt_cgroup *cg, int state_dirfd, ct_error_t *err);

/* The dirfd of the container's cgroup in the hierarchy that provides
   controller ("memory", "cpu", "hugetlb"...), or -1 when none does.  v1
   hierarchies win over the unified one on hybrid hosts. *v2 (may be NULL)
   tells which interface the files speak. */
int rt_cg_dirfd (const struct rt_cgroup *cg, const char *controller, bool *v2);

/* The unified hierarchy's dirfd (v2 or hybrid), or -1. */
int rt_cg_unified_dirfd (const struct rt_cgroup *cg);

/* Write value to file in dirfd (no O_CREAT, no O_TRUNC: cgroup files);
   errors name the file and the value: "write `memory.max`: `12`". */
int rt_cg_write (int dirfd, const char *file, const char *value, ct_error_t *err);

/* Read file in dirfd into buf (NUL-terminated, trailing newline removed). */
int rt_cg_read (int dirfd, const char *file, char *buf, size_t size, ct_error_t *err);

/* Apply linux.resources (cgroup-resources.c and cgroup-devices.c): on
   create, and by `update` (then only the given fields change).  A field
   whose controller the host lacks is an error naming the field. */
int rt_cg_apply (const struct rt_cgroup *cg, const struct ct_rt_resources *r, bool update, ct_error_t *err);

/* Freeze or thaw (v1 freezer, v2 cgroup.freeze), returning once the state
   is reached. */
int rt_cg_freeze (const struct rt_cgroup *cg, bool frozen, ct_error_t *err);

/* Whether the cgroup is frozen (false when there is no freezer). */
bool rt_cg_is_frozen (const struct rt_cgroup *cg);

/* The pids in the cgroup (cgroup.procs of the pids/freezer/first hierarchy,
   sub-cgroups included); *pids is malloc'd. */
int rt_cg_pids (const struct rt_cgroup *cg, pid_t **pids, size_t *n, ct_error_t *err);

/* Send sig to every process in the cgroup (frozen first on v1, so nothing
   forks away; cgroup.kill on v2 for SIGKILL). */
int rt_cg_kill (const struct rt_cgroup *cg, int sig, ct_error_t *err);

/* Remove the container's cgroup (and sub-cgroups) in every hierarchy,
   retrying briefly while the last processes exit; missing is fine. */
int rt_cg_destroy (struct rt_cgroup *cg, ct_error_t *err);

void rt_cg_release (struct rt_cgroup *cg);

#endif
