/* Semantic checks of a decoded config.json, run before anything is created
   (runc libcontainer/configs/validate).  The decoder (shared/ocispec) has
   already checked types, ranges, required fields and closed enums; this pass
   checks what spans fields or touches the bundle: root.path inside the
   bundle, namespaces unique and consistent with id mappings, hostname and
   sysctls with their namespaces, absolute paths, rlimit sanity.

   Errors read like the decoder's, naming the JSON path:
     "config.json: `root.path`: `../x` escapes the bundle". */
#ifndef RT_VALIDATE_H
#define RT_VALIDATE_H

#include "error.h"
#include "ocispec/runtime.h"

/* Check s for the bundle at bundle_dir (the directory holding config.json;
   NULL means the current directory).  Returns 0, or -1 with *err set for
   the first failed check. */
int rt_validate_spec (const struct ct_rt_spec *s, const char *bundle_dir, ct_error_t *err);

#endif
