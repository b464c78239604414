/* cruntime ps: the container's processes, as runc prints them — the host's
   ps(1) output (default `-ef`) filtered to the pids in the container's
   cgroup, or with -f json the bare list of pids. */
#include "common.h"

#include <sys/file.h>
#include <sys/wait.h>

#include "cli.h"
#include "cmds.h"
#include "container.h"
#include "fs.h"

#define PS_USAGE      "cruntime ps [-f|--format table|json] ID [PS-ARGS...]"
#define PS_OUTPUT_MAX (64 << 20)

/* Run `ps ARGS` from PATH, stdout and stderr together (runc's CombinedOutput). */
static int
run_ps (char **args, int nargs, char **out, ct_error_t *err)
{
	cleanup_free char **argv = xcalloc ((size_t) nargs + 2, sizeof (char *));
	cleanup_close int rd = -1;
	int p[2], st, i;
	size_t len;
	pid_t pid;

	argv[0] = (char *) "ps";
	for (i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	if (pipe2 (p, O_CLOEXEC) < 0)
		return ct_make_error (err, errno, "create a pipe for `ps`");
	pid = fork ();
	if (pid < 0) {
		close (p[0]);
		close (p[1]);
		return ct_make_error (err, errno, "fork `ps`");
	}
	if (pid == 0) {
		if (dup2 (p[1], 1) < 0 || dup2 (p[1], 2) < 0)
			_exit (127);
		execvp ("ps", argv);
		_exit (127);
	}
	close (p[1]);
	rd = p[0];
	if (ct_fs_read_all_fd (rd, PS_OUTPUT_MAX, out, &len, err) < 0) {
		kill (pid, SIGKILL);
		waitpid (pid, &st, 0);
		return ct_error_wrap (err, "read the output of `ps`");
	}
	while (waitpid (pid, &st, 0) < 0)
		if (errno != EINTR)
			return ct_make_error (err, errno, "wait for `ps`");
	if (WIFEXITED (st) && WEXITSTATUS (st) == 127 && len == 0)
		return ct_make_error (err, 0, "exec: \"ps\": executable file not found in $PATH");
	if (!WIFEXITED (st) || WEXITSTATUS (st) != 0) {
		char *nl = strchr (*out, '\n');
		if (nl && nl[1] == '\0')
			*nl = '\0';
		return ct_make_error (err, 0, "exit status %d: %s",
		                      WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st), *out);
	}
	return 0;
}

/* The header's PID column (runc's getPidIndex). */
static int
pid_column (const char *header, ct_error_t *err)
{
	cleanup_free char *h = xstrdup (header);
	char *save = NULL, *f;
	int i = 0;

	for (f = strtok_r (h, " \t", &save); f; f = strtok_r (NULL, " \t", &save), i++)
		if (strcmp (f, "PID") == 0)
			return i;
	return ct_make_error (err, 0, "couldn't find PID field in ps output");
}

static bool
has_pid (const pid_t *pids, size_t n, long pid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

static int
print_table (char **args, int nargs, const pid_t *pids, size_t n, ct_error_t *err)
{
	static char *default_args[] = { (char *) "-ef" };
	cleanup_free char *out = NULL;
	char *line, *next;
	int col;

	if (nargs == 0) {
		args = default_args;
		nargs = 1;
	}
	if (run_ps (args, nargs, &out, err) < 0)
		return -1;
	next = strchr (out, '\n');
	if (next)
		*next++ = '\0';
	col = pid_column (out, err);
	if (col < 0)
		return -1;
	printf ("%s\n", out);
	for (line = next; line && *line; line = next) {
		cleanup_free char *copy = NULL;
		char *save = NULL, *f;
		char *end;
		int i;
		long pid;

		next = strchr (line, '\n');
		if (next)
			*next++ = '\0';
		if (*line == '\0')
			continue;
		copy = xstrdup (line);
		for (i = 0, f = strtok_r (copy, " \t", &save); f && i < col; i++)
			f = strtok_r (NULL, " \t", &save);
		pid = f ? strtol (f, &end, 10) : 0;
		if (f == NULL || *end != '\0')
			return ct_make_error (err, 0, "unable to parse pid: `%s`", f ? f : "");
		if (has_pid (pids, n, pid))
			printf ("%s\n", line);
	}
	return 0;
}

int
cmd_ps (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "table";
	cleanup_free pid_t *pids = NULL;
	struct rt_container c;
	size_t i, n = 0;
	int opt, r;

	/* "+": options end at the id; what follows goes to ps(1) */
	while ((opt = ct_cli_getopt (argc, argv, "+f:h", longopts, err)) != -1) {
		switch (opt) {
		case 'f':
			format = optarg;
			break;
		case 'h':
			printf ("usage: %s\n", PS_USAGE);
			return 0;
		default:
			return -1;
		}
	}
	if (ct_cli_args (argc, argv, 1, -1, PS_USAGE, err) < 0)
		return -1;
	if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
		return ct_make_error (err, 0, "invalid format option");
	if (rt_container_load (g->root, argv[optind], LOCK_SH, false, &c, err) < 0)
		return -1;
	r = rt_container_pids (&c, &pids, &n, err);
	rt_container_release (&c);
	if (r < 0)
		return -1;
	if (strcmp (format, "json") == 0) {
		/* runc encodes a Go slice: null when there is none */
		if (n == 0) {
			printf ("null\n");
			return 0;
		}
		putchar ('[');
		for (i = 0; i < n; i++)
			printf ("%s%d", i ? "," : "", (int) pids[i]);
		printf ("]\n");
		return 0;
	}
	/* `--` between the id and the ps arguments is ps's business, as in runc */
	return print_table (argv + optind + 1, argc - optind - 1, pids, n, err);
}
