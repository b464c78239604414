/* First include of every .c after <config.h> (which the build force-includes):
   libc, cleanup, error and allocation helpers, then banned.h last so nothing
   after it can use a banned call. */
#ifndef CT_COMMON_H
#define CT_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "xalloc.h"

#define CT_ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))
#define CT_UNUSED        __attribute__ ((unused))
#define LIKELY(x)        __builtin_expect (!!(x), 1)
#define UNLIKELY(x)      __builtin_expect (!!(x), 0)

#include "banned.h"

#endif
