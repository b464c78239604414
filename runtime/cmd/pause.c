/* cruntime pause / resume: freeze and thaw the container's cgroup. */
#include "common.h"

#include <sys/file.h>

#include "cli.h"
#include "cmds.h"
#include "container.h"

#define PAUSE_USAGE  "cruntime pause ID"
#define RESUME_USAGE "cruntime resume ID"

static int
pause_or_resume (struct ct_globals *g, int argc, char **argv, bool pause, ct_error_t *err)
{
	struct rt_container c;
	const char *id;
	int r;

	r = cmd_id_only (argc, argv, pause ? PAUSE_USAGE : RESUME_USAGE, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	id = argv[optind];
	if (rt_container_load (g->root, id, LOCK_EX, false, &c, err) < 0)
		return -1;
	r = pause ? rt_container_pause (&c, err) : rt_container_resume (&c, err);
	rt_container_release (&c);
	return r;
}

int
cmd_pause (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	return pause_or_resume (g, argc, argv, true, err);
}

int
cmd_resume (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	return pause_or_resume (g, argc, argv, false, err);
}
