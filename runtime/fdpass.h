/* Passing one fd over a unix socket (SCM_RIGHTS): the pty master to
   --console-socket, the seccomp listener from the init to cruntime and on
   to the agent.  No allocation: the init calls it between clone and execve. */
#ifndef RT_FDPASS_H
#define RT_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* sendmsg(2) of len bytes at buf with fd attached, MSG_NOSIGNAL, retried on
   EINTR: what sendmsg returns, -1 with errno set. */
ssize_t rt_fdpass_send (int sock, const void *buf, size_t len, int fd);

#endif
