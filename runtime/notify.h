/* NOTIFY_SOCKET through a container (notify.c). */
#ifndef RT_NOTIFY_H
#define RT_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* ROOT/ID/notify holds our socket; bound read-only on /run/notify */
#define RT_NOTIFY_DIR          "notify"
#define RT_NOTIFY_SOCK         "notify.sock"
#define RT_NOTIFY_IN_CONTAINER "/run/notify"

/* The absolute path of ROOT/ID/notify, or of the socket in it (sock). */
int rt_notify_path (int state_fd, bool sock, char *buf, size_t len, ct_error_t *err);

/* NOTIFY_SOCKET, for the commands that start a container's process:
   bind ROOT/ID/notify/notify.sock (state_fd is ROOT/ID) into *fd; 0 and
   *fd = -1 when NOTIFY_SOCKET is not set.  `run` does it in
   rt_spawn_prepare; `start` must do it before opening the exec fifo. */
int rt_notify_bind (int state_fd, int *fd, ct_error_t *err);

/* Relay the container's READY=... to host (the caller's NOTIFY_SOCKET),
   then MAINPID=pid, as runc does; returns once sent, or when pid has
   exited (it is not reaped), or at once when fd < 0. */
int rt_notify_relay (int fd, const char *host, pid_t pid, ct_error_t *err);

#endif
