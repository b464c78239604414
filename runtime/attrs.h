/* Process and kernel attributes of a container: scheduler, ioPriority,
   execCPUAffinity, personality, sysctl.  The parent parses and validates
   them into a struct rt_attrs (plain values, nothing left to allocate);
   the child (init.c) only makes the system calls. */
#ifndef RT_ATTRS_H
#define RT_ATTRS_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec/runtime.h"

/* The kernel's struct sched_attr (SCHED_ATTR_SIZE_VER0). */
struct rt_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

struct rt_sysctl {
	char *path;  /* "/proc/sys/net/ipv4/ip_forward": resolved in the container's root */
	char *key;   /* "net.ipv4.ip_forward", for messages */
	char *value; /* written as is */
};

struct rt_attrs {
	bool has_sched;
	struct rt_sched_attr sched;
	bool has_ioprio;
	int ioprio; /* IOPRIO_PRIO_VALUE (class, level) */
	/* execCPUAffinity (exec only, config.md): initial right after clone,
	   final just before execve */
	bool has_cpu_initial, has_cpu_final;
	cpu_set_t cpu_initial, cpu_final;
	bool has_personality;
	unsigned long personality;
	struct rt_sysctl *sysctls;
	size_t n_sysctls;
};

/* process.scheduler, ioPriority, execCPUAffinity of proc; doc and pfx name
   the fields ("config.json", "process.").  exec: whether proc is an exec'd
   process (execCPUAffinity applies to those only, config.md). */
int rt_attrs_prepare_process (const struct ct_rt_process *proc, const char *doc, const char *pfx, bool exec,
                              struct rt_attrs *a, ct_error_t *err);

/* linux.personality and linux.sysctl (validate.c checked the namespaces). */
int rt_attrs_prepare_linux (const struct ct_rt_linux *l, struct rt_attrs *a, ct_error_t *err);

/* exec: the personality of the container's init (linux.personality,
   which runc applies to exec'd processes too), when it differs from ours. */
int rt_attrs_prepare_exec_personality (pid_t init_pid, struct rt_attrs *a, ct_error_t *err);

/* Parse a cpu list "0-3,7" into set; what names the field in messages. */
int rt_attrs_parse_cpus (const char *list, cpu_set_t *set, const char *what, ct_error_t *err);

void rt_attrs_release (struct rt_attrs *a);

/* ---- child side (init.c): system calls only ---- */

/* Write every sysctl under rootfd's /proc/sys (which must be a procfs), or,
   when procfd >= 0 (the root of a private procfs mount), under its sys/,
   where no mount of the container can redirect the write. */
int rt_attrs_apply_sysctl (int rootfd, int procfd, const struct rt_attrs *a, ct_error_t *err);
int rt_attrs_apply_sched (const struct rt_attrs *a, ct_error_t *err);
int rt_attrs_apply_ioprio (const struct rt_attrs *a, ct_error_t *err);
int rt_attrs_apply_cpu_initial (const struct rt_attrs *a, ct_error_t *err);
int rt_attrs_apply_cpu_final (const struct rt_attrs *a, ct_error_t *err);
int rt_attrs_apply_personality (const struct rt_attrs *a, ct_error_t *err);

#endif
