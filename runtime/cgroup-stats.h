/* Resource usage of a container's cgroup, in the shape of runc's `events`
   records ("data" of {"type":"stats","id":...,"data":{...}}). */
#ifndef RT_CGROUP_STATS_H
#define RT_CGROUP_STATS_H

#include "cgroups.h"
#include "json.h"

/* Write the "data" object (cpu, memory, pids, blkio, hugetlb, ...) with w. */
int rt_cg_stats_write (const struct rt_cgroup *cg, struct ct_jsonw *w, ct_error_t *err);

#endif
