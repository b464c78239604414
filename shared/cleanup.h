/* Scope-bound cleanup for libc resources (bubblewrap/crun idiom).
   A resource variable is born with a cleanup attribute and a sentinel (NULL, -1)
   and leaves its scope only through steal_pointer() / steal_fd().
   Cleanups for library types (yajl, archive, seccomp) live in the module that
   wraps the library. */
#ifndef CT_CLEANUP_H
#define CT_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void
ct_cleanup_freep (void *p)
{
	void **pp = (void **) p;
	free (*pp);
}

static inline void
ct_cleanup_closep (int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close (*fd);
		errno = saved;
	}
}

static inline void
ct_cleanup_filep (FILE **f)
{
	if (*f != NULL) {
		int saved = errno;
		fclose (*f);
		errno = saved;
	}
}

static inline void
ct_cleanup_dirp (DIR **d)
{
	if (*d != NULL) {
		int saved = errno;
		closedir (*d);
		errno = saved;
	}
}

/* NULL-terminated vector of owned strings. */
static inline void
ct_cleanup_strvp (char ***v)
{
	char **p;
	if (*v == NULL)
		return;
	for (p = *v; *p != NULL; p++)
		free (*p);
	free (*v);
}

#define cleanup_free  __attribute__ ((cleanup (ct_cleanup_freep)))
#define cleanup_close __attribute__ ((cleanup (ct_cleanup_closep)))
#define cleanup_file  __attribute__ ((cleanup (ct_cleanup_filep)))
#define cleanup_dir   __attribute__ ((cleanup (ct_cleanup_dirp)))
#define cleanup_strv  __attribute__ ((cleanup (ct_cleanup_strvp)))

static inline void *
ct_steal_pointer (void *pp)
{
	void **p = (void **) pp;
	void *ret = *p;
	*p = NULL;
	return ret;
}

/* Type-checked: steal_pointer (&p) yields the type of p. */
#define steal_pointer(pp) ((__typeof__ (*(pp))) ct_steal_pointer (pp))

static inline int
steal_fd (int *fd)
{
	int ret = *fd;
	*fd = -1;
	return ret;
}

#endif
