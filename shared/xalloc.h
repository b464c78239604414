/* Allocation that aborts on out-of-memory (crun, bubblewrap, git): no OOM paths. */
#ifndef CT_XALLOC_H
#define CT_XALLOC_H

#include <stddef.h>

void *xmalloc (size_t n);
void *xzalloc (size_t n);
void *xcalloc (size_t nmemb, size_t size);
void *xrealloc (void *p, size_t n);
/* Grow an array of nmemb elements of size `size`, overflow-checked. */
void *xreallocarray (void *p, size_t nmemb, size_t size);
char *xstrdup (const char *s);
char *xstrndup (const char *s, size_t n);
int xasprintf (char **out, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

#endif
