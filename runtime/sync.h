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

   After READY nobody reads the socket: a later failure (execve itself) is
   sent into the void and the init exits 1; `state` then says "stopped".
   Hooks will add RT_SYNC_HOOKS / RT_SYNC_HOOKS_DONE. */
#ifndef RT_SYNC_H
#define RT_SYNC_H

#include <stdint.h>

enum rt_sync_type {
	RT_SYNC_ERROR = 1,
	RT_SYNC_READY = 2, /* child -> parent: blocked on the exec fifo next */
};

#define RT_SYNC_MSG_MAX 2048

struct rt_sync_msg {
	int32_t type;
	int32_t status; /* errno, or 0 */
	char msg[RT_SYNC_MSG_MAX];
};

#endif
