/* A record of a root file system's state, taken when cimage unpacks a
   bundle and compared with the rootfs when cimage commits it: what was
   added, changed (content or metadata) or deleted since.  The format is the
   project's own (specs/bundle-format.md); only these functions read and
   write it. */
#ifndef CT_ROOTFS_RECORD_H
#define CT_ROOTFS_RECORD_H

#include "error.h"

/* Walk rootfd (never following symlinks, never crossing into another file
   system) and write the record of every path under it to fd. */
int ct_rootfs_record_write (int rootfd, int fd, ct_error_t *err);

#endif
