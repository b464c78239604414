#include "common.h"

#include <sched.h>

#include "namespaces.h"

/* user: a new one is cloned with the others (so it owns them), its id
   maps written by the parent before the child goes on (sync.h); a joined
   one is joined first.  time: a new one is unshared by the parent around clone (spawn.c), as
   clone() cannot take CLONE_NEWTIME; a joined one is setns'd by the init. */
const struct rt_ns_kind rt_ns_kinds[] = {
	{ "pid", "pid", CLONE_NEWPID, true },
	{ "network", "net", CLONE_NEWNET, true },
	{ "mount", "mnt", CLONE_NEWNS, true },
	{ "ipc", "ipc", CLONE_NEWIPC, true },
	{ "uts", "uts", CLONE_NEWUTS, true },
	{ "cgroup", "cgroup", CLONE_NEWCGROUP, true },
	{ "user", "user", CLONE_NEWUSER, true },
	{ "time", "time", CLONE_NEWTIME, true },
	{ NULL, NULL, 0, false },
};

const struct rt_ns_kind *
rt_ns_by_name (const char *name)
{
	const struct rt_ns_kind *k;

	for (k = rt_ns_kinds; k->name != NULL; k++)
		if (strcmp (k->name, name) == 0)
			return k;
	return NULL;
}
