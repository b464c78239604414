/* File helpers the unit tests share: a temporary directory, its removal,
   a small file written whole. */
#ifndef CT_TAP_FS_H
#define CT_TAP_FS_H

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "fs.h"
#include "xalloc.h"

/* A new directory under /tmp (malloc'd path), or NULL. */
static inline char *
mk_tmpdir (void)
{
	char tmpl[] = "/tmp/ct-unit-XXXXXX";
	char *d = mkdtemp (tmpl);
	return d ? xstrdup (d) : NULL;
}

static inline void
rm_dir (const char *d)
{
	ct_error_t err = NULL;
	if (ct_fs_rm_rf_at (AT_FDCWD, d, &err) < 0)
		ct_error_release (&err);
}

/* dirfd/name (0644, replaced) holding text; 0 or -1. */
static inline int
put (int dirfd, const char *name, const char *text)
{
	int fd = openat (dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write (fd, text, strlen (text));
	close (fd);
	return n == (ssize_t) strlen (text) ? 0 : -1;
}

#endif
