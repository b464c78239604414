/* Linux namespaces: the runtime-spec names and their CLONE_NEW* flags. */
#ifndef RT_NAMESPACES_H
#define RT_NAMESPACES_H

#include <sched.h>
#include <stdbool.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct rt_ns_kind {
	const char *name; /* runtime-spec `linux.namespaces[].type` */
	const char *proc; /* its entry in /proc/PID/ns/ */
	int flag;         /* CLONE_NEW* */
	bool supported;   /* `run` can create or join it */
};

/* The table of every namespace the spec names, ending with a {NULL} row. */
extern const struct rt_ns_kind rt_ns_kinds[];

/* Look up a namespace by spec name; NULL when unknown. */
const struct rt_ns_kind *rt_ns_by_name (const char *name);

#endif
