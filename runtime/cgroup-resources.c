/* linux.resources written to a container's cgroup, v1 and v2 (cgroups.h,
   runtime-spec config-linux.md "Control groups").  Device rules are
   cgroup-devices.c's.

   The values and write orders are runc 1.1's fs and fs2 drivers: a field
   that is 0 leaves its file alone (runc's "unset"), -1 means unlimited.
   Each controller's directory comes from rt_cg_dirfd(), which also says
   whether it speaks v1 or v2 files: on a hybrid host the v1 hierarchies
   provide most controllers while hugetlb may come from the unified one.
   A field given for a controller no hierarchy provides is an error naming
   the field; absent fields never need their controller. */
#include "common.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>

#include "cgroup-resources.h"
#include "cgroups.h"
#include "log.h"

/* What every step needs: the cgroup, and how to name a field in messages
   ("config.json: `linux.resources.memory.swap`" at create; the resources
   document's own paths, "`memory.swap`", for `update`). */
struct apply {
	const struct rt_cgroup *cg;
	bool update;
};

static const char *
doc_prefix (const struct apply *a)
{
	return a->update ? "" : "config.json: ";
}

static const char *
field_prefix (const struct apply *a)
{
	return a->update ? "" : "linux.resources.";
}

/* The dirfd for controller, or an error naming field. */
static int
ctrl_dirfd (const struct apply *a, const char *controller, const char *field, bool *v2, ct_error_t *err)
{
	int fd = rt_cg_dirfd (a->cg, controller, v2);

	if (fd < 0)
		return ct_make_error (err, 0, "%s`%s%s`: the %s controller is not available", doc_prefix (a),
		                      field_prefix (a), field, controller);
	return fd;
}

static int
field_error (const struct apply *a, const char *field, const char *what, ct_error_t *err)
{
	return ct_make_error (err, 0, "%s`%s%s`: %s", doc_prefix (a), field_prefix (a), field, what);
}

static int
write_i64 (int fd, const char *file, int64_t v, ct_error_t *err)
{
	char buf[32];

	snprintf (buf, sizeof buf, "%" PRId64, v);
	return rt_cg_write (fd, file, buf, err);
}

static int
write_u64 (int fd, const char *file, uint64_t v, ct_error_t *err)
{
	char buf[32];

	snprintf (buf, sizeof buf, "%" PRIu64, v);
	return rt_cg_write (fd, file, buf, err);
}

/* "max" for -1 (and any negative value), else the number. */
static int
write_max (int fd, const char *file, int64_t v, ct_error_t *err)
{
	if (v < 0)
		return rt_cg_write (fd, file, "max", err);
	return write_i64 (fd, file, v, err);
}

static bool
file_exists (int fd, const char *file)
{
	return faccessat (fd, file, F_OK, 0) == 0;
}

/* ------------------------------------------------------------ conversions */

uint64_t
rt_cg_shares_to_weight (uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t
rt_cg_blkio_to_io_weight (uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	return 1 + ((weight - 10) * 9999) / 990;
}

int
rt_cg_swap_to_v2 (int64_t swap, int64_t limit, int64_t *out, ct_error_t *err)
{
	/* v1 compatibility: memory unlimited and swap not given = both unlimited */
	if (limit == -1 && swap == 0) {
		*out = -1;
		return 0;
	}
	if (swap == -1 || swap == 0) {
		*out = swap;
		return 0;
	}
	if (limit == 0 || limit == -1)
		return ct_make_error (err, 0, "unable to set swap limit without memory limit");
	if (limit < 0)
		return ct_make_error (err, 0, "invalid memory value: %" PRId64, limit);
	if (swap < limit)
		return ct_make_error (err, 0, "memory+swap limit should be >= memory limit");
	*out = swap - limit;
	return 0;
}

int
rt_cg_parse_bytes (const char *s, int64_t *out)
{
	static const char units[] = "kmgtp";
	const char *p = s, *num_end;
	double mul = 1, v;
	char *end = NULL;

	if (strcmp (s, "-1") == 0) {
		*out = -1;
		return 0;
	}
	/* ^\d+(\.\d+)? ?([kKmMgGtTpP])?[iI]?[bB]?$ */
	if (!isdigit ((unsigned char) *p))
		return -1;
	while (isdigit ((unsigned char) *p))
		p++;
	if (*p == '.') {
		p++;
		if (!isdigit ((unsigned char) *p))
			return -1;
		while (isdigit ((unsigned char) *p))
			p++;
	}
	num_end = p;
	if (*p == ' ')
		p++;
	if (*p != '\0') {
		const char *u = strchr (units, tolower ((unsigned char) *p));
		if (u != NULL) {
			for (const char *k = units; k <= u; k++)
				mul *= 1024;
			p++;
		}
	}
	if (*p == 'i' || *p == 'I')
		p++;
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p != '\0')
		return -1;
	errno = 0;
	v = strtod (s, &end);
	if (errno != 0 || end != num_end)
		return -1;
	v *= mul;
	if (!isfinite (v) || v >= 9223372036854775807.0)
		return -1;
	*out = (int64_t) v;
	return 0;
}

/* ------------------------------------------------------------ cpuset */

static int
apply_cpuset (const struct apply *a, const struct ct_rt_cpu *c, ct_error_t *err)
{
	int fd;

	if (c->cpus == NULL && c->mems == NULL)
		return 0;
	fd = ctrl_dirfd (a, "cpuset", c->cpus ? "cpu.cpus" : "cpu.mems", NULL, err);
	if (fd < 0)
		return -1;
	/* an empty string is runc's "unset" */
	if (c->cpus != NULL && c->cpus[0] != '\0' && rt_cg_write (fd, "cpuset.cpus", c->cpus, err) < 0)
		return -1;
	if (c->mems != NULL && c->mems[0] != '\0' && rt_cg_write (fd, "cpuset.mems", c->mems, err) < 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------ memory */

/* memory.limit_in_bytes; EBUSY (below the current usage) gets runc's
   message with the usage figures. */
static int
v1_set_limit (int fd, int64_t v, ct_error_t *err)
{
	char usage[32] = "", peak[32] = "";
	ct_error_t e2 = NULL;

	if (v == 0)
		return 0;
	if (write_i64 (fd, "memory.limit_in_bytes", v, err) == 0)
		return 0;
	if (ct_error_status (*err) != EBUSY)
		return -1;
	if (rt_cg_read (fd, "memory.usage_in_bytes", usage, sizeof usage, &e2) < 0 ||
	    rt_cg_read (fd, "memory.max_usage_in_bytes", peak, sizeof peak, &e2) < 0) {
		ct_error_release (&e2);
		return -1;
	}
	ct_error_release (err);
	return ct_make_error (err, EBUSY,
	                      "unable to set memory limit to %" PRId64 " (current usage: %s, peak usage: %s)", v, usage,
	                      peak);
}

static int
v1_set_swap (int fd, int64_t v, ct_error_t *err)
{
	if (v == 0)
		return 0;
	return write_i64 (fd, "memory.memsw.limit_in_bytes", v, err);
}

static int
apply_memory_v1 (const struct apply *a, int fd, const struct ct_rt_memory *m, ct_error_t *err)
{
	int64_t limit = m->limit_present ? m->limit : 0;
	int64_t swap = m->swap_present ? m->swap : 0;

	/* memory unlimited and swap not given: swap unlimited too, when the
	   kernel accounts swap at all */
	if (limit == -1 && swap == 0 && file_exists (fd, "memory.memsw.limit_in_bytes"))
		swap = -1;

	/* The kernel wants limit <= memsw at every moment: when memsw grows
	   (or goes unlimited) write it first, else the limit first. */
	if (limit != 0 && swap != 0) {
		char cur[32];
		uint64_t cur_limit;

		if (rt_cg_read (fd, "memory.limit_in_bytes", cur, sizeof cur, err) < 0)
			return -1;
		cur_limit = strtoull (cur, NULL, 10);
		if (swap == -1 || cur_limit < (uint64_t) swap) {
			if (v1_set_swap (fd, swap, err) < 0 || v1_set_limit (fd, limit, err) < 0)
				return -1;
			goto rest;
		}
	}
	if (v1_set_limit (fd, limit, err) < 0 || v1_set_swap (fd, swap, err) < 0)
		return -1;

rest:
	if (m->reservation_present && m->reservation != 0 &&
	    write_i64 (fd, "memory.soft_limit_in_bytes", m->reservation, err) < 0)
		return -1;
	if (m->disable_oom_killer_present && m->disable_oom_killer &&
	    rt_cg_write (fd, "memory.oom_control", "1", err) < 0)
		return -1;
	if (m->swappiness_present) {
		if (m->swappiness > 100) {
			char what[96];
			snprintf (what, sizeof what,
			          "invalid memory swappiness value %" PRIu64 " (valid range is 0-100)", m->swappiness);
			return field_error (a, "memory.swappiness", what, err);
		}
		if (write_u64 (fd, "memory.swappiness", m->swappiness, err) < 0)
			return -1;
	}
	return 0;
}

static int
apply_memory_v2 (const struct apply *a, int fd, const struct ct_rt_memory *m, ct_error_t *err)
{
	int64_t limit = m->limit_present ? m->limit : 0;
	int64_t swap = m->swap_present ? m->swap : 0;
	int64_t v2swap = 0;

	if (rt_cg_swap_to_v2 (swap, limit, &v2swap, err) < 0)
		return ct_error_wrap (err, "%s`%smemory.swap`", doc_prefix (a), field_prefix (a));
	/* swap == limit: no swap at all (0 is also "unset" above, so say it) */
	if (v2swap != 0 || (swap > 0 && swap == limit)) {
		if (write_max (fd, "memory.swap.max", v2swap, err) < 0) {
			/* no swap accounting: "max" and "0" are what we have anyway */
			if (ct_error_status (*err) != ENOENT || v2swap > 0)
				return -1;
			ct_error_release (err);
		}
	}
	if (limit != 0 && write_max (fd, "memory.max", limit, err) < 0)
		return -1;
	if (m->reservation_present && m->reservation != 0 && write_max (fd, "memory.low", m->reservation, err) < 0)
		return -1;
	/* runc 1.1's fs2 has no swappiness nor OOM-killer switch: it ignores them */
	if (m->swappiness_present)
		ct_log_debug ("memory.swappiness is not supported on cgroup v2: ignored");
	if (m->disable_oom_killer_present && m->disable_oom_killer)
		ct_log_debug ("memory.disableOOMKiller is not supported on cgroup v2: ignored");
	return 0;
}

static bool
memory_set (const struct ct_rt_memory *m)
{
	return m->limit_present || m->reservation_present || m->swap_present || m->swappiness_present ||
	       (m->disable_oom_killer_present && m->disable_oom_killer);
}

static int
apply_memory (const struct apply *a, const struct ct_rt_memory *m, ct_error_t *err)
{
	bool v2 = false;
	int fd;

	if (m->kernel_present || m->kernel_tcp_present)
		ct_log_debug ("kernel memory settings are ignored (deprecated)");
	if (!memory_set (m))
		return 0;
	fd = ctrl_dirfd (a, "memory", "memory", &v2, err);
	if (fd < 0)
		return -1;
	return v2 ? apply_memory_v2 (a, fd, m, err) : apply_memory_v1 (a, fd, m, err);
}

/* ------------------------------------------------------------ cpu */

static int
v1_shares (int fd, uint64_t shares, ct_error_t *err)
{
	char buf[32];
	uint64_t got;

	if (write_u64 (fd, "cpu.shares", shares, err) < 0)
		return -1;
	/* the kernel clamps silently: tell the user, as runc does */
	if (rt_cg_read (fd, "cpu.shares", buf, sizeof buf, err) < 0)
		return -1;
	got = strtoull (buf, NULL, 10);
	if (shares > got)
		return ct_make_error (err, 0, "the maximum allowed cpu-shares is %" PRIu64, got);
	if (shares < got)
		return ct_make_error (err, 0, "the minimum allowed cpu-shares is %" PRIu64, got);
	return 0;
}

/* A period and its budget depend on each other: a new period the kernel
   refuses (EINVAL) against the old budget is retried after the budget. */
static int
v1_period_pair (int fd, const char *pfile, uint64_t period, const char *qfile, int64_t quota, ct_error_t *err)
{
	bool retry = false;

	if (period != 0 && write_u64 (fd, pfile, period, err) < 0) {
		if (ct_error_status (*err) != EINVAL || quota == 0)
			return -1;
		ct_error_release (err);
		retry = true;
	}
	if (quota != 0) {
		if (write_i64 (fd, qfile, quota, err) < 0)
			return -1;
		if (retry && write_u64 (fd, pfile, period, err) < 0)
			return -1;
	}
	return 0;
}

static int
apply_cpu_v1 (int fd, const struct ct_rt_cpu *c, ct_error_t *err)
{
	if (c->shares_present && c->shares != 0 && v1_shares (fd, c->shares, err) < 0)
		return -1;
	if (v1_period_pair (fd, "cpu.cfs_period_us", c->period_present ? c->period : 0, "cpu.cfs_quota_us",
	                    c->quota_present ? c->quota : 0, err) < 0)
		return -1;
	if (c->burst_present && write_u64 (fd, "cpu.cfs_burst_us", c->burst, err) < 0)
		return -1;
	if (c->idle_present && write_i64 (fd, "cpu.idle", c->idle, err) < 0)
		return -1;
	return v1_period_pair (fd, "cpu.rt_period_us", c->realtime_period_present ? c->realtime_period : 0,
	                       "cpu.rt_runtime_us", c->realtime_runtime_present ? c->realtime_runtime : 0, err);
}

static int
apply_cpu_v2 (const struct apply *a, int fd, const struct ct_rt_cpu *c, ct_error_t *err)
{
	int64_t quota = c->quota_present ? c->quota : 0;
	uint64_t period = c->period_present ? c->period : 0;

	if ((c->realtime_runtime_present && c->realtime_runtime != 0) ||
	    (c->realtime_period_present && c->realtime_period != 0))
		return field_error (a, c->realtime_runtime_present ? "cpu.realtimeRuntime" : "cpu.realtimePeriod",
		                    "realtime scheduling is not supported on cgroup v2", err);
	if (c->shares_present && c->shares != 0 &&
	    write_u64 (fd, "cpu.weight", rt_cg_shares_to_weight (c->shares), err) < 0)
		return -1;
	if (quota != 0 || period != 0) {
		char cur[64] = "", val[64];

		/* cpu.max is "QUOTA PERIOD": keep the half not given */
		if (quota == 0 || period == 0) {
			char *sp;
			if (rt_cg_read (fd, "cpu.max", cur, sizeof cur, err) < 0)
				return -1;
			sp = strchr (cur, ' ');
			if (sp == NULL)
				return ct_make_error (err, 0, "parse `cpu.max`: `%s`", cur);
			*sp = '\0';
			if (period == 0)
				period = strtoull (sp + 1, NULL, 10);
		}
		if (quota > 0)
			snprintf (val, sizeof val, "%" PRId64 " %" PRIu64, quota, period);
		else if (quota < 0)
			snprintf (val, sizeof val, "max %" PRIu64, period);
		else
			snprintf (val, sizeof val, "%s %" PRIu64, cur, period);
		if (rt_cg_write (fd, "cpu.max", val, err) < 0)
			return -1;
	}
	if (c->burst_present && write_u64 (fd, "cpu.max.burst", c->burst, err) < 0)
		return -1;
	if (c->idle_present && write_i64 (fd, "cpu.idle", c->idle, err) < 0)
		return -1;
	return 0;
}

static int
apply_cpu (const struct apply *a, const struct ct_rt_cpu *c, ct_error_t *err)
{
	bool v2 = false;
	int fd;

	if (!(c->shares_present || c->quota_present || c->period_present || c->burst_present || c->idle_present ||
	      c->realtime_runtime_present || c->realtime_period_present))
		return 0;
	fd = ctrl_dirfd (a, "cpu", "cpu", &v2, err);
	if (fd < 0)
		return -1;
	return v2 ? apply_cpu_v2 (a, fd, c, err) : apply_cpu_v1 (fd, c, err);
}

/* ------------------------------------------------------------ pids */

static int
apply_pids (const struct apply *a, const struct ct_rt_pids *p, ct_error_t *err)
{
	int fd;

	/* 0 is runc's "unset": the file keeps its value */
	if (!p->limit_present || p->limit == 0)
		return 0;
	fd = ctrl_dirfd (a, "pids", "pids", NULL, err);
	if (fd < 0)
		return -1;
	return write_max (fd, "pids.max", p->limit, err);
}

/* ------------------------------------------------------------ blkio / io */

static int
write_devices (int fd, const char *file, const char *key, const struct ct_rt_blkio_throttle_device *d, size_t n,
               ct_error_t *err)
{
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *v = NULL;
		if (!d[i].rate_present)
			continue;
		if (key != NULL) /* v2 io.max */
			xasprintf (&v, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, d[i].major, d[i].minor, key, d[i].rate);
		else
			xasprintf (&v, "%" PRId64 ":%" PRId64 " %" PRIu64, d[i].major, d[i].minor, d[i].rate);
		if (rt_cg_write (fd, file, v, err) < 0)
			return -1;
	}
	return 0;
}

static int
apply_blkio_v1 (int fd, const struct ct_rt_blkio *b, ct_error_t *err)
{
	/* CFQ's blkio.weight is gone since Linux 5.0; BFQ has its own files */
	bool bfq = !file_exists (fd, "blkio.weight");
	const char *wfile = bfq ? "blkio.bfq.weight" : "blkio.weight";
	const char *wdfile = bfq ? "blkio.bfq.weight_device" : "blkio.weight_device";

	if (b->weight_present && b->weight != 0 && write_u64 (fd, wfile, b->weight, err) < 0)
		return -1;
	if (b->leaf_weight_present && b->leaf_weight != 0 &&
	    write_u64 (fd, "blkio.leaf_weight", b->leaf_weight, err) < 0)
		return -1;
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct ct_rt_blkio_weight_device *d = &b->weight_device[i];
		cleanup_free char *v = NULL;
		cleanup_free char *lv = NULL;
		if (d->weight_present && d->weight != 0) {
			xasprintf (&v, "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, (unsigned) d->weight);
			if (rt_cg_write (fd, wdfile, v, err) < 0)
				return -1;
		}
		if (d->leaf_weight_present && d->leaf_weight != 0) {
			xasprintf (&lv, "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, (unsigned) d->leaf_weight);
			if (rt_cg_write (fd, "blkio.leaf_weight_device", lv, err) < 0)
				return -1;
		}
	}
	if (write_devices (fd, "blkio.throttle.read_bps_device", NULL, b->throttle_read_bps_device,
	                   b->n_throttle_read_bps_device, err) < 0 ||
	    write_devices (fd, "blkio.throttle.write_bps_device", NULL, b->throttle_write_bps_device,
	                   b->n_throttle_write_bps_device, err) < 0 ||
	    write_devices (fd, "blkio.throttle.read_iops_device", NULL, b->throttle_read_iops_device,
	                   b->n_throttle_read_iops_device, err) < 0 ||
	    write_devices (fd, "blkio.throttle.write_iops_device", NULL, b->throttle_write_iops_device,
	                   b->n_throttle_write_iops_device, err) < 0)
		return -1;
	return 0;
}

/* v2: io.bfq.weight takes blkio's scale as is; io.weight its own. */
static int
v2_weight (int fd, const char *dev, uint64_t weight, ct_error_t *err)
{
	cleanup_free char *v = NULL;

	if (file_exists (fd, "io.bfq.weight")) {
		xasprintf (&v, "%s%s%" PRIu64, dev ? dev : "", dev ? " " : "", weight);
		return rt_cg_write (fd, "io.bfq.weight", v, err);
	}
	xasprintf (&v, "%s%s%" PRIu64, dev ? dev : "", dev ? " " : "", rt_cg_blkio_to_io_weight (weight));
	return rt_cg_write (fd, "io.weight", v, err);
}

static int
apply_blkio_v2 (int fd, const struct ct_rt_blkio *b, ct_error_t *err)
{
	if (b->weight_present && b->weight != 0 && v2_weight (fd, NULL, b->weight, err) < 0)
		return -1;
	if (b->leaf_weight_present && b->leaf_weight != 0)
		ct_log_debug ("blockIO.leafWeight is not supported on cgroup v2: ignored");
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct ct_rt_blkio_weight_device *d = &b->weight_device[i];
		char dev[48];
		if (!d->weight_present || d->weight == 0)
			continue;
		snprintf (dev, sizeof dev, "%" PRId64 ":%" PRId64, d->major, d->minor);
		if (v2_weight (fd, dev, d->weight, err) < 0)
			return -1;
	}
	if (write_devices (fd, "io.max", "rbps", b->throttle_read_bps_device, b->n_throttle_read_bps_device, err) < 0 ||
	    write_devices (fd, "io.max", "wbps", b->throttle_write_bps_device, b->n_throttle_write_bps_device, err) <
	            0 ||
	    write_devices (fd, "io.max", "riops", b->throttle_read_iops_device, b->n_throttle_read_iops_device, err) <
	            0 ||
	    write_devices (fd, "io.max", "wiops", b->throttle_write_iops_device, b->n_throttle_write_iops_device, err) <
	            0)
		return -1;
	return 0;
}

static int
apply_blkio (const struct apply *a, const struct ct_rt_blkio *b, ct_error_t *err)
{
	bool v2 = false;
	int fd;

	if (!(b->weight_present || b->leaf_weight_present || b->n_weight_device || b->n_throttle_read_bps_device ||
	      b->n_throttle_write_bps_device || b->n_throttle_read_iops_device || b->n_throttle_write_iops_device))
		return 0;
	/* v1 calls it blkio, v2 io: rt_cg_dirfd knows either name */
	fd = rt_cg_dirfd (a->cg, "blkio", &v2);
	if (fd < 0)
		fd = rt_cg_dirfd (a->cg, "io", &v2);
	if (fd < 0)
		return ctrl_dirfd (a, "blkio", "blockIO", NULL, err);
	return v2 ? apply_blkio_v2 (fd, b, err) : apply_blkio_v1 (fd, b, err);
}

/* ------------------------------------------------------------ the others */

static int
apply_hugetlb (const struct apply *a, const struct ct_rt_resources *r, ct_error_t *err)
{
	bool v2 = false;
	int fd;

	if (r->n_hugepage_limits == 0)
		return 0;
	fd = ctrl_dirfd (a, "hugetlb", "hugepageLimits", &v2, err);
	if (fd < 0)
		return -1;
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const struct ct_rt_hugepage_limit *h = &r->hugepage_limits[i];
		cleanup_free char *file = NULL;
		if (strchr (h->page_size, '/') != NULL || h->page_size[0] == '.') {
			char field[48];
			snprintf (field, sizeof field, "hugepageLimits[%zu].pageSize", i);
			return field_error (a, field, "not a page size", err);
		}
		xasprintf (&file, v2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes", h->page_size);
		if (write_u64 (fd, file, h->limit, err) < 0)
			return -1;
	}
	return 0;
}

static int
apply_network (const struct apply *a, const struct ct_rt_network *n, ct_error_t *err)
{
	int fd;

	if (n->class_id_present) {
		fd = ctrl_dirfd (a, "net_cls", "network.classID", NULL, err);
		if (fd < 0 || write_u64 (fd, "net_cls.classid", n->class_id, err) < 0)
			return -1;
	}
	if (n->n_priorities > 0) {
		fd = ctrl_dirfd (a, "net_prio", "network.priorities", NULL, err);
		if (fd < 0)
			return -1;
		for (size_t i = 0; i < n->n_priorities; i++) {
			cleanup_free char *v = NULL;
			xasprintf (&v, "%s %" PRIu32, n->priorities[i].name, n->priorities[i].priority);
			if (rt_cg_write (fd, "net_prio.ifpriomap", v, err) < 0)
				return -1;
		}
	}
	return 0;
}

static int
apply_rdma (const struct apply *a, const struct ct_rt_resources *r, ct_error_t *err)
{
	int fd;

	if (r->n_rdma == 0)
		return 0;
	fd = ctrl_dirfd (a, "rdma", "rdma", NULL, err);
	if (fd < 0)
		return -1;
	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct ct_rt_rdma *e = &r->rdma[i];
		char handles[32] = "", objects[32] = "";
		cleanup_free char *v = NULL;
		if (e->hca_handles_present)
			snprintf (handles, sizeof handles, " hca_handle=%" PRIu32, e->hca_handles);
		if (e->hca_objects_present)
			snprintf (objects, sizeof objects, " hca_object=%" PRIu32, e->hca_objects);
		xasprintf (&v, "%s%s%s", e->device, handles, objects);
		if (rt_cg_write (fd, "rdma.max", v, err) < 0)
			return -1;
	}
	return 0;
}

/* Files of the cgroup core that unified may set: limits only, never the
   membership or delegation files (cgroup.procs, cgroup.subtree_control...). */
static const char *const unified_core_ok[] = { "cgroup.max.depth", "cgroup.max.descendants", NULL };

static int
apply_unified (const struct apply *a, const struct ct_rt_resources *r, ct_error_t *err)
{
	int fd;

	if (!r->unified_present || r->unified.n == 0)
		return 0;
	if (a->cg->mode != RT_CG_UNIFIED)
		return field_error (a, "unified", "cannot use unified on cgroup v1", err);
	fd = rt_cg_unified_dirfd (a->cg);
	if (fd < 0)
		return ctrl_dirfd (a, "unified", "unified", NULL, err);
	for (size_t i = 0; i < r->unified.n; i++) {
		const char *k = r->unified.keys[i];
		const char *dot = strchr (k, '.');
		cleanup_free char *field = NULL;
		bool ok = true;

		xasprintf (&field, "unified.%s", k);
		if (strchr (k, '/') != NULL || strstr (k, "..") != NULL || dot == NULL || dot == k || dot[1] == '\0')
			return field_error (a, field, "must be a file name of the form CONTROLLER.PARAMETER", err);
		if (strncmp (k, "cgroup.", 7) == 0) {
			ok = false;
			for (const char *const *p = unified_core_ok; *p != NULL; p++)
				if (strcmp (k, *p) == 0)
					ok = true;
			if (!ok)
				return field_error (a, field, "may not be set", err);
		} else {
			cleanup_free char *ctrl = xstrndup (k, (size_t) (dot - k));
			if (rt_cg_dirfd (a->cg, ctrl, NULL) < 0) {
				cleanup_free char *what = NULL;
				xasprintf (&what, "the %s controller is not available", ctrl);
				return field_error (a, field, what, err);
			}
		}
		if (rt_cg_write (fd, k, r->unified.values[i], err) < 0)
			return -1;
	}
	return 0;
}

int
rt_cg_apply (const struct rt_cgroup *cg, const struct ct_rt_resources *r, bool update, ct_error_t *err)
{
	const struct apply a = { .cg = cg, .update = update };

	if (r == NULL)
		return 0;
	/* runc's order: cpuset, memory, cpu, pids, blkio, hugetlb,
	   net_cls/net_prio, rdma; unified last, so it can override any of them
	   (fs2 setUnified) */
	if ((r->cpu && apply_cpuset (&a, r->cpu, err) < 0) || (r->memory && apply_memory (&a, r->memory, err) < 0) ||
	    (r->cpu && apply_cpu (&a, r->cpu, err) < 0) || (r->pids && apply_pids (&a, r->pids, err) < 0) ||
	    (r->block_io && apply_blkio (&a, r->block_io, err) < 0) || apply_hugetlb (&a, r, err) < 0 ||
	    (r->network && apply_network (&a, r->network, err) < 0) || apply_rdma (&a, r, err) < 0 ||
	    apply_unified (&a, r, err) < 0)
		return -1;
	return 0;
}
