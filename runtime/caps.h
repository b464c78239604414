/* Capabilities: names -> kernel bitmasks (parent, libcap), and the child's
   application in runc's finalizeNamespace order. */
#ifndef RT_CAPS_H
#define RT_CAPS_H

#include <stdint.h>

#include "error.h"

/* "CAP_CHOWN" etc. (case-insensitive, as libcap) -> bit in *mask. */
int rt_caps_parse (char *const *names, size_t n, uint64_t *mask, const char *what, ct_error_t *err);

/* Highest capability number the running kernel knows. */
int rt_caps_last (void);

/* Name of capability `cap` in the spec's spelling ("CAP_CHOWN"); malloc'd. */
char *rt_caps_name (int cap);

/* Child: drop every capability not in `bounding` from the bounding set. */
int rt_caps_drop_bounding (uint64_t bounding, ct_error_t *err);

/* Child, after setresuid: set E/P/I with capset(2) and raise the ambient set. */
int rt_caps_apply (uint64_t effective, uint64_t permitted, uint64_t inheritable, uint64_t ambient, ct_error_t *err);

#endif
