/* cruntime delete: remove a stopped (or created) container; -f kills a
   running one first.  `delete -f` of a missing container succeeds (runc). */
#include "common.h"

#include <sys/file.h>

#include "cli.h"
#include "cmds.h"
#include "container.h"
#include "state.h"

#define DELETE_USAGE "cruntime delete [-f|--force] ID"

int
cmd_delete (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rt_container c;
	bool force = false;
	const char *id;
	int opt, r;

	while ((opt = ct_cli_getopt (argc, argv, "fh", longopts, err)) != -1) {
		switch (opt) {
		case 'f':
			force = true;
			break;
		case 'h':
			printf ("usage: %s\n", DELETE_USAGE);
			return 0;
		default:
			return -1;
		}
	}
	if (ct_cli_args (argc, argv, 1, 1, DELETE_USAGE, err) < 0)
		return -1;
	id = argv[optind];
	if (rt_state_check_id (id, err) < 0)
		return -1;
	/* runc: deleting a missing container with -f is not an error */
	if (force && !rt_state_exists (g->root, id))
		return 0;
	/* -f also clears what a killed `create` left (no state.json) */
	if (rt_container_load (g->root, id, LOCK_EX, force, &c, err) < 0)
		return ct_error_wrap (err, "delete `%s`", id);
	r = rt_container_delete (g->root, &c, force, err);
	rt_container_release (&c);
	return r;
}
