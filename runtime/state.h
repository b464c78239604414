/* The state directory: ROOT/ID holds state.json while the container lives. */
#ifndef RT_STATE_H
#define RT_STATE_H

#include <sys/types.h>

#include "error.h"

/* runc's rule: ^[\w+-.]+$, and not "." or "..". */
int rt_state_check_id (const char *id, ct_error_t *err);

/* mkdir -p root (0700), then create root/id (0700); "container with id
   exists: ID" when it is there already.  Returns an O_DIRECTORY fd of root/id. */
int rt_state_create (const char *root, const char *id, ct_error_t *err);

/* Write root/id/state.json atomically (tmp, fsync, rename, fsync dir). */
int rt_state_write (int dirfd, const char *id, const char *status, pid_t pid, const char *bundle, const char *rootfs,
                    ct_error_t *err);

/* Remove root/id and what it contains; missing is fine. */
int rt_state_remove (const char *root, const char *id, ct_error_t *err);

#endif
