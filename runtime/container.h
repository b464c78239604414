/* Lifecycle orchestration (runtime-spec runtime.md "Lifecycle" and
   "Operations"): create/run, start, kill, delete, and the live status that
   `state` and `list` print.  Every function here works on a locked ROOT/ID
   (state.h); the cmd/ files only parse arguments and print. */
#ifndef RT_CONTAINER_H
#define RT_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroups.h"
#include "error.h"
#include "ocispec/runtime.h"
#include "ocispec/state.h"

struct rt_create_opts {
	const char *bundle;   /* NULL: the current directory */
	const char *pid_file; /* NULL: none */
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	bool keep;                  /* foreground run: keep the stopped container's state */
	const char *console_socket; /* --console-socket, or NULL */
	bool rootless;              /* --rootless resolved (rootless.h): cgroup errors tolerated */
};

enum rt_create_mode {
	RT_CREATE_FOREGROUND, /* run: start, wait, remove the state; *status = exit status */
	RT_CREATE_DETACHED,   /* run -d: start and return; the init outlives us */
	RT_CREATE_CREATED,    /* create: return once the init waits on the exec fifo */
};

/* Create container `id` under `root` from o->bundle/config.json.  On failure
   nothing is left under root/id and no process remains. */
int rt_container_create (const char *root, const char *id, const struct rt_create_opts *o, enum rt_create_mode mode,
                         int *status, ct_error_t *err);

struct rt_container {
	char *id;
	int dirfd;                 /* locked ROOT/ID */
	struct ct_rt_state *state; /* state.json as stored; NULL if missing (crashed create) */
	const char *status;        /* live: creating, created, running, paused or stopped */
	pid_t pid;                 /* live: the init, 0 when stopped */
	unsigned long long start;  /* recorded start time of the init, 0 unknown */
	struct rt_cgroup cg;       /* its cgroup as saved by create; cg.n == 0: none */
};

/* Open, lock (LOCK_SH or LOCK_EX) and read root/id, computing the status
   from the process itself: gone, a zombie or a different process with the
   same pid (start time) = stopped; frozen cgroup = paused; exec fifo
   present = created; else running.  partial_ok: a directory without state.json (a create that was
   killed) loads with state NULL instead of failing. */
int rt_container_load (const char *root, const char *id, int lock_op, bool partial_ok, struct rt_container *c,
                       ct_error_t *err);
void rt_container_release (struct rt_container *c);

/* Release a created container's init (opens the exec fifo); runc's errors
   for other states.  Returns once the init is past the fifo. */
int rt_container_start (struct rt_container *c, ct_error_t *err);

/* Send sig to the init; all: to every process in the container's cgroup
   (without one: its pid namespace, or only the init when it shares ours).
   "container not running" when stopped.  SIGKILL thaws a paused container
   so the processes can die. */
int rt_container_kill (struct rt_container *c, int sig, bool all, ct_error_t *err);

/* Remove the container: stopped ones always, created ones after killing
   the init; running and paused ones only with force (SIGKILL to everything
   in its cgroup, then wait until the pid is gone, bounded).  Its cgroup goes
   too.  Leaves c->dirfd open (the caller releases c). */
int rt_container_delete (const char *root, struct rt_container *c, bool force, ct_error_t *err);

/* The state document as `state`/`list` print it: live status, pid 0 when
   stopped.  Borrows from c; owner is borrowed too. */
void rt_container_state_doc (const struct rt_container *c, const char *owner, struct ct_rt_state *out);

struct rt_exec_opts {
	const char *pid_file; /* NULL: none */
	bool ignore_paused;   /* --ignore-paused: exec even into a frozen cgroup */
	char **cgroups;       /* --cgroup [CONTROLLERS:]PATH..., or NULL (rt_cg_sub) */
	int preserve_fds;
	bool detach;                /* return once the process runs */
	const char *console_socket; /* --console-socket, or NULL */
};

/* Run `proc` in the created or running container c (runc: "cannot exec in a
   stopped container"); doc and pfx name proc's fields in messages (see
   rt_spawn_prepare_exec).  The container's state is not changed.  In the
   foreground the lock on c is released while the process runs, and *status
   is its exit code or 128 + signal. */
int rt_container_exec (struct rt_container *c, const struct ct_rt_process *proc, const char *doc, const char *pfx,
                       const struct rt_exec_opts *o, int *status, ct_error_t *err);

/* pause / resume: freeze or thaw the container's cgroup; runc's errors
   ("container not running", "container not paused"). */
int rt_container_pause (struct rt_container *c, ct_error_t *err);
int rt_container_resume (struct rt_container *c, ct_error_t *err);

/* The pids in the container's cgroup (the init alone when it has none;
   none when stopped, as runc).  *pids is malloc'd. */
int rt_container_pids (struct rt_container *c, pid_t **pids, size_t *n, ct_error_t *err);

/* "KILL", "SIGKILL", "9" -> 9; else "unknown signal `X`". */
int rt_parse_signal (const char *s, int *sig, ct_error_t *err);

#endif
