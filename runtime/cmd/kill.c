/* cruntime kill: send a signal (default SIGTERM) to the container's init, or
   with --all to every process of its pid namespace.  Without cgroups a
   container sharing our pid namespace cannot be told apart from the host:
   --all then signals the init only. */
#include "common.h"

#include <signal.h>
#include <sys/file.h>

#include "cli.h"
#include "cmds.h"
#include "container.h"

#define KILL_USAGE "cruntime kill [-a|--all] ID [SIGNAL]"

int
cmd_kill (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rt_container c;
	bool all = false;
	int sig = SIGTERM;
	const char *id;
	int opt, r;

	while ((opt = ct_cli_getopt (argc, argv, "ah", longopts, err)) != -1) {
		switch (opt) {
		case 'a':
			all = true;
			break;
		case 'h':
			printf ("usage: %s\n", KILL_USAGE);
			return 0;
		default:
			return -1;
		}
	}
	if (ct_cli_args (argc, argv, 1, 2, KILL_USAGE, err) < 0)
		return -1;
	id = argv[optind];
	if (optind + 1 < argc && rt_parse_signal (argv[optind + 1], &sig, err) < 0)
		return -1;
	if (rt_container_load (g->root, id, LOCK_EX, false, &c, err) < 0)
		return ct_error_wrap (err, "kill `%s`", id);
	r = rt_container_kill (&c, sig, all, err);
	rt_container_release (&c);
	return r;
}
