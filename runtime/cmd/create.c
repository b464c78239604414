/* cruntime create: everything `run` does up to execve(), then the init waits
   on ROOT/ID/exec.fifo for `start`; exits 0 once it does. */
#include "common.h"

#include "cli.h"
#include "cgroups.h"
#include "cmds.h"
#include "container.h"
#include "rootless.h"

int
cmd_create (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	struct rt_create_opts o = { 0 };
	bool detach = false;
	int status;
	int r;

	r = cmd_create_parse (argc, argv, false, &o, &detach, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (g->systemd_cgroup)
		return rt_cg_check_systemd (err);
	o.rootless = rt_rootless (g->rootless);
	return rt_container_create (g->root, argv[optind], &o, RT_CREATE_CREATED, &status, err);
}
