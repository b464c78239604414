/* tmpcopyup: fill a fresh tmpfs with a copy of the directory it covers. */
#ifndef RT_COPYUP_H
#define RT_COPYUP_H

#include "error.h"

/* Copy the contents of directory fd src into directory fd dst (both open
   O_RDONLY|O_DIRECTORY): files, directories, symlinks (never followed),
   device nodes and FIFOs with owner, mode and times; sockets are skipped.
   dest names the mount in errors.  Child side: no allocation. */
int rt_copyup (int src, int dst, const char *dest, ct_error_t *err);

#endif
