/* Mounts: option parsing (parent) and the mount operations of the init
   process (child).  Every destination is resolved inside the rootfs with
   ct_fs_openat_beneath (openat2 RESOLVE_IN_ROOT, or the shared fallback walk):
   a symlink in the rootfs can never make us mount over a host path. */
#ifndef RT_MOUNTS_H
#define RT_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup-mount.h"
#include "error.h"

struct rt_mount {
	char *source;              /* binds: absolute host path; else the fs source */
	char *dest;                /* absolute path inside the container */
	char *type;                /* fs type; "bind" for binds */
	char *data;                /* options the kernel parses (mode=, size=, ...), or NULL */
	unsigned long flags;       /* MS_* flags without propagation/bind */
	unsigned long propagation; /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE [|MS_REC], or 0 */
	bool bind;
	bool rec;        /* rbind */
	bool src_is_dir; /* binds: create a dir (else a file) at dest */
	bool cgroup;     /* type cgroup/cgroup2: the container's cgroups (cgroup-mount.h) */
	bool tmpcopyup;  /* a tmpfs filled with what it covers (copyup.h) */
	/* rro, rnosuid, ...: MOUNT_ATTR_* for mount_setattr(AT_RECURSIVE) */
	bool rec_attrs;
	uint64_t attr_set, attr_clr;
	/* idmap, ridmap (or mount id mappings): the parent's detached,
	   idmapped copy of the source (idmap.h), attached instead of a bind;
	   -1 until made; ridmap idmaps the mounts below it too */
	bool idmap, ridmap;
	int idmap_fd;
	/* what a cgroup mount shows, set by the parent once the container's
	   cgroup exists (borrowed); NULL: an empty tmpfs, nothing of the host */
	const struct rt_cg_mount *cg_plan;
};

/* linux.devices[i], prepared by the parent (spawn.c) */
struct rt_device {
	char *path;  /* absolute, under /dev, no `..` */
	char *dir;   /* its directory ("/dev/x") */
	char *base;  /* its last component */
	mode_t mode; /* S_IFCHR|S_IFBLK|S_IFIFO | permissions */
	dev_t dev;
	uid_t uid;
	gid_t gid;
};

/* Parse mount options into m->flags, m->propagation, m->bind/rec and m->data
   (unknown options go to data, as runc does).  Fails only on an option that
   we recognise but do not implement (e.g. "tmpcopyup"). */
int rt_mount_parse_options (char *const *opts, size_t n, struct rt_mount *m, ct_error_t *err);

/* The options rt_mount_parse_options() turns into flags, for `features`. */
extern const char *const rt_mount_known_options[];

/* Parse a propagation name ("rprivate", "slave", ...) into MS_* flags. */
int rt_mount_parse_propagation (const char *name, unsigned long *out, ct_error_t *err);

void rt_mount_release (struct rt_mount *m);

/* ---- child side (init.c) ---- */

/* Perform m under rootfd (an O_PATH fd of the rootfs). */
int rt_mount_do (int rootfd, const struct rt_mount *m, ct_error_t *err);

/* Create the default devices and /dev symlinks under rootfd. */
int rt_mount_default_devices (int rootfd, ct_error_t *err);

/* Create d under rootfd, after the default devices: mknod (an existing
   device node or fifo there is replaced, anything else is an error), or,
   when mknod is not permitted, bind mount the host's node at d->path
   (runc).  Call with umask 0. */
int rt_mount_device (int rootfd, const struct rt_device *d, ct_error_t *err);

/* After pivot_root: mask (bind /dev/null, or ro tmpfs on dirs) and make
   read-only the given absolute paths.  Missing paths are skipped. */
int rt_mount_mask_path (int rootfd, const char *path, ct_error_t *err);
int rt_mount_readonly_path (int rootfd, const char *path, ct_error_t *err);

#endif
