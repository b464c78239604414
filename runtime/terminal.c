/* The console-socket protocol of runc (and so of containerd's shim and
   conmon): one SCM_RIGHTS message carrying the pty master. */
#include "common.h"

#include <sys/ioctl.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>

#include "fdpass.h"
#include "terminal.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO ('T', 0x41)
#endif

int
rt_terminal_check (bool detach, bool terminal, const char *console_socket, ct_error_t *err)
{
	if (detach && terminal && console_socket == NULL)
		return ct_make_error (err, 0, "cannot allocate tty if runc will detach without setting console socket");
	if ((!detach || !terminal) && console_socket != NULL)
		return ct_make_error (err, 0, "cannot use console socket if runc will not detach or allocate tty");
	return 0;
}

int
rt_terminal_connect (const char *path, int min_fd, ct_error_t *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	cleanup_close int fd = -1;
	int placed;

	if (strlen (path) >= sizeof (addr.sun_path))
		return ct_make_error (err, ENAMETOOLONG, "connect to console socket `%s`", path);
	memcpy (addr.sun_path, path, strlen (path) + 1);
	fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ct_make_error (err, errno, "create a socket for console socket `%s`", path);
	if (connect (fd, (struct sockaddr *) &addr, sizeof (addr)) < 0)
		return ct_make_error (err, errno, "connect to console socket `%s`", path);
	/* Above the --preserve-fds range, which the child keeps open. */
	placed = fcntl (fd, F_DUPFD_CLOEXEC, min_fd);
	if (placed < 0)
		return ct_make_error (err, errno, "place the console socket");
	return placed;
}

static int
send_fd (int sock, int fd, ct_error_t *err)
{
	/* runc sends the master's name as the payload */
	static const char name[] = "/dev/ptmx";

	if (rt_fdpass_send (sock, name, sizeof (name) - 1, fd) < 0)
		return ct_make_error (err, errno, "send the pty master to the console socket");
	return 0;
}

/* CVE-2025-52565: /dev/console replaced by a symlink in the rootfs would
   carry the bind anywhere.  The mount point is opened without following
   it, must be the file just made (or a device node), and the slave is
   bound through its fd, not a path in the devpts someone else mounted. */
static int
bind_console (int slave, ct_error_t *err)
{
	cleanup_close int fd = -1;
	struct stat st;
	char source[64];
	char target[64];

	fd = open ("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "open `/dev/console`");
	if (fstat (fd, &st) < 0)
		return ct_make_error (err, errno, "stat `/dev/console`");
	if (!S_ISREG (st.st_mode) && !S_ISCHR (st.st_mode))
		return ct_make_error (err, EPERM, "bind the console: `/dev/console` is not a file or a device");
	snprintf (source, sizeof (source), "/proc/self/fd/%d", slave);
	snprintf (target, sizeof (target), "/proc/self/fd/%d", fd);
	if (mount (source, target, NULL, MS_BIND, NULL) < 0)
		return ct_make_error (err, errno, "bind mount the pty slave on `/dev/console`");
	return 0;
}

int
rt_terminal_setup (int socket_fd, unsigned short rows, unsigned short cols, bool console, ct_error_t *err)
{
	cleanup_close int master = -1;
	cleanup_close int slave = -1;
	struct stat st;
	char path[64];
	unsigned int n;
	int unlock = 0;
	int i;

	/* CVE-2025-52565: never through a symlink, and only the real ptmx */
	master = open ("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
	if (master < 0)
		return ct_make_error (err, errno, "open `/dev/pts/ptmx`");
	if (fstat (master, &st) < 0)
		return ct_make_error (err, errno, "stat `/dev/pts/ptmx`");
	if (!S_ISCHR (st.st_mode) || major (st.st_rdev) != 5 || minor (st.st_rdev) != 2)
		return ct_make_error (err, EPERM, "open `/dev/pts/ptmx`: not the pty multiplexer");
	if (ioctl (master, TIOCSPTLCK, &unlock) < 0)
		return ct_make_error (err, errno, "unlock the pty");
	if (ioctl (master, TIOCGPTN, &n) < 0)
		return ct_make_error (err, errno, "get the pty number");
	snprintf (path, sizeof (path), "/dev/pts/%u", n);
	/* TIOCGPTPEER: the slave of this very master, whatever is mounted on
	   /dev/pts (kernel 4.13); the path otherwise. */
	slave = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		slave = open (path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return ct_make_error (err, errno, "open the pty slave `%s`", path);
	if (rows != 0 || cols != 0) {
		struct winsize ws = { .ws_row = rows, .ws_col = cols };
		if (ioctl (slave, TIOCSWINSZ, &ws) < 0)
			return ct_make_error (err, errno, "set the console size");
	}
	if (console) {
		/* mknod, not open: an existing /dev/console (a device node in the
		   rootfs) must not be opened from in here */
		if (mknod ("/dev/console", S_IFREG | 0600, 0) < 0 && errno != EEXIST)
			return ct_make_error (err, errno, "create `/dev/console`");
		if (bind_console (slave, err) < 0)
			return -1;
	}
	if (send_fd (socket_fd, master, err) < 0)
		return -1;
	/* Nothing of the caller's side may reach the container process. */
	close (steal_fd (&master));
	close (socket_fd);
	if (setsid () < 0)
		return ct_make_error (err, errno, "create a new session");
	if (ioctl (slave, TIOCSCTTY, 0) < 0)
		return ct_make_error (err, errno, "make the pty our controlling terminal");
	for (i = 0; i < 3; i++)
		if (dup2 (slave, i) < 0)
			return ct_make_error (err, errno, "make the pty fd %d", i);
	return 0;
}

int
rt_terminal_recv_fd (int sock, ct_error_t *err)
{
	char name[64];
	struct iovec iov = { .iov_base = name, .iov_len = sizeof (name) };
	union {
		char buf[CMSG_SPACE (sizeof (int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { 0 };
	struct cmsghdr *cmsg;
	ssize_t n;
	int fd;

	memset (&u, 0, sizeof (u));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof (u.buf);
	do
		n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ct_make_error (err, errno, "receive the pty master");
	cmsg = CMSG_FIRSTHDR (&msg);
	if (n == 0 || cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
	    cmsg->cmsg_len != CMSG_LEN (sizeof (int)))
		return ct_make_error (err, 0, "receive the pty master: no fd came");
	memcpy (&fd, CMSG_DATA (cmsg), sizeof (int));
	return fd;
}

static void
copy_size (int master)
{
	struct winsize ws;

	if (ioctl (STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl (master, TIOCSWINSZ, &ws);
}

/* false once fd cannot take more (the reader went away) */
static bool
write_all (int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write (fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t) n;
	}
	return true;
}

/* What the process wrote before it exited; its own children may keep the
   slave open: never block. */
static void
drain (int master, bool *out_ok)
{
	char buf[4096];
	ssize_t n;
	int flags = fcntl (master, F_GETFL);

	if (flags < 0 || fcntl (master, F_SETFL, flags | O_NONBLOCK) < 0)
		return;
	while ((n = read (master, buf, sizeof (buf))) > 0)
		if (*out_ok)
			*out_ok = write_all (STDOUT_FILENO, buf, (size_t) n);
}

int
rt_terminal_proxy (int master, pid_t pid, const sigset_t *sigs, int *status, ct_error_t *err)
{
	cleanup_close int sfd = -1;
	struct termios saved;
	bool raw = false;
	bool in_open = true, master_open = true, out_ok = true;
	char buf[4096];
	int r = -1;

	sfd = signalfd (-1, sigs, SFD_CLOEXEC);
	if (sfd < 0)
		return ct_make_error (err, errno, "create a signalfd");
	if (isatty (STDIN_FILENO)) {
		copy_size (master);
		if (tcgetattr (STDIN_FILENO, &saved) == 0) {
			struct termios t = saved;

			cfmakeraw (&t);
			raw = tcsetattr (STDIN_FILENO, TCSANOW, &t) == 0;
		}
	}
	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = master_open ? master : -1, .events = POLLIN },
			{ .fd = in_open ? STDIN_FILENO : -1, .events = POLLIN },
		};
		ssize_t n;

		if (poll (pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			ct_make_error (err, errno, "poll the terminal");
			goto out;
		}
		if (pfd[1].revents != 0) {
			n = read (master, buf, sizeof (buf));
			if (n > 0 && out_ok)
				out_ok = write_all (STDOUT_FILENO, buf, (size_t) n);
			else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
				master_open = false; /* EIO: every slave fd is closed */
		}
		if (pfd[2].revents != 0) {
			n = read (STDIN_FILENO, buf, sizeof (buf));
			if (n > 0)
				write_all (master, buf, (size_t) n);
			else if (n == 0 || (errno != EINTR && errno != EAGAIN))
				in_open = false;
		}
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			int st;
			pid_t w;

			if (read (sfd, &si, sizeof (si)) != (ssize_t) sizeof (si))
				continue;
			if (si.ssi_signo == SIGWINCH) {
				copy_size (master);
				continue;
			}
			if (si.ssi_signo != SIGCHLD) {
				if (kill (pid, (int) si.ssi_signo) < 0 && errno != ESRCH) {
					ct_make_error (err, errno, "forward signal %u", si.ssi_signo);
					goto out;
				}
				continue;
			}
			w = waitpid (pid, &st, WNOHANG);
			if (w < 0) {
				ct_make_error (err, errno, "wait for the container process");
				goto out;
			}
			if (w == 0)
				continue;
			if (master_open)
				drain (master, &out_ok);
			*status = WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
			r = 0;
			goto out;
		}
	}
out:
	if (raw)
		tcsetattr (STDIN_FILENO, TCSANOW, &saved);
	return r;
}
