#include "common.h"

#include <sched.h>

#include "namespaces.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* user and time need id maps and clock offsets written between clone and
   exec; they come with the create/start lifecycle. */
const struct rt_ns_kind rt_ns_kinds[] = {
	{ "pid", "pid", CLONE_NEWPID, true },
	{ "network", "net", CLONE_NEWNET, true },
	{ "mount", "mnt", CLONE_NEWNS, true },
	{ "ipc", "ipc", CLONE_NEWIPC, true },
	{ "uts", "uts", CLONE_NEWUTS, true },
	{ "cgroup", "cgroup", CLONE_NEWCGROUP, true },
	{ "user", "user", CLONE_NEWUSER, false },
	{ "time", "time", CLONE_NEWTIME, false },
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
