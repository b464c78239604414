/* cruntime run: create and start a container.  In the foreground (default)
   wait for it, remove its state (unless --keep) and exit with its status;
   with -d return once it runs, leaving it to the caller's subreaper. */
#include "common.h"

#include "cli.h"
#include "cgroups.h"
#include "cmds.h"
#include "container.h"
#include "rootless.h"

#define RUN_USAGE                                                                                        \
	"cruntime run [-b|--bundle DIR] [-d] [--keep] [--pid-file F] [--console-socket S] [--no-pivot] " \
	"[--no-new-keyring] [--preserve-fds N] ID"

int
cmd_create_parse (int argc, char **argv, bool is_run, struct rt_create_opts *o, bool *detach, ct_error_t *err)
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
	const char *usage = is_run ? RUN_USAGE : CREATE_USAGE;
	int c;

	while ((c = ct_cli_getopt (argc, argv, is_run ? "b:dh" : "b:h", longopts, err)) != -1) {
		char *end;
		long v;

		switch (c) {
		case 'b':
			o->bundle = optarg;
			break;
		case 'd':
		case 'k':
			if (!is_run)
				return ct_make_error (err, 0, "flag provided but not defined: --%s",
				                      c == 'd' ? "detach" : "keep");
			if (c == 'd')
				*detach = true;
			else
				o->keep = true;
			break;
		case 'c':
			o->console_socket = optarg;
			break;
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
			printf ("usage: %s\n", usage);
			return 1;
		default:
			return -1;
		}
	}
	/* runc accepts -d --keep: a detached container's state stays anyway */
	return ct_cli_args (argc, argv, 1, 1, usage, err);
}

int
cmd_run (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	struct rt_create_opts o = { 0 };
	bool detach = false;
	int status = 0;
	int r;

	r = cmd_create_parse (argc, argv, true, &o, &detach, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (g->systemd_cgroup)
		return rt_cg_check_systemd (err);
	o.rootless = rt_rootless (g->rootless);
	if (rt_container_create (g->root, argv[optind], &o, detach ? RT_CREATE_DETACHED : RT_CREATE_FOREGROUND, &status,
	                         err) < 0)
		return -1;
	return status;
}
