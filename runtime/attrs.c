/* Process and kernel attributes of a container (attrs.h). */
#include "common.h"

#include <linux/openat2.h>
#include <sys/personality.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include "attrs.h"
#include "fs.h"
#include "log.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13

/* The decoder checked these enums; their index is the kernel's value
   (policies, ioprio classes minus one) or bit (flags). */
static const char *const sched_policies[] = {
	"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE",
};
static const char *const sched_flags[] = {
	"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",        "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
	"SCHED_FLAG_KEEP_PARAMS",   "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX",
};
static const char *const ioprio_classes[] = { "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE" };

static int
index_of (const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp (names[i], name) == 0)
			return (int) i;
	return -1;
}

/* runc 1.2 libcontainer/configs/validate: the same rules and wording. */
static int
prepare_sched (const struct ct_rt_scheduler *s, const char *doc, const char *pfx, struct rt_attrs *a, ct_error_t *err)
{
	int policy = index_of (sched_policies, CT_ARRAY_SIZE (sched_policies), s->policy);
	size_t i;

	if (policy < 0)
		return ct_make_error (err, 0, "%s: `%sscheduler.policy`: unknown policy `%s`", doc, pfx, s->policy);
	if ((policy == SCHED_OTHER || policy == SCHED_BATCH) && s->nice_present && (s->nice < -20 || s->nice > 19))
		return ct_make_error (err, 0, "%s: `%sscheduler.nice`: invalid %d when the policy is %s", doc, pfx,
		                      (int) s->nice, s->policy);
	if (s->priority_present && s->priority != 0 && policy != SCHED_FIFO && policy != SCHED_RR)
		return ct_make_error (err, 0, "%s: `%sscheduler.priority`: only for SCHED_FIFO or SCHED_RR", doc, pfx);
	if (policy != 6 /* SCHED_DEADLINE */ &&
	    ((s->runtime_present && s->runtime) || (s->deadline_present && s->deadline) ||
	     (s->period_present && s->period)))
		return ct_make_error (err, 0,
		                      "%s: `%sscheduler`: runtime, deadline and period are only for SCHED_DEADLINE",
		                      doc, pfx);
	memset (&a->sched, 0, sizeof (a->sched));
	a->sched.size = sizeof (a->sched);
	a->sched.sched_policy = (uint32_t) policy;
	a->sched.sched_nice = s->nice;
	a->sched.sched_priority = (uint32_t) s->priority;
	a->sched.sched_runtime = s->runtime;
	a->sched.sched_deadline = s->deadline;
	a->sched.sched_period = s->period;
	for (i = 0; s->flags && s->flags[i]; i++) {
		int bit = index_of (sched_flags, CT_ARRAY_SIZE (sched_flags), s->flags[i]);
		if (bit < 0)
			return ct_make_error (err, 0, "%s: `%sscheduler.flags[%zu]`: unknown flag `%s`", doc, pfx, i,
			                      s->flags[i]);
		a->sched.sched_flags |= 1ULL << bit;
	}
	a->has_sched = true;
	return 0;
}

int
rt_attrs_parse_cpus (const char *list, cpu_set_t *set, const char *what, ct_error_t *err)
{
	const char *p = list;

	CPU_ZERO (set);
	if (*p == '\0')
		return ct_make_error (err, 0, "%s: empty cpu list", what);
	while (*p != '\0') {
		unsigned long lo, hi;
		char *end;

		if (*p < '0' || *p > '9')
			return ct_make_error (err, 0, "%s: invalid cpu list `%s`", what, list);
		errno = 0;
		lo = strtoul (p, &end, 10);
		hi = lo;
		if (*end == '-') {
			p = end + 1;
			if (*p < '0' || *p > '9')
				return ct_make_error (err, 0, "%s: invalid cpu list `%s`", what, list);
			hi = strtoul (p, &end, 10);
		}
		if (errno != 0 || hi < lo)
			return ct_make_error (err, 0, "%s: invalid cpu list `%s`", what, list);
		if (hi >= CPU_SETSIZE)
			return ct_make_error (err, 0, "%s: cpu %lu out of range in `%s`", what, hi, list);
		for (; lo <= hi; lo++)
			CPU_SET (lo, set);
		if (*end == ',' && end[1] != '\0')
			end++;
		else if (*end != '\0')
			return ct_make_error (err, 0, "%s: invalid cpu list `%s`", what, list);
		p = end;
	}
	return 0;
}

int
rt_attrs_prepare_process (const struct ct_rt_process *proc, const char *doc, const char *pfx, bool exec,
                          struct rt_attrs *a, ct_error_t *err)
{
	const struct ct_rt_cpu_affinity *aff = proc->exec_cpu_affinity;

	if (proc->scheduler != NULL && prepare_sched (proc->scheduler, doc, pfx, a, err) < 0)
		return -1;
	if (proc->io_priority != NULL) {
		const struct ct_rt_io_priority *io = proc->io_priority;
		int class = index_of (ioprio_classes, CT_ARRAY_SIZE (ioprio_classes), io->class_);

		if (class < 0)
			return ct_make_error (err, 0, "%s: `%sioPriority.class`: unknown class `%s`", doc, pfx,
			                      io->class_);
		if (io->priority < 0 || io->priority > 7)
			return ct_make_error (err, 0, "%s: `%sioPriority.priority`: invalid %d (0 to 7)", doc, pfx,
			                      (int) io->priority);
		a->ioprio = ((class + 1) << IOPRIO_CLASS_SHIFT) | (int) io->priority;
		a->has_ioprio = true;
	}
	/* config.md: "not applicable to the container's init process" */
	if (aff != NULL && exec) {
		cleanup_free char *what = NULL;

		if (aff->initial != NULL && aff->initial[0] != '\0') {
			xasprintf (&what, "%s: `%sexecCPUAffinity.initial`", doc, pfx);
			if (rt_attrs_parse_cpus (aff->initial, &a->cpu_initial, what, err) < 0)
				return -1;
			a->has_cpu_initial = true;
			free (what);
			what = NULL;
		}
		if (aff->final != NULL && aff->final[0] != '\0') {
			xasprintf (&what, "%s: `%sexecCPUAffinity.final`", doc, pfx);
			if (rt_attrs_parse_cpus (aff->final, &a->cpu_final, what, err) < 0)
				return -1;
			a->has_cpu_final = true;
		}
	}
	return 0;
}

/* "net.ipv4.ip_forward" -> "/proc/sys/net/ipv4/ip_forward".  Keys with a
   '/' or an empty component are refused (validate.c) before we get here. */
static char *
sysctl_path (const char *key)
{
	char *path = NULL;
	char *c;

	xasprintf (&path, "/proc/sys/%s", key);
	for (c = path + strlen ("/proc/sys/"); *c; c++)
		if (*c == '.')
			*c = '/';
	return path;
}

int
rt_attrs_prepare_linux (const struct ct_rt_linux *l, struct rt_attrs *a, ct_error_t *err)
{
	size_t i;

	if (l == NULL)
		return 0;
	if (l->personality != NULL) {
		const struct ct_rt_personality *p = l->personality;

		if (strcmp (p->domain, "LINUX") == 0)
			a->personality = PER_LINUX;
		else if (strcmp (p->domain, "LINUX32") == 0)
			a->personality = PER_LINUX32;
		else
			return ct_make_error (err, 0, "config.json: `linux.personality.domain`: unknown domain `%s`",
			                      p->domain);
		/* config-linux.md: "Currently no flag values are supported";
		   runc 1.2 warns and ignores them */
		if (p->flags != NULL && p->flags[0] != NULL)
			ct_log_warning ("config.json: `linux.personality.flags`: ignoring unsupported flags (`%s`...)",
			                p->flags[0]);
		a->has_personality = true;
	}
	a->sysctls = xcalloc (l->sysctl.n ? l->sysctl.n : 1, sizeof (struct rt_sysctl));
	for (i = 0; i < l->sysctl.n; i++) {
		a->sysctls[i].key = xstrdup (l->sysctl.keys[i]);
		a->sysctls[i].value = xstrdup (l->sysctl.values[i]);
		a->sysctls[i].path = sysctl_path (l->sysctl.keys[i]);
		a->n_sysctls++;
	}
	return 0;
}

int
rt_attrs_prepare_exec_personality (pid_t init_pid, struct rt_attrs *a, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	char path[64];
	unsigned long theirs;
	size_t len;
	char *end;
	int ours;

	snprintf (path, sizeof (path), "/proc/%d/personality", (int) init_pid);
	if (ct_fs_read_all_at (AT_FDCWD, path, 64, &buf, &len, err) < 0)
		return ct_error_wrap (err, "read the container's personality");
	errno = 0;
	theirs = strtoul (buf, &end, 16);
	if (errno != 0 || end == buf)
		return ct_make_error (err, EINVAL, "parse `%s`", path);
	ours = personality (0xffffffff);
	if (ours >= 0 && theirs != (unsigned long) ours) {
		a->personality = theirs;
		a->has_personality = true;
	}
	return 0;
}

void
rt_attrs_release (struct rt_attrs *a)
{
	size_t i;

	for (i = 0; i < a->n_sysctls; i++) {
		free (a->sysctls[i].path);
		free (a->sysctls[i].key);
		free (a->sysctls[i].value);
	}
	free (a->sysctls);
	memset (a, 0, sizeof (*a));
}

/* ---- child side ---- */

int
rt_attrs_apply_sysctl (int rootfd, int procfd, const struct rt_attrs *a, ct_error_t *err)
{
	size_t i;

	for (i = 0; i < a->n_sysctls; i++) {
		const struct rt_sysctl *s = &a->sysctls[i];
		cleanup_close int fd = -1;
		struct statfs fs;
		size_t len = strlen (s->value);

		/* inside the container's root only, and only into a procfs: a
		   symlink or a bind mount there must not redirect the write */
		if (procfd >= 0) {
			/* CVE-2025-52881: nothing is mounted in a private procfs, and
			   the walk may not leave it nor follow a symlink */
			struct open_how how = { .flags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
				                .resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS |
				                           RESOLVE_NO_MAGICLINKS };
			fd = (int) syscall (SYS_openat2, procfd, s->path + strlen ("/proc/"), &how, sizeof (how));
			if (fd < 0)
				return ct_make_error (err, errno, "set sysctl `%s`: open `%s`", s->key, s->path);
		} else
			fd = ct_fs_openat_beneath (rootfd, s->path, O_WRONLY | O_NOFOLLOW, 0, err);
		if (fd < 0)
			return ct_error_wrap (err, "set sysctl `%s`", s->key);
		if (fstatfs (fd, &fs) < 0)
			return ct_make_error (err, errno, "set sysctl `%s`: statfs", s->key);
		if (fs.f_type != PROC_SUPER_MAGIC)
			return ct_make_error (err, EXDEV, "set sysctl `%s`: `%s` is not on a procfs", s->key, s->path);
		if (write (fd, s->value, len) != (ssize_t) len)
			return ct_make_error (err, errno, "set sysctl `%s` to `%s`", s->key, s->value);
	}
	return 0;
}

int
rt_attrs_apply_sched (const struct rt_attrs *a, ct_error_t *err)
{
	if (a->has_sched && syscall (SYS_sched_setattr, 0, &a->sched, 0) < 0)
		return ct_make_error (err, errno, "set the scheduler (policy %u)", (unsigned) a->sched.sched_policy);
	return 0;
}

int
rt_attrs_apply_ioprio (const struct rt_attrs *a, ct_error_t *err)
{
	if (a->has_ioprio && syscall (SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, a->ioprio) < 0)
		return ct_make_error (err, errno, "set the io priority (%#x)", (unsigned) a->ioprio);
	return 0;
}

int
rt_attrs_apply_cpu_initial (const struct rt_attrs *a, ct_error_t *err)
{
	if (a->has_cpu_initial && sched_setaffinity (0, sizeof (a->cpu_initial), &a->cpu_initial) < 0)
		return ct_make_error (err, errno, "set the initial cpu affinity");
	return 0;
}

int
rt_attrs_apply_cpu_final (const struct rt_attrs *a, ct_error_t *err)
{
	if (a->has_cpu_final && sched_setaffinity (0, sizeof (a->cpu_final), &a->cpu_final) < 0)
		return ct_make_error (err, errno, "set the final cpu affinity");
	return 0;
}

int
rt_attrs_apply_personality (const struct rt_attrs *a, ct_error_t *err)
{
	if (a->has_personality && personality (a->personality) < 0)
		return ct_make_error (err, errno, "set the personality %#lx", a->personality);
	return 0;
}
