/* File-system helpers.  Every fd returned or used internally is O_CLOEXEC.

   Host paths (state dirs, the image store) use the *_at helpers relative to a
   directory fd.  Paths inside an untrusted root (a container rootfs, an image
   being unpacked) go through ct_fs_openat_beneath / ct_fs_mkdir_p_beneath only
   (STYLE.md 3.10 rule 5). */
#ifndef CT_FS_H
#define CT_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Read the whole of `path` (relative to dirfd) into a malloc'd buffer, NUL-
   terminated (*len excludes the NUL).  More than `max` bytes is an error
   ("read `path`: larger than N bytes", EFBIG). */
int ct_fs_read_all_at (int dirfd, const char *path, size_t max, char **buf, size_t *len, ct_error_t *err);

/* Same from an open fd, from its current offset. */
int ct_fs_read_all_fd (int fd, size_t max, char **buf, size_t *len, ct_error_t *err);

/* Replace `name` (relative to dirfd; may contain directories, which must exist)
   atomically: write a temporary file ".<base>.tmp-XXXXXX" in the same directory,
   fchmod it to exactly `mode` (umask not applied), fsync, rename over `name`,
   fsync the directory.  On failure the old file is intact and the temporary
   file is removed. */
int ct_fs_write_atomic_at (int dirfd, const char *name, const void *buf, size_t len, mode_t mode, ct_error_t *err);

/* mkdir -p relative to dirfd (symlinks to directories are followed, as mkdir -p
   does: use it for host paths only).  Existing directories are fine. */
int ct_fs_mkdir_p_at (int dirfd, const char *path, mode_t mode, ct_error_t *err);

/* rm -rf `name` relative to dirfd.  Never follows symlinks: a symlink (even to
   a directory) is unlinked, its target untouched.  Refuses to descend into a
   mount point below `name` (EXDEV) instead of emptying another file system.
   A missing `name` is success. */
int ct_fs_rm_rf_at (int dirfd, const char *name, ct_error_t *err);

/* Open `path` as if `rootfd` were "/": absolute paths, `..` and symlinks
   (absolute targets restart at the root) all stay inside; magic links
   (/proc/self/root, /proc/PID/fd/N) are refused (ELOOP); more than 40 symlinks
   is ELOOP.  openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS) when the kernel has
   it, else (ENOSYS/E2BIG/EINVAL/EPERM, or CT_NO_OPENAT2=1 in the environment) a
   userspace walk with the same semantics.  With O_CREAT the file is created
   inside the root, through dangling symlinks too.  O_CLOEXEC is always added.
   Returns the fd, or -1 with err ("open `path` beneath root" + errno). */
int ct_fs_openat_beneath (int rootfd, const char *path, int flags, mode_t mode, ct_error_t *err);

/* mkdir -p of `path` inside `rootfd` with the resolution rules above: missing
   directories (including targets of dangling symlinks) are created inside the
   root.  Returns an O_PATH|O_DIRECTORY fd of the final directory. */
int ct_fs_mkdir_p_beneath (int rootfd, const char *path, mode_t mode, ct_error_t *err);

/* Whether ct_fs_openat_beneath will try openat2 (false when CT_NO_OPENAT2=1 or
   the kernel lacks it); for tests. */
bool ct_fs_have_openat2 (void);

#endif
