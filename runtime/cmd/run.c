/* cruntime run: create and start a container in the foreground, wait for it,
   remove its state, and exit with its status. */
#include "common.h"

#include <sys/stat.h>

#include "cli.h"
#include "cmds.h"
#include "log.h"
#include "ocispec/runtime.h"
#include "spawn.h"
#include "state.h"
#include "validate.h"

#define RUN_USAGE                                                                                        \
	"cruntime run [-b|--bundle DIR] [-d] [--keep] [--pid-file F] [--console-socket S] [--no-pivot] " \
	"[--no-new-keyring] [--preserve-fds N] ID"

struct run_opts {
	const char *bundle;
	const char *pid_file;
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
};

static int
parse_opts (int argc, char **argv, struct run_opts *o, ct_error_t *err)
{
	static const struct option longopts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "detach", no_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, 'k' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "no-pivot", no_argument, NULL, 'P' },
		{ "no-new-keyring", no_argument, NULL, 'K' },
		{ "preserve-fds", required_argument, NULL, 'f' },
		{ "no-subreaper", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = ct_cli_getopt (argc, argv, "b:dh", longopts, err)) != -1) {
		char *end;
		long v;

		switch (c) {
		case 'b':
			o->bundle = optarg;
			break;
		case 'd':
			return ct_make_error (err, 0, "run --detach: not supported yet");
		case 'k':
			return ct_make_error (err, 0, "run --keep: not supported yet");
		case 'c':
			return ct_make_error (err, 0, "run --console-socket: not supported yet");
		case 'p':
			o->pid_file = optarg;
			break;
		case 'P':
			o->no_pivot = true;
			break;
		case 'K':
			o->no_new_keyring = true;
			break;
		case 'S':
			break; /* runc accepts and ignores it too (deprecated) */
		case 'f':
			errno = 0;
			v = strtol (optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg || v < 0 || v > 65536)
				return ct_make_error (err, 0, "invalid value `%s` for flag --preserve-fds", optarg);
			o->preserve_fds = (int) v;
			break;
		case 'h':
			printf ("usage: %s\n", RUN_USAGE);
			return 1;
		default:
			return -1;
		}
	}
	return ct_cli_args (argc, argv, 1, 1, RUN_USAGE, err);
}

static int
write_pid_file (const char *path, pid_t pid, ct_error_t *err)
{
	cleanup_free char *tmp = NULL;
	cleanup_close int fd = -1;
	char buf[32];
	int len = snprintf (buf, sizeof (buf), "%d", (int) pid);

	/* runc writes it atomically too: readers never see a partial pid */
	xasprintf (&tmp, "%s.tmp", path);
	fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return ct_make_error (err, errno, "create pid file `%s`", tmp);
	if (write (fd, buf, (size_t) len) != len)
		return ct_make_error (err, errno, "write pid file `%s`", tmp);
	if (close (steal_fd (&fd)) < 0)
		return ct_make_error (err, errno, "close pid file `%s`", tmp);
	if (rename (tmp, path) < 0)
		return ct_make_error (err, errno, "rename pid file to `%s`", path);
	return 0;
}

/* Everything after the state directory exists; the caller removes it. */
static int
run_container (struct ct_globals *g, const char *id, const char *bundle, const struct run_opts *o,
               const struct ct_rt_spec *spec, int statefd, int *status, ct_error_t *err)
{
	struct rt_spawn_opts so = { 0 };
	struct rt_spawn s;
	int r = -1;

	(void) g;
	so.bundle = bundle;
	so.no_pivot = o->no_pivot;
	so.no_new_keyring = o->no_new_keyring;
	so.preserve_fds = o->preserve_fds;
	if (rt_spawn_prepare (spec, &so, &s, err) < 0)
		goto out;
	if (rt_spawn_start (&s, err) < 0)
		goto out;
	ct_log_debug ("container `%s` started, init pid %d", id, (int) s.pid);
	if (rt_state_write (statefd, id, "running", s.pid, bundle, s.init.rootfs, err) < 0)
		goto out;
	if (o->pid_file && write_pid_file (o->pid_file, s.pid, err) < 0)
		goto out;
	r = rt_spawn_wait (&s, status, err);
	if (r == 0)
		ct_log_debug ("container `%s` exited with status %d", id, *status);
out:
	rt_spawn_release (&s);
	return r;
}

int
cmd_run (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	struct run_opts o = { 0 };
	cleanup_rt_spec struct ct_rt_spec *spec = NULL;
	cleanup_free char *bundle = NULL;
	cleanup_free char *config = NULL;
	cleanup_close int statefd = -1;
	const char *id;
	ct_error_t rm_err = NULL;
	int status = 0;
	int r;

	r = parse_opts (argc, argv, &o, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	id = argv[optind];
	if (rt_state_check_id (id, err) < 0)
		return -1;
	if (g->systemd_cgroup)
		return ct_make_error (err, 0, "systemd cgroup driver not supported yet");

	bundle = realpath (o.bundle ? o.bundle : ".", NULL);
	if (bundle == NULL)
		return ct_make_error (err, errno, "resolve bundle `%s`", o.bundle ? o.bundle : ".");
	xasprintf (&config, "%s/config.json", bundle);
	ct_log_debug ("load `%s`", config);
	if (ct_rt_spec_load (config, &spec, err) < 0)
		return -1;
	if (rt_validate_spec (spec, bundle, err) < 0)
		return -1;
	if (rt_spawn_check_supported (spec, err) < 0)
		return -1;

	statefd = rt_state_create (g->root, id, err);
	if (statefd < 0)
		return -1;
	r = run_container (g, id, bundle, &o, spec, statefd, &status, err);
	/* A run leaves nothing under --root, whatever happened. */
	if (rt_state_remove (g->root, id, r < 0 ? &rm_err : err) < 0) {
		if (r < 0)
			ct_error_release (&rm_err);
		return -1;
	}
	return r < 0 ? -1 : status;
}
