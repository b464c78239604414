/* Device access rules of a container's cgroup (config-linux.md "Allowed
   Device List"): v1 through devices.deny/devices.allow, v2 through an eBPF
   program (BPF_PROG_TYPE_CGROUP_DEVICE) attached to the cgroup.

   The list a cgroup gets is linux.resources.devices in order, then runc's
   default allowed devices ("c *:* m", "b *:* m", null, random, full, tty,
   zero, urandom, /dev/pts/N, ptmx, tun: runc 1.1 specconv AllowedDevices).
   Rules mean what they mean to the v1 kernel (devices.txt): a rule of type
   "a" (or no type) resets to allow-all or deny-all and drops every earlier
   exception; another rule adds an exception to the current default, or takes
   access bits away from the exception with exactly its type and numbers.  The
   v2 program is compiled from the list that results, so both versions grant
   the same access.

   linux.devices entries get no rule of their own: runc 1.1.5 gives them none
   (observed on a v1 host: a node listed there but not allowed by a
   linux.resources.devices rule cannot be opened, EPERM), and the spec makes
   access control the job of the allowed device list. */
#ifndef RT_CGROUP_DEVICES_H
#define RT_CGROUP_DEVICES_H

#include <stdbool.h>

#include "cgroups.h"

/* Check linux.resources.devices: type a, b or c (or none), access a
   combination of r, w and m (none: "rwm"), major and minor 0..2^32-1.
   Errors name the field: "config.json: `linux.resources.devices[2].access`:
   ...".  Meant for the validation pass; rt_cg_devices_apply checks too. */
int rt_cg_devices_check (const struct ct_rt_device_cgroup *rules, size_t n, ct_error_t *err);

/* Apply rules then the defaults to the container's cgroup (the hierarchy
   providing "devices": v1 on legacy and hybrid hosts, the unified one on v2
   hosts).  A host without a devices hierarchy is skipped.  devs
   (linux.devices) is accepted for the contract but adds nothing (see above).

   v1: a fresh cgroup gets the rules written in order.  When both the
   cgroup's current list and the result are deny-by-default (an update, or a
   parent in deny mode), only the difference is written, allowances first,
   so running processes never lose access they keep in the end (runc does the
   same).
   v2: the program is loaded and attached with BPF_F_ALLOW_MULTI, then the
   programs attached before it are detached (an update replaces the rules
   without a window where none apply). */
int rt_cg_devices_apply (const struct rt_cgroup *cg, const struct ct_rt_device_cgroup *rules, size_t n,
                         const struct ct_rt_device *devs, size_t n_devs, ct_error_t *err);

/* The same on one cgroup directory (dirfd: any fd of the directory), v1 or
   v2 as told; for tests and for callers holding the dirfd. */
int rt_cg_devices_apply_fd (int dirfd, bool v2, const struct ct_rt_device_cgroup *rules, size_t n, ct_error_t *err);

#endif
