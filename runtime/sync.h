/* Parent <-> child protocol over a socketpair (AF_UNIX, SOCK_SEQPACKET).

   One datagram = one struct rt_sync_msg.  Today's exchange (foreground run):

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
   create/start will add request/ack pairs here (RT_SYNC_READY / RT_SYNC_RUN
   around the exec fifo, RT_SYNC_HOOKS / RT_SYNC_HOOKS_DONE). */
#ifndef RT_SYNC_H
#define RT_SYNC_H

#include <stdint.h>

enum rt_sync_type {
	RT_SYNC_ERROR = 1,
};

#define RT_SYNC_MSG_MAX 2048

struct rt_sync_msg {
	int32_t type;
	int32_t status; /* errno, or 0 */
	char msg[RT_SYNC_MSG_MAX];
};

#endif
