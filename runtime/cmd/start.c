/* cruntime start: release a created container's init. */
#include "common.h"

#include <sys/file.h>

#include "cli.h"
#include "cmds.h"
#include "container.h"

#define START_USAGE "cruntime start ID"

int
cmd_start (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	struct rt_container c;
	const char *id;
	int r;

	r = cmd_id_only (argc, argv, START_USAGE, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	id = argv[optind];
	if (rt_container_load (g->root, id, LOCK_EX, false, &c, err) < 0)
		return ct_error_wrap (err, "start `%s`", id);
	r = rt_container_start (&c, err);
	rt_container_release (&c);
	return r;
}

int
cmd_id_only (int argc, char **argv, const char *usage, ct_error_t *err)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = ct_cli_getopt (argc, argv, "h", longopts, err)) != -1) {
		if (c != 'h')
			return -1;
		printf ("usage: %s\n", usage);
		return 1;
	}
	return ct_cli_args (argc, argv, 1, 1, usage, err);
}
