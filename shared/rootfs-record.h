/* A record of a root file system's state, taken when cimage unpacks a
   bundle and compared with the rootfs when cimage commits it: what was
   added, changed (content or metadata) or deleted since.  The format is the
   project's own (specs/bundle-format.md "cimage.record"); only these
   functions read and write it.

   Nothing is hashed: a path counts as changed when its type, mode, owner,
   size, mtime, ctime, inode or symlink target differ.  ctime is what makes
   this sound: the kernel sets it on every content write, chmod, chown,
   xattr change, rename and link count change, and no unprivileged call can
   set it back (utimensat restores mtime, never ctime).

   Every walk here is relative to directory fds, never follows a symlink and
   never descends into a directory on another file system (a mount point is
   recorded, its contents are not). */
#ifndef CT_ROOTFS_RECORD_H
#define CT_ROOTFS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "error.h"

/* The order of paths in a record, in a walk and in the layers cimage
   writes: component by component, siblings by their bytes (strcmp), so a
   directory comes right before its contents ("a", "a/b", "a-c").  The root
   is "" and comes first.  Returns <0, 0, >0 as strcmp. */
int ct_rootfs_path_cmp (const char *a, const char *b);

/* ---- walking ---- */

struct ct_rootfs_entry {
	const char *path;      /* relative to the root, no leading "./"; "" for the root */
	int dirfd;             /* the directory holding it (the root's own fd for the root) */
	const char *name;      /* its name in dirfd ("." for the root) */
	const struct stat *st; /* lstat of it */
	const char *target;    /* a symlink's target, else NULL */
	bool other_fs;         /* a directory on another file system: not descended into */
};
typedef int (*ct_rootfs_walk_fn) (const struct ct_rootfs_entry *e, void *data, ct_error_t *err);

/* Call fn for the root and every path under rootfd, in ct_rootfs_path_cmp
   order.  fn returning -1 stops the walk with its error. */
int ct_rootfs_walk (int rootfd, ct_rootfs_walk_fn fn, void *data, ct_error_t *err);

/* ---- the record ---- */

/* Walk rootfd and write the record of every path under it to fd. */
int ct_rootfs_record_write (int rootfd, int fd, ct_error_t *err);

enum ct_rootfs_change_kind {
	CT_ROOTFS_ADDED = 0,
	CT_ROOTFS_CHANGED, /* content or metadata, or a different file (type, inode) */
	CT_ROOTFS_DELETED,
};

struct ct_rootfs_change {
	char *path; /* relative, as in ct_rootfs_entry */
	enum ct_rootfs_change_kind kind;
};

struct ct_rootfs_changes {
	struct ct_rootfs_change *v; /* in ct_rootfs_path_cmp order */
	size_t n;
	size_t alloc;
};

/* Compare rootfd with the record read from recfd (`recname` names it in
   errors: "`BUNDLE/cimage.record` line 12: ...").  Changes of the root
   itself are not reported.  A deleted path is reported only when its
   parent is still a directory in rootfd: the topmost path of a deleted
   tree, and nothing under a directory that became a file (the new file
   replaces the tree).  A directory deleted and created again is CHANGED,
   and its old children that did not come back are DELETED.
   newfd >= 0: the record of rootfd as this walk saw it is written there
   too (what commit keeps for the next commit). */
int ct_rootfs_record_diff (int rootfd, int recfd, const char *recname, int newfd, struct ct_rootfs_changes *out,
                           ct_error_t *err);
void ct_rootfs_changes_release (struct ct_rootfs_changes *c);

#endif
