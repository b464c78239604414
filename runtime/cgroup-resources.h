/* Pure conversions used when linux.resources is written to a cgroup
   (cgroup-resources.c implements rt_cg_apply() of cgroups.h) and by
   `cruntime update`; exposed for tests/unit/test-cgroup-resources.c.
   Every rule follows runc 1.1 (libcontainer/cgroups/utils.go and
   github.com/docker/go-units), so both runtimes write the same files. */
#ifndef RT_CGROUP_RESOURCES_H
#define RT_CGROUP_RESOURCES_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* cpu.shares (2..262144) -> v2 cpu.weight (1..10000); 0 stays 0 (unset). */
uint64_t rt_cg_shares_to_weight (uint64_t shares);

/* blkio weight (10..1000) -> v2 io.weight (1..10000); 0 stays 0 (unset). */
uint64_t rt_cg_blkio_to_io_weight (uint64_t weight);

/* The OCI swap value is memory+swap (v1 memsw); v2 memory.swap.max is swap
   alone.  *out: -1 = "max", 0 = leave the file alone, else the bytes.
   Errors as runc's ("unable to set swap limit without memory limit",
   "memory+swap limit should be >= memory limit"), no errno status. */
int rt_cg_swap_to_v2 (int64_t swap, int64_t limit, int64_t *out, ct_error_t *err);

/* A byte size as runc's flags take it (go-units RAMInBytes): "1024", "512m",
   "1.5G", "10 KiB", "1kb" (binary multipliers, case-insensitive), or "-1"
   for unlimited.  Returns -1 (no message) when s is not one. */
int rt_cg_parse_bytes (const char *s, int64_t *out);

#endif
