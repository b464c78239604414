/* The state directory: ROOT/ID holds, while the container exists,
     state.json  the runtime-spec state document (written atomically)
     init.start  the init's start time (field 22 of /proc/PID/stat), so a
                 reused pid is never mistaken for the container
     exec.fifo   from create until start (the init blocks opening it)
     config.json the config as create saw it (exec, update, hooks)
     cgroup      where its cgroup is, saved before it is made
   Every command that reads or changes ROOT/ID holds flock() on the
   directory's fd: concurrent calls on one container are serialised. */
#ifndef RT_STATE_H
#define RT_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec/state.h"

#define RT_STATE_FIFO "exec.fifo"
/* The config as it was at create: exec reads it even if the bundle changed or went. */
#define RT_STATE_CONFIG "config.json"
/* The container's cgroup in each hierarchy (cgroups.h rt_cg_save). */
#define RT_STATE_CGROUP "cgroup"

/* runc's rule: ^[\w+-.]+$, and not "." or "..". */
int rt_state_check_id (const char *id, ct_error_t *err);

/* mkdir -p root (0700), then create root/id (0700); "container with id
   exists: ID" when it is there already.  Returns an O_DIRECTORY fd of root/id,
   locked exclusively. */
int rt_state_create (const char *root, const char *id, ct_error_t *err);

/* Open root/id and flock it (LOCK_SH or LOCK_EX).  A missing container fails
   with runc's "container does not exist", also when it was
   removed while we waited for the lock (no errno status: runc's exact line). */
int rt_state_open (const char *root, const char *id, int lock_op, ct_error_t *err);

/* Whether root/id exists (no lock: a hint, for `delete -f` of nothing). */
bool rt_state_exists (const char *root, const char *id);

/* Write state.json in dirfd atomically (tmp, fsync, rename, fsync dir). */
int rt_state_write (int dirfd, const struct ct_rt_state *st, ct_error_t *err);

/* Read and decode state.json of dirfd (ENOENT when there is none). */
int rt_state_load (int dirfd, struct ct_rt_state **out, ct_error_t *err);

/* init.start: write / read the recorded start time of the init. */
int rt_state_write_starttime (int dirfd, unsigned long long start, ct_error_t *err);
int rt_state_read_starttime (int dirfd, unsigned long long *start, ct_error_t *err);

/* Start time (clock ticks since boot) of pid and whether it is a zombie (or
   dead).  Returns -1 with errno set (ESRCH) when there is no such process;
   no ct_error_t: a vanished process is an answer, not a failure. */
int rt_proc_stat (pid_t pid, unsigned long long *start, bool *zombie);

/* Remove root/id and what it contains; missing is fine. */
int rt_state_remove (const char *root, const char *id, ct_error_t *err);

#endif
