/* CVE-2019-5736: the commands that put a process into a container run from
   a sealed in-memory copy of the binary, so /proc/PID/exe of a process in
   the container can never reach (and overwrite) the host's file. */
#ifndef RT_SELFEXE_H
#define RT_SELFEXE_H

#include "error.h"

/* Whether command `cmd` (run, create, exec) puts a process into a container. */
bool rt_selfexe_needed (const char *cmd);

/* Re-exec the running binary from a sealed memfd copy with the same argv and
   environment, unless /proc/self/exe already is one.  Returns 0 when already
   sealed; on success it does not return; -1 with err otherwise. */
int rt_selfexe_ensure_sealed (char **argv, ct_error_t *err);

#endif
