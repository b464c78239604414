/* Parent <-> child protocol over a socketpair (AF_UNIX, SOCK_SEQPACKET).

   One datagram = one struct rt_sync_msg.  `run` (foreground or -d) and `exec`
   (the same, with only the steps an exec runs):

       parent (spawn.c)                         child (init.c)
       ----------------                         --------------
       clone() ------------------------------->  steps[0..n-1]
                                                  |
               <---- RT_SYNC_ERROR {status,msg} --+ a step failed; _exit (1)
               <---- EOF ------------------------ execve() succeeded: the
                                                  socket is O_CLOEXEC, so the
                                                  kernel closes it for us

   The parent therefore reads until EOF: an ERROR datagram is the one error
   line it reports; a bare EOF means the container process is running.

   `create` (an exec fifo was given to the child):

       cruntime create                          child (init.c)
       ---------------                          --------------
       clone() ------------------------------->  steps up to "wait start"
               <---- RT_SYNC_READY -------------- everything but execve done
       write state.json "created", exit 0         open(exec.fifo, O_WRONLY)
                                                  blocks ...
       cruntime start
       --------------
       open(exec.fifo, O_RDONLY|O_NONBLOCK) ----> ... returns; write "0"
       read "0", unlink exec.fifo                 execve()

   The init runs the startContainer hooks between opening the fifo and
   writing to it: it writes "0" when they succeeded, or "1" and the error
   line, which `start` reports.  After READY nobody reads the socket: a
   later failure (execve itself) is sent into the void and the init exits
   1; `state` then says "stopped".

   Hooks (only when the config has prestart, createRuntime,
   createContainer or startContainer hooks), after the mounts and before
   pivot_root:

       parent                                   child
               <---- RT_SYNC_HOOKS -------------- mounts done; waits
       write the state fds (real pid),
       run prestart, createRuntime
       RT_SYNC_HOOKS_DONE ---------------------> run createContainer, go on
       (or RT_SYNC_ERROR: the child exits 1;
        the parent reports its own error)

   Placement (when the container has a cgroup, or the process runs in a
   user namespace of its own or a joined one): the child's first step waits
   until the parent has written its pid into the cgroup and, for a new user
   namespace, written /proc/PID/uid_map and gid_map (the parent, root on
   the host, never the child), and, in any user namespace, its
   oom_score_adj and rlimits (the child no longer has the host's
   CAP_SYS_RESOURCE).  So nothing of the container runs outside its cgroup
   or without its ids, and a new cgroup namespace is unshared only then,
   rooted at the container's cgroup:

       parent                                   child
       clone() ------------------------------->  waits
       uid_map, gid_map (new user namespace)
       oom_score_adj, prlimit (user namespace)
       rt_cg_enter (pid)
       RT_SYNC_PLACED -------------------------> unshare (CLONE_NEWCGROUP),
                                                  setns, setresuid (0) in
                                                  the user namespace

   Seccomp with SCMP_ACT_NOTIFY (seccomp.h): right after loading the filter
   (before the credentials, or after the exec lookup with noNewPrivileges):

       parent                                   child
               <---- RT_SYNC_SECCOMP + fd ------- filter loaded (SCM_RIGHTS)
       connect listenerPath, send the state
       and the fd (runc)
       RT_SYNC_SECCOMP_DONE -------------------> closes its copy, goes on
       (or RT_SYNC_ERROR: the child exits 1) */
#ifndef RT_SYNC_H
#define RT_SYNC_H

#include <stdint.h>

enum rt_sync_type {
	RT_SYNC_ERROR = 1,
	RT_SYNC_READY = 2,      /* child -> parent: blocked on the exec fifo next */
	RT_SYNC_HOOKS = 3,      /* child -> parent: run the runtime's hooks now */
	RT_SYNC_HOOKS_DONE = 4, /* parent -> child: they succeeded */
	RT_SYNC_PLACED = 5,     /* parent -> child: cgroup, id maps and limits are set */
	/* far from the others' numbers: other features add types too */
	RT_SYNC_SECCOMP = 20,      /* child -> parent: the listener fd (SCM_RIGHTS) */
	RT_SYNC_SECCOMP_DONE = 21, /* parent -> child: the agent has it */
};

#define RT_SYNC_MSG_MAX 2048

struct rt_sync_msg {
	int32_t type;
	int32_t status; /* errno, or 0 */
	char msg[RT_SYNC_MSG_MAX];
};

#endif
