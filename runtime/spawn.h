/* PARENT side of starting a container: turn the spec into an init plan
   (everything parsed, resolved and opened here), clone the child, follow the
   sync socket, then wait for it while forwarding signals. */
#ifndef RT_SPAWN_H
#define RT_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "cgroups.h"
#include "init.h"
#include "ocispec/runtime.h"

struct rt_spawn_opts {
	const char *bundle; /* absolute */
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	int fifo_fd;    /* create: O_PATH fd of the exec fifo (duplicated), else -1 */
	int state_fd;   /* the locked ROOT/ID fd the child must close, or -1; borrowed */
	bool detach;    /* the init outlives us (create, run -d): no PDEATHSIG */
	const char *id; /* the container's id, for the hooks' state; borrowed */
	/* --console-socket PATH, or NULL; rt_terminal_check() has run */
	const char *console_socket;
};

struct rt_spawn {
	struct rt_init init;
	int clone_flags; /* CLONE_NEW* to create */
	/* a new time namespace: clone() cannot create one (CLONE_NEWTIME is in
	   its exit-signal bits), so rt_spawn_clone unshares it in the parent
	   just for the child; timens_offsets is what it writes to
	   /proc/self/timens_offsets first, or NULL */
	bool new_timens;
	char *timens_offsets;
	/* a new user namespace: the text written to the child's uid_map and
	   gid_map after clone (sync.h), else NULL */
	char *uid_map, *gid_map;
	int pidns_fd; /* pid namespace to join (the parent joins it), or -1 */
	int sync_fd;  /* parent's end, or -1 */
	/* foreground terminal: our end of the pair the child sends the pty
	   master on (rt_spawn_wait proxies it), or -1 */
	int tty_sock;
	/* NOTIFY_SOCKET (runc's notify_socket.go): our socket ROOT/ID/notify/
	   notify.sock, bound for `run` (rt_notify_bind for `start`), or
	   -1; notify_host is the caller's NOTIFY_SOCKET, or NULL */
	int notify_fd;
	char *notify_host;
	pid_t pid;        /* the init process, or 0 */
	sigset_t blocked; /* forwarded signals + SIGCHLD, blocked by rt_spawn_start */
	/* run by rt_spawn_sync when the child asks (RT_SYNC_HOOKS) */
	struct rt_hook_list prestart, create_runtime;
	/* the container's cgroup, entered by the init right after clone (sync.h),
	   or NULL; borrowed */
	const struct rt_cgroup *cg;
	/* the state hooks receive; strings borrowed from the spec and opts */
	struct ct_rt_state hook_state;
	/* linux.seccomp.listenerPath and listenerMetadata when the filter has
	   a listener (SCMP_ACT_NOTIFY): rt_spawn_sync hands it over */
	char *seccomp_listener_path;
	char *seccomp_listener_metadata;
};

/* Reject what this version does not implement, naming the field:
   "config.json: `linux.seccomp`: not supported yet". */
int rt_spawn_check_supported (const struct ct_rt_spec *spec, ct_error_t *err);

/* Build the plan.  On failure s holds what was allocated so far:
   rt_spawn_release() it either way. */
int rt_spawn_prepare (const struct ct_rt_spec *spec, const struct rt_spawn_opts *o, struct rt_spawn *s,
                      ct_error_t *err);

/* Build the plan of `exec`: a new process `proc` in the namespaces of the
   running init_pid (those that differ from ours), the container's root as
   its root; none of the container setup again.  doc and pfx name proc's
   fields in messages ("config.json", "process." or "p.json", "").  Uses
   o->preserve_fds, state_fd, detach and no_new_keyring.  rt_spawn_release()
   s either way. */
int rt_spawn_prepare_exec (const struct ct_rt_process *proc, const char *doc, const char *pfx, pid_t init_pid,
                           const struct rt_spawn_opts *o, struct rt_spawn *s, ct_error_t *err);

/* Compile sc (through the cache of the state root holding state_fd, or
   none when -1) into s->init.seccomp; rt_spawn_prepare does it for the
   config's, `exec` for the stored config's (runc: exec gets the filter). */
int rt_spawn_prepare_seccomp (const struct ct_rt_seccomp *sc, int state_fd, struct rt_spawn *s, ct_error_t *err);

/* Clone the child.  On success s->pid is the container's init, and the
   forwarded signals are blocked; the child runs its steps on its own. */
int rt_spawn_clone (struct rt_spawn *s, ct_error_t *err);

/* Follow the sync socket until the child has exec'd the container process
   (no exec fifo) or is blocked on the exec fifo (RT_SYNC_READY), or report
   the error it sent: one message "{step}: msg".  When the child asks, runs
   the prestart and createRuntime hooks (state "creating", the init's pid);
   their failure is the error.  On failure the child has been reaped and
   s->pid is 0. */
int rt_spawn_sync (struct rt_spawn *s, ct_error_t *err);

/* Wait for s->pid, forwarding SIGINT/TERM/HUP/QUIT/USR1/USR2 to it.
 *status = exit code, or 128 + signal. */
int rt_spawn_wait (struct rt_spawn *s, int *status, ct_error_t *err);

/* Release the plan; an init still in s->pid is killed and reaped: set
   s->pid = 0 first to leave it running (create, run -d). */
void rt_spawn_release (struct rt_spawn *s);

#endif
