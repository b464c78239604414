/* Hook runner: fork, exec with the state on stdin, wait with a deadline. */
#include "common.h"

#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "hooks.h"
#include "log.h"
#include "strv.h"

const char *const rt_hook_kinds[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL,
};

void
rt_hook_list_prepare (const char *kind, const struct ct_rt_hook_list *src, struct rt_hook_list *out)
{
	size_t i;

	memset (out, 0, sizeof (*out));
	out->kind = kind;
	if (src == NULL || src->n == 0)
		return;
	out->hooks = xcalloc (src->n, sizeof (struct rt_hook));
	out->n = src->n;
	for (i = 0; i < src->n; i++) {
		const struct ct_rt_hook *h = &src->hooks[i];
		struct rt_hook *d = &out->hooks[i];

		d->path = xstrdup (h->path);
		if (h->args != NULL && h->args[0] != NULL)
			d->argv = ct_strv_dup (h->args);
		else {
			d->argv = xcalloc (2, sizeof (char *));
			d->argv[0] = xstrdup (h->path);
		}
		/* exactly the configured environment, nothing of ours */
		d->envp = h->env != NULL ? ct_strv_dup (h->env) : xcalloc (1, sizeof (char *));
		d->timeout =
		        h->timeout_present && h->timeout > 0 ? (int) (h->timeout < INT_MAX ? h->timeout : INT_MAX) : 0;
	}
}

void
rt_hook_list_release (struct rt_hook_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free (l->hooks[i].path);
		ct_cleanup_strvp (&l->hooks[i].argv);
		ct_cleanup_strvp (&l->hooks[i].envp);
	}
	free (l->hooks);
	l->hooks = NULL;
	l->n = 0;
}

int
rt_hooks_state_update (int fd, const struct ct_rt_state *s, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	size_t len, off = 0;

	if (ct_rt_state_encode (s, false, &buf, &len, err) < 0)
		return ct_error_wrap (err, "encode the state for hooks");
	if (ftruncate (fd, 0) < 0)
		return ct_make_error (err, errno, "truncate the hooks' state");
	while (off < len) {
		ssize_t n = pwrite (fd, buf + off, len - off, (off_t) off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ct_make_error (err, errno, "write the hooks' state");
		off += (size_t) n;
	}
	return 0;
}

int
rt_hooks_state_fd (const struct ct_rt_state *s, int min_fd, ct_error_t *err)
{
	cleanup_close int raw = -1;
	cleanup_close int fd = -1;

	/* A file, not a pipe: every hook reads the whole document from offset
	   0, and no writer has to wait for a hook that never reads. */
	raw = memfd_create ("cruntime-hook-state", MFD_CLOEXEC);
	if (raw < 0)
		return ct_make_error (err, errno, "create the hooks' state file");
	fd = fcntl (raw, F_DUPFD_CLOEXEC, min_fd);
	if (fd < 0)
		return ct_make_error (err, errno, "place the hooks' state file");
	if (rt_hooks_state_update (fd, s, err) < 0)
		return -1;
	return steal_fd (&fd);
}

static long long
now_ms (void)
{
	struct timespec ts;

	clock_gettime (CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for pid, killing it after timeout seconds (0: no limit).  Returns 1
   on time-out, 0 with *st, -1 on error. */
static int
wait_hook (pid_t pid, int timeout, int *st, ct_error_t *err)
{
	if (timeout > 0) {
		cleanup_close int pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
		long long deadline = now_ms () + (long long) timeout * 1000;

		if (pidfd < 0) {
			int e = errno;
			kill (pid, SIGKILL);
			waitpid (pid, st, 0);
			return ct_make_error (err, e, "watch the hook process");
		}
		for (;;) {
			struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
			long long left = deadline - now_ms ();
			int r;

			if (left <= 0) {
				kill (pid, SIGKILL);
				while (waitpid (pid, st, 0) < 0 && errno == EINTR)
					;
				return 1;
			}
			r = poll (&pfd, 1, (int) (left < INT_MAX ? left : INT_MAX));
			if (r > 0)
				break;
			if (r < 0 && errno != EINTR) {
				int e = errno;
				kill (pid, SIGKILL);
				waitpid (pid, st, 0);
				return ct_make_error (err, e, "wait for the hook");
			}
		}
	}
	while (waitpid (pid, st, 0) < 0)
		if (errno != EINTR)
			return ct_make_error (err, errno, "wait for the hook");
	return 0;
}

static int
run_one (const struct rt_hook *h, int state_fd, const sigset_t *mask, ct_error_t *err)
{
	int pipefd[2];
	int child_errno = 0;
	ssize_t n;
	pid_t pid;
	int st = 0;
	int r;

	/* The child reports an execve() failure through this close-on-exec
	   pipe; EOF alone means the exec worked. */
	if (pipe2 (pipefd, O_CLOEXEC) < 0)
		return ct_make_error (err, errno, "create a pipe");
	pid = fork ();
	if (pid < 0) {
		int e = errno;
		close (pipefd[0]);
		close (pipefd[1]);
		return ct_make_error (err, e, "fork");
	}
	if (pid == 0) {
		int e;

		close (pipefd[0]);
		if (lseek (state_fd, 0, SEEK_SET) < 0 || dup2 (state_fd, 0) < 0 || dup2 (2, 1) < 0 ||
		    sigprocmask (SIG_SETMASK, mask, NULL) < 0)
			e = errno;
		else {
			execve (h->path, h->argv, h->envp);
			e = errno;
		}
		if (write (pipefd[1], &e, sizeof (e)) < 0)
			_exit (127);
		_exit (127);
	}
	close (pipefd[1]);
	do
		n = read (pipefd[0], &child_errno, sizeof (child_errno));
	while (n < 0 && errno == EINTR);
	close (pipefd[0]);
	r = wait_hook (pid, n == (ssize_t) sizeof (child_errno) ? 0 : h->timeout, &st, err);
	if (r < 0)
		return -1;
	if (n == (ssize_t) sizeof (child_errno))
		return ct_make_error (err, child_errno, "exec");
	if (r == 1)
		return ct_make_error (err, 0, "timed out after %ds", h->timeout);
	if (WIFSIGNALED (st))
		return ct_make_error (err, 0, "killed by signal %d", WTERMSIG (st));
	if (WIFEXITED (st) && WEXITSTATUS (st) != 0)
		return ct_make_error (err, 0, "exit status %d", WEXITSTATUS (st));
	return 0;
}

int
rt_hooks_run (const struct rt_hook_list *l, int state_fd, const sigset_t *mask, ct_error_t *err)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (run_one (&l->hooks[i], state_fd, mask, err) < 0)
			return ct_error_wrap (err, "%s hook #%zu `%s`", l->kind, i, l->hooks[i].path);
	return 0;
}

void
rt_hooks_run_warn (const struct rt_hook_list *l, const struct ct_rt_state *s)
{
	cleanup_close int fd = -1;
	ct_error_t err = NULL;
	sigset_t none;

	if (l->n == 0)
		return;
	sigemptyset (&none);
	fd = rt_hooks_state_fd (s, 3, &err);
	if (fd < 0 || rt_hooks_run (l, fd, &none, &err) < 0) {
		cleanup_free char *msg = ct_error_string (err);
		ct_log_warning ("%s", msg);
		ct_error_release (&err);
	}
}
