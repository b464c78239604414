/* process.terminal (runtime-spec config.md; runc's --console-socket
   protocol): the init or exec'd process opens a pty pair in the container's
   devpts, keeps the slave as its controlling terminal and stdio, and sends
   the master to the caller's unix socket with SCM_RIGHTS. */
#ifndef RT_TERMINAL_H
#define RT_TERMINAL_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/* runc's checkTerminal: a detached terminal needs a console socket, and a
   console socket needs a detached terminal (runc's words).  A foreground
   terminal gets no socket: cruntime receives the master itself and proxies
   (rt_terminal_proxy). */
int rt_terminal_check (bool detach, bool terminal, const char *console_socket, ct_error_t *err);

/* Parent, before clone: connect to the console socket at path; the fd is
   O_CLOEXEC and placed at min_fd or above. */
int rt_terminal_connect (const char *path, int min_fd, ct_error_t *err);

/* Child, in the container's mount namespace after pivot_root (or after
   joining it): open a pty in /dev/pts, size it (rows/cols 0: left alone),
   bind the slave on /dev/console when console, send the master over
   socket_fd and close both, then make the slave our controlling terminal
   and stdin/stdout/stderr in a new session. */
int rt_terminal_setup (int socket_fd, unsigned short rows, unsigned short cols, bool console, ct_error_t *err);

/* Parent: receive the fd the child sent on sock (SCM_RIGHTS), O_CLOEXEC. */
int rt_terminal_recv_fd (int sock, ct_error_t *err);

/* Parent of a foreground terminal: until pid exits, copy our stdin to
   master and master to our stdout, with our terminal (when stdin is one) in
   raw mode, restored before returning, and its size copied to master now and
   at each SIGWINCH.  sigs (blocked by the caller, SIGCHLD and SIGWINCH among
   them) are read from a signalfd; the others are forwarded to pid.
   *status = exit code, or 128 + signal. */
int rt_terminal_proxy (int master, pid_t pid, const sigset_t *sigs, int *status, ct_error_t *err);

#endif
