/* Rootless: the --rootless decision, the default state root, the id maps of
   a non-root caller's user namespace, the controllers a container asks for. */
#include "common.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include "fs.h"
#include "log.h"
#include "rootless.h"
#include "strv.h"

/* Whether our user namespace is not the initial one: its uid_map is not
   the identity over the whole range (runc's userns.RunningInUserNS). */
static bool
in_child_userns (void)
{
	cleanup_file FILE *f = fopen ("/proc/self/uid_map", "re");
	unsigned long a, b, c;

	if (f == NULL || fscanf (f, "%lu %lu %lu", &a, &b, &c) != 3)
		return false;
	return !(a == 0 && b == 0 && c == 4294967295UL);
}

bool
rt_rootless (const char *flag)
{
	if (flag != NULL && strcmp (flag, "true") == 0)
		return true;
	if (flag != NULL && strcmp (flag, "false") == 0)
		return false;
	/* root in a user namespace (rootless podman runs the runtime so) may
	   not own the cgroups either */
	return geteuid () != 0 || in_child_userns ();
}

const char *
rt_rootless_default_root (char **buf, bool *xdg)
{
	const char *dir = getenv ("XDG_RUNTIME_DIR");
	const char *user = getenv ("USER");

	*xdg = false;
	if (dir == NULL || dir[0] == '\0')
		return "/run/cruntime";
	/* root on the host keeps /run/cruntime even with /run/user/0 set */
	if (geteuid () == 0 && (!in_child_userns () || (user != NULL && strcmp (user, "root") == 0)))
		return "/run/cruntime";
	xasprintf (buf, "%s/cruntime", dir);
	*xdg = true;
	return *buf;
}

int
rt_rootless_make_root (const char *root, ct_error_t *err)
{
	if (ct_fs_mkdir_p_at (AT_FDCWD, root, 0700, err) < 0)
		return ct_error_wrap (err, "create the state root in $XDG_RUNTIME_DIR");
	if (chmod (root, 0700 | S_ISVTX) < 0)
		return ct_make_error (err, errno, "make the state root `%s` sticky", root);
	return 0;
}

char *
rt_id_map_format (const struct ct_rt_id_mapping *m, size_t n)
{
	char *text = xstrdup ("");

	for (size_t i = 0; i < n; i++) {
		char *next = NULL;

		xasprintf (&next, "%s%u %u %u\n", text, (unsigned) m[i].container_id, (unsigned) m[i].host_id,
		           (unsigned) m[i].size);
		free (text);
		text = next;
	}
	return text;
}

int
rt_proc_write (pid_t pid, const char *file, const char *text, ct_error_t *err)
{
	cleanup_close int fd = -1;
	char path[64];
	size_t len = strlen (text);

	snprintf (path, sizeof (path), "/proc/%d/%s", (int) pid, file);
	fd = open (path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "open `%s`", path);
	if (write (fd, text, len) != (ssize_t) len)
		return ct_make_error (err, errno, "write `%s`", path);
	return 0;
}

/* Whether text is the one line "C ID 1" mapping our own id, the only map
   an unprivileged process may write itself. */
static bool
own_id_only (const char *text, unsigned own)
{
	unsigned c, h, n;
	int used = 0;

	if (sscanf (text, "%u %u %u\n%n", &c, &h, &n, &used) != 3 || text[used] != '\0')
		return false;
	return h == own && n == 1;
}

/* The helper's first stderr line, for the error. */
static void
first_line (char *buf)
{
	char *nl = strchr (buf, '\n');

	if (nl != NULL)
		*nl = '\0';
}

/* newuidmap / newgidmap PID C H N...: setuid helpers that check the
   ranges against /etc/subuid and /etc/subgid (shadow's uidmap package). */
static int
run_map_helper (pid_t pid, const char *helper, const char *text, ct_error_t *err)
{
	cleanup_strv char **argv = NULL;
	cleanup_free char *copy = xstrdup (text);
	cleanup_free char *out = NULL;
	cleanup_close int rd = -1;
	char pidbuf[32], *save = NULL, *tok;
	int pipefd[2], status;
	size_t len = 0;
	ct_error_t ignored = NULL;
	pid_t child;

	snprintf (pidbuf, sizeof (pidbuf), "%d", (int) pid);
	ct_strv_push (&argv, helper);
	ct_strv_push (&argv, pidbuf);
	for (tok = strtok_r (copy, " \n", &save); tok; tok = strtok_r (NULL, " \n", &save))
		ct_strv_push (&argv, tok);
	if (pipe2 (pipefd, O_CLOEXEC) < 0)
		return ct_make_error (err, errno, "create a pipe for `%s`", helper);
	rd = pipefd[0];
	child = fork ();
	if (child < 0) {
		int e = errno;
		close (pipefd[1]);
		return ct_make_error (err, e, "fork for `%s`", helper);
	}
	if (child == 0) {
		int null = open ("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2 (null, STDIN_FILENO);
			dup2 (null, STDOUT_FILENO);
		}
		dup2 (pipefd[1], STDERR_FILENO);
		execvp (helper, argv);
		_exit (errno == ENOENT ? 127 : 126);
	}
	close (pipefd[1]);
	if (ct_fs_read_all_fd (rd, 4096, &out, &len, &ignored) < 0)
		ct_error_release (&ignored);
	while (waitpid (child, &status, 0) < 0)
		if (errno != EINTR)
			return ct_make_error (err, errno, "wait for `%s`", helper);
	if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
		return 0;
	if (WIFEXITED (status) && WEXITSTATUS (status) == 127)
		return ct_make_error (err, ENOENT,
		                      "run `%s`: needed to map ids other than your own (install the uidmap package)",
		                      helper);
	if (out != NULL && out[0] != '\0') {
		first_line (out);
		return ct_make_error (err, EPERM, "`%s` refused the mapping: %s", helper, out);
	}
	return ct_make_error (err, EPERM, "`%s` refused the mapping (status %d)", helper, status);
}

int
rt_id_map_write (pid_t pid, bool gid, const char *text, ct_error_t *err)
{
	const char *file = gid ? "gid_map" : "uid_map";
	unsigned own = gid ? (unsigned) getegid () : (unsigned) geteuid ();

	if (geteuid () == 0)
		return rt_proc_write (pid, file, text, err);
	if (own_id_only (text, own)) {
		/* an unprivileged gid_map needs setgroups off for good */
		if (gid && rt_proc_write (pid, "setgroups", "deny", err) < 0)
			return -1;
		return rt_proc_write (pid, file, text, err);
	}
	return run_map_helper (pid, gid ? "newgidmap" : "newuidmap", text, err);
}

/* One controller a config asks for: v1 name, v2 name (NULL: none), field. */
struct wanted {
	const char *v1, *v2, *field;
};

static size_t
list_requested (const struct ct_rt_resources *r, struct wanted *out)
{
	const struct ct_rt_cpu *cpu = r->cpu;
	size_t n = 0;

	if (r->memory != NULL)
		out[n++] = (struct wanted){ "memory", "memory", "linux.resources.memory" };
	if (cpu != NULL) {
		bool set_only = !cpu->shares_present && !cpu->quota_present && !cpu->burst_present &&
		                !cpu->period_present && !cpu->realtime_runtime_present &&
		                !cpu->realtime_period_present && !cpu->idle_present;

		if (!set_only)
			out[n++] = (struct wanted){ "cpu", "cpu", "linux.resources.cpu" };
		if (cpu->cpus != NULL || cpu->mems != NULL)
			out[n++] = (struct wanted){ "cpuset", "cpuset", "linux.resources.cpu" };
	}
	if (r->pids != NULL)
		out[n++] = (struct wanted){ "pids", "pids", "linux.resources.pids" };
	if (r->block_io != NULL)
		out[n++] = (struct wanted){ "blkio", "io", "linux.resources.blockIO" };
	if (r->n_hugepage_limits > 0)
		out[n++] = (struct wanted){ "hugetlb", "hugetlb", "linux.resources.hugepageLimits" };
	if (r->network != NULL)
		out[n++] = (struct wanted){ "net_cls", NULL, "linux.resources.network" };
	if (r->n_rdma > 0)
		out[n++] = (struct wanted){ "rdma", "rdma", "linux.resources.rdma" };
	return n;
}

const char *
rt_rootless_requested (const struct ct_rt_resources *r, size_t nth, const char **v2_name, const char **field)
{
	static const char *const v2[] = { "memory", "cpu", "cpuset", "io", "pids", "hugetlb", "rdma", "misc" };
	struct wanted w[16];
	size_t n;

	*v2_name = *field = NULL;
	if (r == NULL)
		return NULL;
	n = list_requested (r, w);
	if (nth < n) {
		*v2_name = w[nth].v2, *field = w[nth].field;
		return w[nth].v1;
	}
	/* v2 keys, "CONTROLLER.PARAMETER" (cgroup.* files need none) */
	for (size_t i = 0; r->unified_present && i < r->unified.n; i++) {
		const char *key = r->unified.keys[i];

		for (size_t j = 0; j < CT_ARRAY_SIZE (v2); j++) {
			size_t len = strlen (v2[j]);

			if (strncmp (key, v2[j], len) == 0 && key[len] == '.' && n++ == nth) {
				*v2_name = v2[j], *field = "linux.resources.unified";
				return v2[j];
			}
		}
	}
	return NULL;
}
