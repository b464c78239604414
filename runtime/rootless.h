/* Rootless: what changes when cruntime runs without privileges (runc 1.1):
   the --rootless decision, the default state root, the id maps of a new
   user namespace written for a non-root caller (directly for its own id,
   through newuidmap/newgidmap for ranges from /etc/subuid and /etc/subgid),
   and which cgroup controllers a container asks for. */
#ifndef RT_ROOTLESS_H
#define RT_ROOTLESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec/runtime.h"

/* --rootless true|false|auto: auto (and NULL) is rootless when the
   effective uid is not 0 or we run in a user namespace other than the
   initial one, as runc's cgroupfs driver decides. */
bool rt_rootless (const char *flag);

/* The default --root: $XDG_RUNTIME_DIR/cruntime when XDG_RUNTIME_DIR is set
   and we are not root, or are root in a user namespace other than the
   initial one while $USER is not "root" (runc's rule); else /run/cruntime.
   *xdg says the XDG directory was chosen (made 0700 and sticky, as runc). */
const char *rt_rootless_default_root (char **buf, bool *xdg);

/* Make the XDG state root: 0700 plus the sticky bit, so the session
   manager does not prune it (the XDG base directory spec; runc does). */
int rt_rootless_make_root (const char *root, ct_error_t *err);

/* The text of /proc/PID/uid_map or gid_map: "containerID hostID size"
   lines, written at once (validate.c checked sizes, overlaps, count). */
char *rt_id_map_format (const struct ct_rt_id_mapping *m, size_t n);

/* Write the uid (gid == false) or gid map text of pid, a child in a new
   user namespace.  Root writes it; a non-root caller writes a single
   mapping of its own id itself ("deny" to setgroups first for gid_map, as
   the kernel requires); any other mapping goes through newuidmap or
   newgidmap, whose stderr line ends the error. */
int rt_id_map_write (pid_t pid, bool gid, const char *text, ct_error_t *err);

/* Write text to /proc/PID/FILE in one write(): the kernel takes an id map
   only whole, and only once (spawn.c writes oom_score_adj with it too). */
int rt_proc_write (pid_t pid, const char *file, const char *text, ct_error_t *err);

/* The nth (from 0) cgroup controller linux.resources asks for (devices
   rules aside: a rootless container goes on without them, as runc), as the
   v1 name ("memory", "cpu", "cpuset", "blkio", "hugetlb", "net_cls",
   "pids", "rdma") with the v2 name in *v2_name (NULL: none) and the JSON
   field in *field; NULL past the last. */
const char *rt_rootless_requested (const struct ct_rt_resources *r, size_t nth, const char **v2_name,
                                   const char **field);

#endif
