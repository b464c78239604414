/* NOTIFY_SOCKET (sd_notify) through a container, as runc's
   notify_socket.go: the container gets ROOT/ID/notify bound on /run/notify
   and talks to our socket there; we pass its READY=... on to the caller's
   NOTIFY_SOCKET with MAINPID. */
#include "common.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "notify.h"

/* The absolute path of ROOT/ID/notify[/notify.sock], from state_fd. */
int
rt_notify_path (int state_fd, bool sock, char *buf, size_t len, ct_error_t *err)
{
	char link[64];
	char dir[PATH_MAX];
	ssize_t n;

	snprintf (link, sizeof (link), "/proc/self/fd/%d", state_fd);
	n = readlink (link, dir, sizeof (dir) - 1);
	if (n < 0)
		return ct_make_error (err, errno, "resolve the container's state directory");
	dir[n] = '\0';
	n = snprintf (buf, len, "%s/%s%s", dir, RT_NOTIFY_DIR, sock ? "/" RT_NOTIFY_SOCK : "");
	if (n < 0 || (size_t) n >= len)
		return ct_make_error (err, ENAMETOOLONG, "the notify socket path `%s/%s` is too long", dir,
		                      RT_NOTIFY_DIR);
	return 0;
}

int
rt_notify_bind (int state_fd, int *fd, ct_error_t *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	cleanup_close int sock = -1;

	*fd = -1;
	if (getenv ("NOTIFY_SOCKET") == NULL)
		return 0;
	if (rt_notify_path (state_fd, true, addr.sun_path, sizeof (addr.sun_path), err) < 0)
		return -1;
	sock = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return ct_make_error (err, errno, "create the notify socket");
	unlink (addr.sun_path);
	if (bind (sock, (struct sockaddr *) &addr, sizeof (addr)) < 0)
		return ct_make_error (err, errno, "bind the notify socket `%s`", addr.sun_path);
	/* any user of the container may notify (runc) */
	if (chmod (addr.sun_path, 0777) < 0)
		return ct_make_error (err, errno, "chmod the notify socket `%s`", addr.sun_path);
	*fd = steal_fd (&sock);
	return 0;
}

static bool
exited (pid_t pid)
{
	siginfo_t si;

	memset (&si, 0, sizeof (si));
	/* WNOWAIT: our caller reaps it */
	if (waitid (P_PID, (id_t) pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0)
		return si.si_pid == pid;
	/* not our child (start): gone when it cannot be signalled */
	return kill (pid, 0) < 0 && errno == ESRCH;
}

int
rt_notify_relay (int fd, const char *host, pid_t pid, ct_error_t *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	cleanup_close int client = -1;
	char buf[4096];
	char line[64];
	socklen_t alen;
	size_t len;
	int n;

	if (fd < 0 || host == NULL)
		return 0;
	if (strlen (host) >= sizeof (addr.sun_path) || host[0] == '\0')
		return ct_make_error (err, EINVAL, "NOTIFY_SOCKET `%s`: not a socket path", host);
	memcpy (addr.sun_path, host, strlen (host) + 1);
	alen = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + strlen (host) + 1);
	if (host[0] == '@') { /* abstract */
		addr.sun_path[0] = '\0';
		alen--;
	}
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t r;
		char *ready;

		/* the container's end: 100 ms ticks like runc's */
		n = poll (&pfd, 1, 100);
		if (n < 0 && errno != EINTR)
			return ct_make_error (err, errno, "wait on the notify socket");
		if (n <= 0) {
			if (exited (pid))
				return 0;
			continue;
		}
		r = recv (fd, buf, sizeof (buf) - 1, 0);
		if (r < 0 && errno != EINTR && errno != EAGAIN)
			return ct_make_error (err, errno, "read the notify socket");
		if (r <= 0)
			continue;
		buf[r] = '\0';
		/* runc forwards the READY= line of the datagram, nothing else */
		for (ready = buf; ready != NULL; ready = strchr (ready, '\n'), ready = ready ? ready + 1 : NULL)
			if (strncmp (ready, "READY=", 6) == 0)
				break;
		if (ready == NULL)
			continue;
		len = strcspn (ready, "\n");
		client = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (client < 0)
			return ct_make_error (err, errno, "create a socket to NOTIFY_SOCKET");
		if (connect (client, (struct sockaddr *) &addr, alen) < 0)
			return ct_make_error (err, errno, "connect to NOTIFY_SOCKET `%s`", host);
		n = snprintf (line, sizeof (line), "MAINPID=%d\n", (int) pid);
		ready[len] = '\n'; /* room: buf[r] was the NUL */
		if (send (client, ready, len + 1, MSG_NOSIGNAL) < 0 ||
		    send (client, line, (size_t) n, MSG_NOSIGNAL) < 0)
			return ct_make_error (err, errno, "notify `%s`", host);
		return 0;
	}
}
